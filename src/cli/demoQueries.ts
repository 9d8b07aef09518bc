/** Three example analyst queries the demo runs on its DuckDB file (and prints, so users can copy them). */
// First: it configures DuckDB's allocator before the native library loads.
import '../destinations/duckdb/allocatorConf.js';
import { DuckDBInstance } from '@duckdb/node-api';

export const DEMO_QUERIES = [
  {
    title: 'Net revenue by month, in major currency units (the currencies table knows JPY has no decimals)',
    sql: `select strftime(date_trunc('month', ch.created), '%Y-%m') as month, ch.currency,
       round(sum(ch.amount - ch.amount_refunded) / pow(10, any_value(cur.exponent)), 2) as net_revenue
from charges ch join currencies cur on cur.code = ch.currency
where ch.status = 'succeeded' and not ch._deleted
group by 1, 2 order by 1 desc, 2 limit 6`,
  },
  {
    title: 'Subscriptions by status (canceled ones included: stripe-elt lists with status=all)',
    sql: `select status, count(*) as subscriptions
from subscriptions where not _deleted
group by 1 order by 2 desc`,
  },
  {
    title:
      'Top customers by lifetime payments, with a metadata value (also in metadata_<key> columns, up to 200 keys per table)',
    sql: `select c.id, c.email, c.metadata->>'segment' as segment, count(*) as payments,
       sum(ch.amount) / 100.0 as paid_usd
from customers c join charges ch on ch.customer = c.id
where ch.status = 'succeeded' and ch.currency = 'usd'
group by all order by paid_usd desc limit 5`,
  },
] as const;

export async function runDemoQueries(
  file: string,
): Promise<{ title: string; sql: string; rows: string[] }[]> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const out = [];
    for (const q of DEMO_QUERIES) {
      const reader = await conn.runAndReadAll(q.sql);
      const cols = reader.columnNames();
      const rows = reader
        .getRowsJson()
        .map((r) => cols.map((c, i) => `${c}=${JSON.stringify(r[i])}`).join('  '));
      out.push({ title: q.title, sql: q.sql, rows });
    }
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
