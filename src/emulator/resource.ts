/**
 * A resource the emulator serves, as data plus a few hooks. The emulator derives every route, list filter,
 * embedded list, expansion and event from these definitions; resource files under `resources/` only say
 * what is specific to their object (its shape, its create/update parameters and side effects).
 */
import type { FieldValue } from './collection.js';
import type { FormParams, FormValue } from './formBody.js';
import type { Random } from './random.js';

export type StripeObject = Record<string, unknown> & { id: string; object: string };

export interface ListParamDef {
  /** Extracted field compared for equality; defaults to the parameter name. Must be in `filterFields`. */
  field?: string;
  /** How the wire string is coerced before comparing. */
  type?: 'string' | 'boolean' | 'integer';
  /** Allowed values; anything else is a 400 like Stripe's "Invalid <param>". */
  enum?: readonly string[];
  required?: boolean;
  /**
   * Custom filter for values that are not plain equality (`status=all`, `status=ended`, `type=*`...).
   * Return undefined for "no filtering".
   */
  test?: (value: FormValue) => ((fields: Record<string, FieldValue>) => boolean) | undefined;
}

export interface DefaultListFilter {
  overriddenBy: string[];
  test: (fields: Record<string, FieldValue>) => boolean;
}

export interface EmbedDef {
  /** Field on the parent: 'lines'. */
  field: string;
  /** Child resource name: 'invoice_line_items'. */
  child: string;
  /** Field on the child holding the parent's id (must be an indexed field of the child): 'invoice'. */
  parentField: string;
  /** Child list url, `:id` replaced by the parent's id: '/v1/invoices/:id/lines'. */
  url: string;
  /** How many children the embedded list carries (Stripe: 10 for invoice lines, refunds, reversals...). */
  limit?: number;
  /** Only present when expanded (`expand[]=line_items`), as for checkout sessions and charge refunds. */
  includable?: boolean;
}

export interface ActionDef {
  /** POST path with `:id`, e.g. '/v1/invoices/:id/pay'. */
  path: string;
  method?: 'POST' | 'GET' | 'DELETE';
  /** Returns the object to respond with (usually the updated resource). */
  handle(ctx: MutationContext, current: StripeObject, params: FormParams): StripeObject;
}

export interface ResourceDef {
  /** Collection and stream name: 'customers', 'invoice_line_items'. */
  name: string;
  /** Stripe `object` value: 'customer', 'line_item', 'checkout.session'. */
  object: string;
  idPrefix: string;
  /** Characters after the prefix (Stripe: 14 for customers/products, 24 for most). */
  idLength?: number;
  /** Top-level endpoint, e.g. '/v1/customers'. Omit for resources reached only through a parent. */
  path?: string;
  /**
   * Child endpoint under a parent: `{ resource: 'invoices', field: 'invoice', path: '/v1/invoices/:parent/lines' }`.
   * Lists there are filtered by `field` = the parent id (the field must be indexed).
   */
  parent?: {
    resource: string;
    field: string;
    path: string;
    /** Operations on the child path; default list only. */
    operations?: { list?: boolean; retrieve?: boolean; create?: boolean; update?: boolean; del?: boolean };
  };
  /** Retrieving a deleted object returns `{id, object, deleted: true}` (customers) instead of a 404. */
  retrieveDeleted?: boolean;
  operations: { list?: boolean; retrieve?: boolean; create?: boolean; update?: boolean; del?: boolean };
  /** Whether the list endpoint accepts `created` (see STRIPE-API-NOTES.md §2). */
  createdFilter: boolean;
  /** Objects older than this many seconds can no longer be listed or retrieved (events: 30 days). */
  retentionSeconds?: number;
  /** Fields extracted for list filtering (dotted paths allowed). */
  filterFields?: string[];
  /** Subset of filterFields with a secondary index (parent ids). */
  indexedFields?: string[];
  /**
   * Read far more often than written (a catalog: every renewal reads its prices and products): views
   * of these objects outlive the operation, until the object is stored again (see storedRecord.ts).
   */
  readMostly?: boolean;
  listParams?: Record<string, ListParamDef>;
  /** Cross-parameter checks for the list endpoint (e.g. events: `type` and `types[]` are exclusive). */
  validateList?(params: FormParams): void;
  /**
   * Stripe's default list filter, applied unless `overriddenBy` names a parameter the caller passed. Several
   * independent defaults (subscriptions: not canceled unless `status`; not on a test clock unless
   * `test_clock`/`customer`) are given as an array.
   */
  defaultListFilter?: DefaultListFilter | DefaultListFilter[];
  /**
   * Top-level fields kept on the stored object for the emulator's own list filters but never returned
   * (which prices are inline, a subscription's price ids for `?price=`). Prefix them with `_`.
   */
  hiddenFields?: string[];
  /** Top-level fields Stripe returns only when named in `expand[]` (its "includable" fields: `price.tiers`). */
  includableFields?: string[];
  /**
   * Expandable reference fields → the resources their ids can be found in. A reference inside a nested
   * hash is declared by its dotted path (`'parent.subscription_details.subscription'`); `expand[]` then
   * walks into the hash and expands it there.
   */
  expandable?: Record<string, string[]>;
  embeds?: EmbedDef[];
  /** Event types this resource emits through ctx.insert/save/remove. */
  events?: { created?: string; updated?: string; deleted?: string };
  /** Restricted-key permission group, e.g. 'customers' (keys list e.g. 'customers:read'). */
  permission: string;
  /**
   * Validate create params, build the object and store it with ctx.insert (which emits `created`), then do
   * side effects; return the stored object. Throw ApiError (apiError.ts) for bad params.
   */
  create?(ctx: MutationContext, params: FormParams): StripeObject;
  /**
   * Apply update params and return the new object WITHOUT storing it: the emulator stores it with ctx.save
   * (emitting `updated` with previous_attributes) when it differs from the current one. `current` is a
   * private copy: editing it in place and returning it is fine.
   */
  update?(ctx: MutationContext, current: StripeObject, params: FormParams): StripeObject;
  /**
   * Delete: call ctx.remove (emits `deleted`) plus side effects and return the response body. Default when
   * omitted: ctx.remove and `{id, object, deleted: true}`.
   */
  del?(ctx: MutationContext, current: StripeObject): StripeObject;
  actions?: ActionDef[];
}

/** What resource hooks can do; scoped to the request's account. */
export interface MutationContext {
  readonly account: string;
  /** True when the account is a connected account (events then carry `account`). */
  readonly connected: boolean;
  readonly now: number;
  readonly livemode: boolean;
  readonly random: Random;
  newId(prefix: string, length?: number): string;
  /**
   * Deep copy of Stripe's example object for `object` (fixtures3.json), a starting point for shapes.
   * Build on it with `Object.assign(ctx.template(x), { … })`: the copy is the caller's, and V8 runs a
   * spread `{ ...ctx.template(x), … }` that adds keys the copy lacks ~10× slower (a million objects in a
   * large seed are made this way).
   */
  template(object: string): Record<string, unknown>;
  get(resource: string, id: string): StripeObject | undefined;
  /** Like get, but a missing id is Stripe's 400 resource_missing on `param`. */
  require(resource: string, id: string, param: string): StripeObject;
  /** Stripe's 400 resource_missing on `param` unless the object exists (a check that reads nothing). */
  requireExists(resource: string, id: string, param: string): void;
  /**
   * Live children/objects where an indexed field equals value, oldest first. `where` tests the extracted
   * filter/index fields before an object is parsed, so a narrow query over a long history stays cheap.
   */
  findBy(
    resource: string,
    field: string,
    value: FieldValue,
    where?: (fields: Readonly<Record<string, FieldValue>>) => boolean,
  ): StripeObject[];
  /**
   * A read-only object, shared with other readers until the operation ends or it is stored again, for
   * code that only reads it: no JSON parse when several steps of one operation read the same customer or
   * subscription. Build changes from it with a spread (`{ ...view, status }`), never in place (checked
   * mode freezes views, see checks.ts).
   */
  view(resource: string, id: string): StripeObject | undefined;
  /** Like view, but a missing id is Stripe's 400 resource_missing on `param` (like require). */
  requireView(resource: string, id: string, param: string): StripeObject;
  /** Read-only objects (see view) where an indexed field equals value, oldest first (like findBy). */
  viewBy(
    resource: string,
    field: string,
    value: FieldValue,
    where?: (fields: Readonly<Record<string, FieldValue>>) => boolean,
  ): StripeObject[];
  /** Whether events made now are kept (false while the seed builds history Stripe would have expired). */
  recordsEvents(): boolean;
  /**
   * Store a new object; emits the resource's `created` event unless `emit: false`. The event's snapshot is
   * rendered now, embedded lists included: insert children before their parent (or `emit: false` and then
   * `emit(...)`) when the `created` event must show them, as `invoice.created` shows its lines.
   */
  insert(resource: string, obj: StripeObject, opts?: { emit?: boolean | string }): StripeObject;
  /**
   * Store a changed object; emits `updated` (or the given type) with previous_attributes computed from
   * the stored version. `emit: false` stores silently (objects without events, like balance transactions).
   */
  save(resource: string, obj: StripeObject, opts?: { emit?: boolean | string }): StripeObject;
  /** Remove from lists (kept in ground truth as deleted); emits `deleted` unless `emit: false`. */
  remove(resource: string, id: string, opts?: { emit?: boolean | string }): void;
  /** Emit an arbitrary event with the current rendered snapshot of `obj`. */
  emit(type: string, obj: StripeObject, previousAttributes?: Record<string, unknown>): void;
  /** Call another resource's create hook (side effects such as a charge creating a balance transaction). */
  create(resource: string, params: FormParams): StripeObject;
  /** Make a new connected account (Connect) whose data is scoped by `Stripe-Account: id`. */
  registerConnectedAccount(id: string): void;
  /** The account object of the current scope (platform or connected), for `/v1/account`. */
  accountObject(): StripeObject;
  /**
   * The same request acting in another account of this platform family: the platform (no `id`) or one of
   * its connected accounts. Connect money movement books objects on both sides (a direct charge's
   * application fee lives in the platform, a transfer's payment in the destination account).
   */
  forAccount(id?: string): MutationContext;
  /**
   * Per-account working memory that lives and dies with the account's data (e.g. running balances, so
   * `/v1/balance` need not re-read every balance transaction). `init` runs on first use.
   */
  memo<T>(key: string, init: () => T): T;
}
