/**
 * A stream = one warehouse table fed from one Stripe list. Streams are plain data (ARCHITECTURE.md §7.2):
 * the engine derives backfill plans, event routing and child refreshes from these fields, never from
 * per-stream code.
 */
export type IncrementalMethod =
  /** Changes arrive as events carrying the object (upsert snapshot, soft-delete on the delete event). */
  | 'events'
  /** No events: new objects are found by a `created` cursor with a lookback (balance transactions). */
  | 'created'
  /** Rows are re-read from their parent whenever the parent changes (invoice lines, subscription items). */
  | 'parent'
  /** No `created` filter and no reliable events: full re-scan every run (small reference lists). */
  | 'full';

export interface ListSpec {
  /** Top-level list endpoint: '/v1/charges'. */
  path: string;
  /** Parameters added to every request (default-filter overrides such as `status=all`). */
  params?: Record<string, string>;
  /**
   * Separate passes over the same endpoint, each with these extra params, when one request cannot see
   * everything: prices lists only active ones unless `active=false` (STRIPE-API-NOTES.md §2).
   */
  passes?: Record<string, string>[];
  /** Whether the endpoint accepts `created[gte|lt]` (so backfill can be split into windows). */
  createdFilter: boolean;
}

export interface ParentSpec {
  /** Parent stream name: 'invoices'. */
  stream: string;
  /** Child list endpoint, `{id}` = the parent id: '/v1/invoices/{id}/lines'. */
  path: string;
  /** Query parameters for the child endpoint, `{id}` substituted (subscription items: subscription={id}). */
  params?: Record<string, string>;
  /** Field of the parent carrying the first page of children (`lines`); absent = one request per parent. */
  embeddedField?: string;
  /** When the children are a plain array on the parent (balance transaction fee_details), not a list. */
  embeddedArray?: string;
  /** Column holding the parent id in the child table (Stripe's own field when the child has one). */
  key: string;
}

export interface StreamDefinition {
  /** Table name, plural snake_case (Sigma-style): 'invoice_line_items'. */
  name: string;
  /** Stripe `object` value of the rows: 'line_item'. */
  object: string;
  /** File in schemas/ describing the object (defaults to the stream name). */
  schema?: string;
  /** Top-level list (absent for children reachable only through their parent). */
  list?: ListSpec;
  parent?: ParentSpec;
  /** Columns of the primary key, after `_account`: ['id'] or ['invoice', 'id']. */
  primaryKey: string[];
  /** Event types whose `data.object` is this stream's object (documentation + tests; routing is by object). */
  events?: string[];
  /** The event that means the object is gone (soft-delete): 'customer.deleted'. */
  deletedEvent?: string;
  incremental: IncrementalMethod;
  /** A child list costing one request per parent: can be switched off in config (`streams.<name>: false`). */
  perParentRequests?: boolean;
  /**
   * Events are known to miss changes (e.g. no `invoiceitem.updated`; accounts per Estuary's docs):
   * re-list the whole stream this often to catch what events did not say.
   */
  reconcileHours?: number;
  /**
   * Objects of this stream that change without an event of their own but are named in another stream's
   * event payloads: when such a payload arrives, the named objects are re-read by id. `path` walks the
   * payload (arrays are traversed): invoice items pulled onto an invoice appear in its `lines`.
   */
  refreshFrom?: { stream: string; path: string }[];
  /** Listed only for the platform account (Connect: `/v1/accounts` is empty for connected accounts). */
  platformOnly?: boolean;
  /**
   * The list endpoint never shows some objects (reviews: only open ones), so absence from a re-list
   * proves nothing: rows are never swept to `_deleted`.
   */
  partialList?: boolean;
  /** Static reference data (currencies): no API calls. */
  reference?: boolean;
  /** Why the stream is shaped the way it is, for `stripe-elt streams --verbose` and reviewers. */
  notes?: string;
}
