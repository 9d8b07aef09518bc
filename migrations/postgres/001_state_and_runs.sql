-- stripe-elt's own tables (ARCHITECTURE.md §4). Applied by Destination.init() with search_path set to the
-- destination schema, inside one transaction; recorded in _stripe_elt_migrations.

CREATE TABLE IF NOT EXISTS _stripe_elt_state (
  account    text        NOT NULL,
  stream     text        NOT NULL,
  state      jsonb       NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account, stream)
);
COMMENT ON TABLE _stripe_elt_state IS
  'stripe-elt sync state per Stripe account and stream (versioned JSON), committed with the rows it covers. The stream _events holds the events cursor.';

CREATE TABLE IF NOT EXISTS _stripe_elt_runs (
  run_id               text        NOT NULL,
  account              text        NOT NULL,
  stream               text        NOT NULL,
  started_at           timestamptz NOT NULL,
  finished_at          timestamptz,
  status               text        NOT NULL,
  mode                 text        NOT NULL,
  rows_inserted        bigint      NOT NULL DEFAULT 0,
  rows_updated         bigint      NOT NULL DEFAULT 0,
  rows_deleted         bigint      NOT NULL DEFAULT 0,
  api_requests         bigint      NOT NULL DEFAULT 0,
  rate_limited_retries bigint      NOT NULL DEFAULT 0,
  error                text,
  PRIMARY KEY (run_id, account, stream)
);
COMMENT ON TABLE _stripe_elt_runs IS
  'One row per stripe-elt run and stream: times, status (running, succeeded, failed, no_permission, skipped), row counts, API requests, rate-limited retries, error. Freshness: max(finished_at) where status = ''succeeded''.';

CREATE INDEX IF NOT EXISTS _stripe_elt_runs_started_at ON _stripe_elt_runs (started_at DESC);
