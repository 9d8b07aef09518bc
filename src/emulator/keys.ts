/**
 * API keys the emulator accepts. Secret keys (`sk_test_…`, `sk_live_…`) may do everything on their
 * account; restricted keys (`rk_…`) only what their permissions list ('customers' = read+write,
 * 'customers:read'), otherwise 403 like Stripe's "does not have the required permissions".
 */
import { ApiError } from './apiError.js';

export interface KeyDef {
  key: string;
  /** Platform account the key belongs to. Defaults to the emulator's platform account. */
  account?: string;
  /** Restricted keys: permission groups (resource permission names), optionally with `:read`/`:write`. */
  permissions?: string[];
}

export const DEFAULT_TEST_KEY = 'sk_test_emulator_0000000000000000';
export const DEFAULT_LIVE_KEY = 'sk_live_emulator_0000000000000000';
/** A restricted key that can read only customers, products and prices: handy for permission tests. */
export const DEFAULT_RESTRICTED_KEY = 'rk_test_emulator_0000000000000000';
export const DEFAULT_RESTRICTED_PERMISSIONS = ['customers:read', 'products:read', 'prices:read'];

export type KeyMode = 'test' | 'live';

export interface ResolvedKey {
  key: string;
  mode: KeyMode;
  restricted: boolean;
  account: string;
  permissions?: Set<string>;
}

const KEY_RE = /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/;

export function redactKey(key: string): string {
  return key.length <= 12 ? '****' : `${key.slice(0, 8)}********${key.slice(-4)}`;
}

export class KeyRing {
  private readonly keys = new Map<string, ResolvedKey>();

  constructor(
    private readonly platform: string,
    defs: KeyDef[] = [],
  ) {
    const all: KeyDef[] = [
      { key: DEFAULT_TEST_KEY },
      { key: DEFAULT_LIVE_KEY },
      { key: DEFAULT_RESTRICTED_KEY, permissions: DEFAULT_RESTRICTED_PERMISSIONS },
      ...defs,
    ];
    for (const def of all) this.add(def);
  }

  add(def: KeyDef): ResolvedKey {
    const m = KEY_RE.exec(def.key);
    if (!m)
      throw new Error(
        `not a Stripe-style key: ${redactKey(def.key)} (expected sk_test_…, sk_live_…, rk_test_… or rk_live_…)`,
      );
    const restricted = m[1] === 'rk';
    const resolved: ResolvedKey = {
      key: def.key,
      mode: m[2] as KeyMode,
      restricted,
      account: def.account ?? this.platform,
      permissions: restricted ? new Set(def.permissions ?? []) : undefined,
    };
    this.keys.set(def.key, resolved);
    return resolved;
  }

  /** Resolve the Authorization header, or throw Stripe's 401. */
  authenticate(header: string | undefined): ResolvedKey {
    let key: string | undefined;
    // Auth schemes are case-insensitive (RFC 9110 §11.1). Basic is what `curl -u sk_test_…:` sends: the key
    // is the user name and the password is empty.
    const m = /^(bearer|basic)\s+(\S+)\s*$/i.exec(header ?? '');
    if (m?.[1]?.toLowerCase() === 'bearer') key = m[2];
    else if (m?.[2]) key = Buffer.from(m[2], 'base64').toString('utf8').split(':')[0];
    if (!key) {
      throw new ApiError(
        401,
        'invalid_request_error',
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    }
    const resolved = this.keys.get(key);
    if (!resolved)
      throw new ApiError(
        401,
        'invalid_request_error',
        `Invalid API Key provided: ${redactKey(key)}`,
        'api_key_invalid',
      );
    return resolved;
  }

  /** Throw Stripe's 403 when a restricted key lacks the permission. */
  authorize(key: ResolvedKey, permission: string, write: boolean, account: string): void {
    if (!key.restricted || !key.permissions) return;
    const p = key.permissions;
    if (
      p.has(permission) ||
      p.has(`${permission}:${write ? 'write' : 'read'}`) ||
      (!write && p.has(`${permission}:write`))
    )
      return;
    throw new ApiError(
      403,
      'invalid_request_error',
      `The provided key '${redactKey(key.key)}' does not have the required permissions for this endpoint on account '${account}'. Having the 'rak_${permission}_${write ? 'write' : 'read'}' permission would allow this request to continue.`,
    );
  }
}
