/**
 * Turns a stored object into what the API returns: embedded child lists (`invoice.lines`: the first 10,
 * `has_more`, a working `url`) and `expand[]` paths (docs.stripe.com/api/expanding_objects: dotted paths,
 * at most 4 levels; references to deleted objects expand to `{id, object, deleted: true}`).
 */
import { ApiError } from './apiError.js';
import type { Registry } from './registry.js';
import type { EmbedDef, ResourceDef, StripeObject } from './resource.js';
import type { AccountData } from './store.js';

const MAX_EXPAND_DEPTH = 4;
const DEFAULT_EMBED_LIMIT = 10;

export class Renderer {
  constructor(private readonly registry: Registry) {}

  /** Whether a stored object of `def` can be returned as its stored JSON text unchanged. */
  isVerbatim(def: ResourceDef, expand: readonly string[]): boolean {
    if (def.hiddenFields?.length || def.includableFields?.length) return false;
    return expand.length === 0 && !(def.embeds ?? []).some((e) => !e.includable);
  }

  render(account: AccountData, def: ResourceDef, obj: StripeObject, expand: readonly string[]): StripeObject {
    const out: StripeObject = { ...obj };
    const tree = expandTree(expand);
    for (const f of def.hiddenFields ?? []) delete out[f];
    for (const f of def.includableFields ?? []) if (!tree.delete(f)) delete out[f];
    for (const embed of def.embeds ?? []) {
      const sub = tree.get(embed.field);
      if (embed.includable && sub === undefined) continue;
      out[embed.field] = this.embeddedList(account, embed, obj.id, sub);
      tree.delete(embed.field);
    }
    for (const [path, sub] of tree) this.expandField(account, def, out, path, sub);
    return out;
  }

  embeddedList(
    account: AccountData,
    embed: EmbedDef,
    parentId: string,
    sub?: ExpandTree,
  ): Record<string, unknown> {
    const child = this.registry.get(embed.child);
    const children = account.collection(embed.child);
    const page = children.page({
      limit: embed.limit ?? DEFAULT_EMBED_LIMIT,
      indexed: { field: embed.parentField, value: parentId },
    });
    const childExpand = sub?.get('data');
    return {
      object: 'list',
      // Views: render copies what it changes (children stored in this operation are not even parsed).
      data: page.recs.map((r) => {
        const o = children.viewOfRecord<StripeObject>(r);
        return childExpand
          ? this.render(account, child, o, flatten(childExpand))
          : this.render(account, child, o, []);
      }),
      has_more: page.hasMore,
      url: embed.url.replace(':id', parentId),
    };
  }

  /**
   * Expand `field` of `obj` (a `def` object, or a nested hash inside one when `prefix` is set), then the
   * paths below it. Reference fields inside nested hashes are declared with dotted keys in
   * `def.expandable` (e.g. `'parent.subscription_details.subscription'`), and the path walks into them.
   */
  private expandField(
    account: AccountData,
    def: ResourceDef,
    obj: Record<string, unknown>,
    field: string,
    sub: ExpandTree,
    prefix = '',
  ): void {
    const key = prefix + field;
    const expandable = def.expandable ?? {};
    const targets = Object.hasOwn(expandable, key) ? expandable[key] : undefined;
    const value = obj[field];
    if (!targets) {
      const nested = Object.keys(expandable).some((k) => k.startsWith(`${key}.`));
      if (!nested) {
        throw new ApiError(
          400,
          'invalid_request_error',
          `This property cannot be expanded (${key}).`,
          undefined,
          'expand',
        );
      }
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        // Expand inside a copy: the nested hash may be shared with the caller's object (or a frozen view).
        const copy = { ...(value as Record<string, unknown>) };
        obj[field] = copy;
        for (const [child, childSub] of sub) this.expandField(account, def, copy, child, childSub, `${key}.`);
      }
      return;
    }
    if (typeof value !== 'string') return; // null, or already expanded
    for (const name of targets) {
      // A target another part of the emulator does not (yet) register cannot hold the object.
      if (!this.registry.has(name)) continue;
      const target = this.registry.get(name);
      const coll = account.collection(name);
      const rec = coll.get(value);
      if (rec) {
        obj[field] = this.render(account, target, JSON.parse(rec.json) as StripeObject, flatten(sub));
        return;
      }
      if (coll.deleted.has(value)) {
        obj[field] = { id: value, object: target.object, deleted: true };
        return;
      }
    }
    // Stripe leaves an id it cannot resolve (e.g. an object in another account) as the id.
  }
}

type ExpandTree = Map<string, ExpandTree>;

/** "Expansions have a maximum depth of four levels" (docs.stripe.com/api/expanding_objects). */
export function checkExpandDepth(path: string): void {
  if (path.split('.').length > MAX_EXPAND_DEPTH) {
    throw new ApiError(
      400,
      'invalid_request_error',
      `You cannot expand more than ${MAX_EXPAND_DEPTH} levels of a property. Property: ${path}`,
      undefined,
      'expand',
    );
  }
}

export function expandTree(paths: readonly string[]): ExpandTree {
  const root: ExpandTree = new Map();
  for (const path of paths) {
    checkExpandDepth(path);
    const parts = path.split('.');
    let node = root;
    for (const part of parts) {
      let next = node.get(part);
      if (!next) {
        next = new Map();
        node.set(part, next);
      }
      node = next;
    }
  }
  return root;
}

function flatten(tree: ExpandTree | undefined, prefix = ''): string[] {
  if (!tree) return [];
  const out: string[] = [];
  for (const [k, sub] of tree) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (sub.size === 0) out.push(path);
    else out.push(...flatten(sub, path));
  }
  return out;
}
