/**
 * Imported for its side effect before `@duckdb/node-api` (see instanceCache.ts): tells the jemalloc
 * built into libduckdb (its symbols carry the `duckdb_je_` prefix, so it reads `DUCKDB_JE_MALLOC_CONF`,
 * once, when DuckDB first allocates) to give freed pages back to the system promptly.
 *
 * Why: DuckDB configures jemalloc with `muzzy_decay_ms:1000`. Pages it frees go "muzzy" (MADV_FREE),
 * which Linux reclaims only under memory pressure, and until then they count in the process's resident
 * set. A sync allocates and frees a lot (every batch's appender chunks, staging tables, in-memory row
 * groups until a checkpoint), so on the `medium` seed the extractor's RSS held ~300 MB more than DuckDB
 * and V8 were using. With `muzzy_decay_ms:0` pages are returned with MADV_DONTNEED after
 * `dirty_decay_ms` (250 ms here): peak RSS fell by ~200 MB at no measurable cost in time (decay 0 for
 * dirty pages as well cost 25% more time).
 *
 * `narenas:1`: jemalloc gives each thread that allocates one of 4 × cores arenas, each with its own
 * freed pages. DuckDB statements run on whichever of libuv's four pool threads node-api picks, and the
 * appender on the main thread, so a sync spread its garbage over several arenas; our statements run one
 * at a time, so one arena costs no contention. One arena and a 128MB memory_limit together took the
 * `large` backfill from 913 MB peak RSS to 513–536 MB; with the default 512MB limit it still peaks at
 * ~900 MB, DuckDB's cache of the file filling the limit. (With no DuckDB worker threads, `threads=1`, nothing
 * purges an idle arena: the destination turns on jemalloc's background thread for that, see
 * duckdbDestination.ts.) A value the user already set is left alone.
 */
const VAR = 'DUCKDB_JE_MALLOC_CONF';

export const DUCKDB_ALLOCATOR_CONF = 'narenas:1,dirty_decay_ms:250,muzzy_decay_ms:0';

if (process.env[VAR] === undefined) process.env[VAR] = DUCKDB_ALLOCATOR_CONF;
