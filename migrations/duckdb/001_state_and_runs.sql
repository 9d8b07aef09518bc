-- stripe-elt's own tables (ARCHITECTURE.md §4). Applied by Destination.init() inside one transaction;
-- recorded in _stripe_elt_migrations. No secondary index on _stripe_elt_runs: DuckDB turns updates of
-- indexed tables into delete + insert, and the table is small enough to scan.

CREATE TABLE IF NOT EXISTS _stripe_elt_state (
  account    VARCHAR     NOT NULL,
  stream     VARCHAR     NOT NULL,
  state      JSON        NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (account, stream)
);
COMMENT ON TABLE _stripe_elt_state IS
  'stripe-elt sync state per Stripe account and stream (versioned JSON), committed with the rows it covers. The stream _events holds the events cursor.';

CREATE TABLE IF NOT EXISTS _stripe_elt_runs (
  run_id               VARCHAR     NOT NULL,
  account              VARCHAR     NOT NULL,
  stream               VARCHAR     NOT NULL,
  started_at           TIMESTAMPTZ NOT NULL,
  finished_at          TIMESTAMPTZ,
  status               VARCHAR     NOT NULL,
  mode                 VARCHAR     NOT NULL,
  rows_inserted        BIGINT      NOT NULL DEFAULT 0,
  rows_updated         BIGINT      NOT NULL DEFAULT 0,
  rows_deleted         BIGINT      NOT NULL DEFAULT 0,
  api_requests         BIGINT      NOT NULL DEFAULT 0,
  rate_limited_retries BIGINT      NOT NULL DEFAULT 0,
  error                VARCHAR,
  PRIMARY KEY (run_id, account, stream)
);
COMMENT ON TABLE _stripe_elt_runs IS
  'One row per stripe-elt run and stream: times, status (running, succeeded, failed, no_permission, skipped), row counts, API requests, rate-limited retries, error. Freshness: max(finished_at) where status = ''succeeded''.';
