/** The conformance suite on PostgreSQL, in a fresh random schema (dropped afterwards). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { PostgresDestination } from '../../../src/destinations/postgres/postgresDestination.js';
import { describeDestination } from './conformance.js';

describeDestination('postgres', async () => {
  const url = inject('databaseUrl');
  const schema = `conformance_${randomBytes(6).toString('hex')}`;
  return {
    open: async () => new PostgresDestination(url, { schema }),
    dispose: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
});
