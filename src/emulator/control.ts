/**
 * The control plane under `/_emulator/` (never part of Stripe's API): reset, seed, clock, faults, rate
 * profile, latency, keys, account API versions, request statistics, and the ground truth that tests
 * compare a warehouse against. Bodies may be JSON or form-encoded.
 */
import { z } from 'zod';
import { ApiError, notFound } from './apiError.js';
import type { ApiRequest, ApiResponse, Emulator } from './emulator.js';
import type { FormParams } from './formBody.js';
import type { ResourceDef, StripeObject } from './resource.js';
import { seedWithoutLimits } from './seedWithoutLimits.js';

const json = (body: unknown, status = 200): ApiResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
  objects: 0,
});

function bodyOf(req: ApiRequest, form: FormParams): unknown {
  const raw = req.body?.trim();
  if (raw?.startsWith('{') || raw?.startsWith('[')) {
    try {
      return JSON.parse(raw);
    } catch {
      throw new ApiError(400, 'invalid_request_error', 'control plane: body is not valid JSON');
    }
  }
  return form;
}

const SeedBody = z.object({
  size: z.enum(['small', 'medium', 'large']).default('small'),
  seed: z.coerce.number().int().default(1),
});
const ClockBody = z.object({ advance: z.coerce.number().min(0) });
const RateBody = z.object({
  profile: z.enum(['live', 'test', 'off']),
  global: z.coerce.number().min(0).optional(),
  endpoint: z.coerce.number().min(0).optional(),
});
const KeyBody = z.object({
  key: z.string(),
  account: z.string().optional(),
  permissions: z.array(z.string()).optional(),
});
const VersionBody = z.object({ api_version: z.string().regex(/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/) });

export async function handleControl(emu: Emulator, req: ApiRequest, form: FormParams): Promise<ApiResponse> {
  const path = req.path.replace(/\/+$/, '');
  const m = req.method;
  const body = () => bodyOf(req, form);
  switch (`${m} ${path}`) {
    case 'GET /_emulator':
    case 'GET /_emulator/info':
      return json(info(emu));
    case 'POST /_emulator/reset': {
      const { seed } = z.object({ seed: z.coerce.number().int().optional() }).parse(body());
      emu.reset(seed);
      emu.stats.reset();
      return json(info(emu));
    }
    case 'POST /_emulator/seed': {
      const opts = SeedBody.parse(body());
      emu.reset(opts.seed);
      return json(await seedWithoutLimits(emu, opts));
    }
    case 'GET /_emulator/clock':
      return json({ now: emu.clock.now() });
    case 'POST /_emulator/clock':
      emu.clock.advance(ClockBody.parse(body()).advance);
      emu.tickAll();
      return json({ now: emu.clock.now() });
    case 'GET /_emulator/faults':
      return json({ rules: emu.faults.list() });
    case 'POST /_emulator/faults': {
      const b = body() as { rules?: unknown };
      return json({ rules: emu.faults.set(b.rules ?? []) });
    }
    case 'DELETE /_emulator/faults':
      emu.faults.clear();
      return json({ rules: [] });
    case 'GET /_emulator/rate':
      return json(emu.rateLimiter.describe());
    case 'POST /_emulator/rate': {
      const { profile, ...overrides } = RateBody.parse(body());
      emu.rateLimiter.configure(profile, overrides);
      return json(emu.rateLimiter.describe());
    }
    case 'GET /_emulator/latency':
      return json(emu.latency.get());
    case 'POST /_emulator/latency':
      return json(emu.latency.set(body()));
    case 'POST /_emulator/keys': {
      const def = KeyBody.parse(body());
      if (def.account !== undefined && !emu.store.account(def.account)) {
        throw new ApiError(
          400,
          'invalid_request_error',
          `No such account: '${def.account}'`,
          'resource_missing',
          'account',
        );
      }
      let k: ReturnType<typeof emu.keys.add>;
      try {
        k = emu.keys.add(def);
      } catch (err) {
        throw new ApiError(400, 'invalid_request_error', (err as Error).message, undefined, 'key');
      }
      return json({
        key: `${k.key.slice(0, 8)}…`,
        mode: k.mode,
        restricted: k.restricted,
        account: k.account,
      });
    }
    case 'GET /_emulator/stats':
      return json(emu.stats.snapshot());
    case 'POST /_emulator/stats/reset':
      emu.stats.reset();
      return json(emu.stats.snapshot());
    case 'GET /_emulator/accounts':
      return json({ accounts: emu.store.allAccounts().map((a) => ({ ...a.info, object: undefined })) });
    case 'GET /_emulator/ground-truth':
      emu.tickAll();
      return json(groundTruth(emu, form));
    default: {
      const v = /^\/_emulator\/accounts\/([^/]+)\/api_version$/.exec(path);
      if (v && m === 'POST') {
        const account = emu.store.account(v[1]!);
        if (!account)
          throw new ApiError(404, 'invalid_request_error', `No such account: '${v[1]}'`, 'resource_missing');
        account.info.apiVersion = VersionBody.parse(body()).api_version;
        return json({ id: account.info.id, api_version: account.info.apiVersion });
      }
      throw notFound(m, path);
    }
  }
}

function info(emu: Emulator) {
  return {
    platform_account: emu.platformAccount,
    now: emu.clock.now(),
    rate: emu.rateLimiter.describe(),
    latency: emu.latency.get(),
    accounts: emu.store.allAccounts().map((a) => ({
      id: a.info.id,
      platform: a.info.platform ?? null,
      objects: a.existing().reduce((n, c) => n + c.size, 0),
    })),
  };
}

/**
 * Every live and deleted object per account and resource, rendered the way the API returns them
 * (embedded lists included). `?account=acct_…` and `?resource=customers` narrow it.
 */
/**
 * What tests need to know beyond the API's view, under `_gt` (never part of Stripe's shape): the parent
 * id of a child object whose API shape lacks it, and the emulator's private fields (e.g. which prices
 * are inline, which lists cannot show).
 */
function groundTruthMeta(def: ResourceDef, stored: StripeObject): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  if (def.parent) meta.parent = stored[def.parent.field] ?? null;
  for (const f of def.hiddenFields ?? []) if (stored[f] !== undefined) meta[f] = stored[f];
  return meta;
}

function groundTruth(emu: Emulator, form: FormParams) {
  const only = (v: unknown) =>
    v === undefined ? undefined : new Set(Array.isArray(v) ? v.map(String) : [String(v)]);
  const accounts = only(form.account);
  const resources = only(form.resource);
  const out: Record<string, Record<string, { live: StripeObject[]; deleted: StripeObject[] }>> = {};
  for (const account of emu.store.allAccounts()) {
    if (accounts && !accounts.has(account.info.id)) continue;
    const perResource: Record<string, { live: StripeObject[]; deleted: StripeObject[] }> = {};
    for (const coll of account.existing()) {
      if (resources && !resources.has(coll.name)) continue;
      const def = emu.registry.get(coll.name);
      const live: StripeObject[] = [];
      for (const rec of coll.records()) {
        const stored = JSON.parse(rec.json) as StripeObject;
        live.push({ ...emu.renderer.render(account, def, stored, []), _gt: groundTruthMeta(def, stored) });
      }
      // As last seen, flagged `deleted`; the emulator's private filter fields are not part of it.
      const deleted = [...coll.deleted.values()].map((d) => {
        const obj = JSON.parse(d.json) as StripeObject;
        const meta = groundTruthMeta(def, obj);
        for (const f of def.hiddenFields ?? []) delete obj[f];
        return { ...obj, _gt: meta };
      });
      perResource[coll.name] = { live, deleted };
    }
    out[account.info.id] = perResource;
  }
  return { now: emu.clock.now(), platform_account: emu.platformAccount, accounts: out };
}
