/**
 * The MutationContext handed to resource hooks: store access scoped to one account, plus event emission
 * (every mutation emits Stripe's event with a `data.object` snapshot, `previous_attributes` on updates,
 * `api_version`, and `account` for connected accounts).
 */
import { ApiError, missingReference } from './apiError.js';
import type { FieldValue, Rec } from './collection.js';
import type { FormParams } from './formBody.js';
import type { Random } from './random.js';
import type { Registry } from './registry.js';
import type { Renderer } from './render.js';
import type { MutationContext, StripeObject } from './resource.js';
import type { AccountData, Store } from './store.js';
import { template } from './templates.js';

export interface ContextDeps {
  registry: Registry;
  store: Store;
  renderer: Renderer;
  random: Random;
  newId(prefix: string, length?: number): string;
  /** Events created before this time are not kept (the seed skips history Stripe would have expired). */
  eventsSince(): number;
  livemode: boolean;
}

export interface RequestInfo {
  requestId: string | null;
  idempotencyKey: string | null;
}

export class Context implements MutationContext {
  readonly account: string;
  readonly connected: boolean;
  readonly livemode: boolean;
  readonly random: Random;

  constructor(
    private readonly deps: ContextDeps,
    readonly data: AccountData,
    readonly now: number,
    private readonly request: RequestInfo,
  ) {
    this.account = data.info.id;
    this.connected = data.info.platform !== undefined;
    this.livemode = deps.livemode;
    this.random = deps.random;
  }

  newId(prefix: string, length?: number): string {
    return this.deps.newId(prefix, length);
  }

  template(object: string): Record<string, unknown> {
    const t = template(object);
    if ('livemode' in t) t.livemode = this.livemode;
    return t;
  }

  get(resource: string, id: string): StripeObject | undefined {
    return this.data.collection(resource).getObject<StripeObject>(id);
  }

  require(resource: string, id: string, param: string): StripeObject {
    return this.get(resource, id) ?? this.missing(resource, id, param);
  }

  requireExists(resource: string, id: string, param: string): void {
    if (!this.data.collection(resource).has(id)) this.missing(resource, id, param);
  }

  view(resource: string, id: string): StripeObject | undefined {
    return this.data.collection(resource).view<StripeObject>(id);
  }

  requireView(resource: string, id: string, param: string): StripeObject {
    return this.view(resource, id) ?? this.missing(resource, id, param);
  }

  private missing(resource: string, id: string, param: string): never {
    throw missingReference(this.deps.registry.get(resource).object, id, param);
  }

  findBy(
    resource: string,
    field: string,
    value: FieldValue,
    where?: (fields: Readonly<Record<string, FieldValue>>) => boolean,
  ): StripeObject[] {
    const out: StripeObject[] = [];
    for (const r of this.data.collection(resource).byIndex(field, value)) {
      if (!where || where(r.fields)) out.push(JSON.parse(r.json) as StripeObject);
    }
    return out;
  }

  viewBy(
    resource: string,
    field: string,
    value: FieldValue,
    where?: (fields: Readonly<Record<string, FieldValue>>) => boolean,
  ): StripeObject[] {
    return this.data.collection(resource).viewsByIndex<StripeObject>(field, value, where);
  }

  recordsEvents(): boolean {
    return this.recording();
  }

  insert(resource: string, obj: StripeObject, opts: { emit?: boolean | string } = {}): StripeObject {
    const coll = this.data.collection(resource);
    coll.put(obj, this.now, true);
    const type = this.recording()
      ? eventType(opts.emit, this.deps.registry.get(resource).events?.created)
      : undefined;
    // Rendered as `resource` (not looked up by `object`, which several resources may share).
    if (type) this.emitSnapshot(type, this.snapshot(resource, obj)!);
    return obj;
  }

  save(resource: string, obj: StripeObject, opts: { emit?: boolean | string } = {}): StripeObject {
    const coll = this.data.collection(resource);
    const def = this.deps.registry.get(resource);
    const type = this.recording() ? eventType(opts.emit, def.events?.updated) : undefined;
    // Rendering copies what it changes, so the stored version can be read as a view.
    const before = type ? this.snapshot(resource, coll.view<StripeObject>(obj.id)) : undefined;
    coll.put(obj, this.now);
    if (type) {
      const after = this.snapshot(resource, obj)!;
      this.emitSnapshot(type, after, before ? previousAttributes(before, after) : undefined);
    }
    return obj;
  }

  remove(resource: string, id: string, opts: { emit?: boolean | string } = {}): void {
    const coll = this.data.collection(resource);
    const current = coll.getObject<StripeObject>(id);
    if (!current) return;
    const def = this.deps.registry.get(resource);
    const type = this.recording() ? eventType(opts.emit, def.events?.deleted) : undefined;
    const snapshot = type ? this.snapshot(resource, current) : undefined;
    coll.remove(id, this.now, { ...current, deleted: true });
    // `*.deleted` events carry the object as it was, the way Stripe sends them.
    if (type && snapshot) this.emitSnapshot(type, snapshot);
  }

  emit(type: string, obj: StripeObject, previousAttributes?: Record<string, unknown>): void {
    if (!this.recording()) return;
    const def = this.deps.registry.byObject(obj.object);
    const snap = def ? this.snapshot(def.name, obj)! : obj;
    this.emitSnapshot(type, snap, previousAttributes);
  }

  /**
   * Whether events made now are kept. The seed sets `eventsSince` to skip history Stripe would have
   * expired; skipping it here also skips rendering snapshots and diffing previous_attributes for them.
   */
  private recording(): boolean {
    return this.now >= this.deps.eventsSince();
  }

  create(resource: string, params: FormParams): StripeObject {
    const def = this.deps.registry.get(resource);
    if (!def.create) throw new Error(`${resource} cannot be created`);
    return def.create(this, params);
  }

  registerConnectedAccount(id: string): void {
    this.deps.store.addAccount({ id, platform: this.account, apiVersion: this.data.info.apiVersion });
  }

  accountObject(): StripeObject {
    const info = this.data.info;
    if (info.platform) {
      const platform = this.deps.store.account(info.platform);
      const rec = platform?.collection('accounts').get(info.id);
      if (rec) {
        // Charges, invoices and settlement read the account on every call: parse each stored version
        // once (a shallow copy keeps callers that replace top-level fields from touching the cache).
        let cached = parsedAccounts.get(rec);
        if (!cached || cached.json !== rec.json) {
          cached = { json: rec.json, obj: JSON.parse(rec.json) as StripeObject };
          parsedAccounts.set(rec, cached);
        }
        return { ...cached.obj };
      }
    }
    if (info.object) return info.object as StripeObject;
    throw new ApiError(404, 'invalid_request_error', `No such account: '${info.id}'`, 'resource_missing');
  }

  forAccount(id?: string): MutationContext {
    const family = this.data.info.platform ?? this.account;
    const target = id ?? family;
    if (target === this.account) return this;
    const data = this.deps.store.account(target);
    if (!data || (data.info.id !== family && data.info.platform !== family)) {
      throw new Error(`account ${target} is not the platform or a connected account of ${family}`);
    }
    return new Context(this.deps, data, this.now, this.request);
  }

  memo<T>(key: string, init: () => T): T {
    let memos = accountMemos.get(this.data);
    if (!memos) {
      memos = new Map();
      accountMemos.set(this.data, memos);
    }
    if (!memos.has(key)) memos.set(key, init());
    return memos.get(key) as T;
  }

  private snapshot(resource: string, obj: StripeObject | undefined): StripeObject | undefined {
    if (!obj) return undefined;
    return this.deps.renderer.render(this.data, this.deps.registry.get(resource), obj, []);
  }

  private emitSnapshot(type: string, obj: StripeObject, previous?: Record<string, unknown>): void {
    if (this.now < this.deps.eventsSince()) return;
    if (previous && Object.keys(previous).length === 0 && type.endsWith('.updated')) return;
    const event: StripeObject = {
      id: this.newId('evt'),
      object: 'event',
      ...(this.connected ? { account: this.account } : {}),
      api_version: this.data.info.apiVersion,
      created: this.now,
      data: previous ? { object: obj, previous_attributes: previous } : { object: obj },
      livemode: this.livemode,
      pending_webhooks: 0,
      request: { id: this.request.requestId, idempotency_key: this.request.idempotencyKey },
      type,
    };
    this.data.collection('events').put(event, this.now);
  }
}

/** Connected accounts' objects as last parsed, keyed by their record (see accountObject). */
const parsedAccounts = new WeakMap<Rec, { json: string; obj: StripeObject }>();

/** MutationContext.memo storage, keyed by the account's data so a reset (new AccountData) starts afresh. */
const accountMemos = new WeakMap<AccountData, Map<string, unknown>>();

function eventType(emit: boolean | string | undefined, dflt: string | undefined): string | undefined {
  if (emit === false) return undefined;
  if (typeof emit === 'string') return emit;
  return dflt;
}

/** Top-level attributes whose value changed, with their old values (Stripe: whole arrays/objects). */
export function previousAttributes(before: StripeObject, after: StripeObject): Record<string, unknown> {
  const prev: Record<string, unknown> = {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of keys) {
    const b = before[k];
    const a = after[k];
    // The same value (often the very same nested object: changes are spreads) serializes the same.
    if (b === a) continue;
    if (JSON.stringify(b) !== JSON.stringify(a)) prev[k] = b ?? null;
  }
  return prev;
}
