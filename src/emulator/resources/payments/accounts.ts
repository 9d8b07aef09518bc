/**
 * Connected accounts (`acct_…`, docs.stripe.com/api/accounts): a platform creates, lists, updates and
 * deletes them; each is registered as its own data scope (requests with `Stripe-Account: acct_…`). An
 * account is onboarded (charges and payouts enabled, requirements met, requested capabilities active)
 * once `tos_acceptance[date]` is given; before that it lists Stripe's usual `currently_due`
 * requirements. Every account has one default external bank account (`ba_…`), where its payouts go.
 * Only `account.updated` exists as an event (there is no `account.created`).
 */
import { invalidRequest } from '../../apiError.js';
import type { FormParams, FormValue } from '../../formBody.js';
import type { MutationContext, ResourceDef, StripeObject } from '../../resource.js';
import { template } from '../../templates.js';
import { metadata, oneOf, str } from '../params.js';
import { allowParams, defaultBankAccountId, fingerprint } from './shared.js';

const CREATE_PARAMS = [
  'account_token',
  'business_profile',
  'business_type',
  'capabilities',
  'company',
  'controller',
  'country',
  'default_currency',
  'documents',
  'email',
  'external_account',
  'groups',
  'individual',
  'metadata',
  'settings',
  'tos_acceptance',
  'type',
];
const UPDATE_PARAMS = CREATE_PARAMS.filter((p) => p !== 'controller' && p !== 'country' && p !== 'type');

const CURRENCY_BY_COUNTRY: Record<string, string> = {
  US: 'usd',
  GB: 'gbp',
  CA: 'cad',
  AU: 'aud',
  JP: 'jpy',
  NZ: 'nzd',
  CH: 'chf',
  SE: 'sek',
  NO: 'nok',
  DK: 'dkk',
  SG: 'sgd',
  HK: 'hkd',
  MX: 'mxn',
  BR: 'brl',
  IN: 'inr',
};
const EURO = new Set([
  'AT',
  'BE',
  'CY',
  'DE',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PT',
  'SI',
  'SK',
]);

function currencyFor(country: string): string {
  return CURRENCY_BY_COUNTRY[country] ?? (EURO.has(country) ? 'eur' : 'usd');
}

/** A business profile with every field the pinned SDK declares, unset. */
function blankBusinessProfile(): Record<string, unknown> {
  const t = template('account').business_profile as Record<string, unknown>;
  const blank = Object.fromEntries(
    Object.entries(t).map(([k, v]) => [
      k,
      v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).map((kk) => [kk, null])) : null,
    ]),
  );
  // Newer than Stripe's fixture (SDK: `string | null`, always present).
  return { ...blank, specified_commercial_transactions_act_url: null };
}

function emptyRequirements(): Record<string, unknown> {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: [],
    disabled_reason: null,
    errors: [],
    eventually_due: [],
    past_due: [],
    pending_verification: [],
  };
}

/** The account's external accounts list: its default bank account. */
function externalAccounts(id: string, country: string, currency: string): Record<string, unknown> {
  const bank = {
    ...template('bank_account'),
    id: defaultBankAccountId(id),
    object: 'bank_account',
    account: id,
    account_holder_name: null,
    account_holder_type: null,
    country,
    currency,
    default_for_currency: true,
    fingerprint: fingerprint(`bank:${id}`),
    metadata: {},
    status: 'new',
  };
  return { object: 'list', data: [bank], has_more: false, url: `/v1/accounts/${id}/external_accounts` };
}

/** Leaf-wise merge of a nested form value into an existing shape (unknown keys are Stripe's 400). */
function mergeInto(
  target: Record<string, unknown>,
  value: FormValue | undefined,
  param: string,
): Record<string, unknown> {
  if (value === undefined) return target;
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidRequest(`Invalid object: ${param}`, param);
  const out = { ...target };
  for (const [k, v] of Object.entries(value)) {
    const path = `${param}[${k}]`;
    if (!(k in out)) throw invalidRequest(`Received unknown parameter: ${path}`, path, 'parameter_unknown');
    const cur = out[k];
    if (typeof v === 'object' && !Array.isArray(v))
      out[k] = mergeInto((cur ?? {}) as Record<string, unknown>, v, path);
    else if (typeof v === 'string')
      out[k] =
        typeof cur === 'number' ? Number(v) : typeof cur === 'boolean' ? v === 'true' : v === '' ? null : v;
    else out[k] = v;
  }
  return out;
}

function capabilities(
  params: FormParams,
  current: Record<string, string>,
  onboarded: boolean,
): Record<string, string> {
  const out = { ...current };
  const given = params.capabilities;
  if (given && typeof given === 'object' && !Array.isArray(given)) {
    for (const [name, v] of Object.entries(given)) {
      const requested = typeof v === 'object' && !Array.isArray(v) ? v.requested : undefined;
      if (requested === 'false') delete out[name];
      else if (requested === 'true') out[name] = onboarded ? 'active' : 'inactive';
    }
  }
  if (onboarded) for (const k of Object.keys(out)) out[k] = 'active';
  return out;
}

function controllerFor(type: string): Record<string, unknown> {
  const dashboard = type === 'standard' ? 'full' : type === 'express' ? 'express' : 'none';
  return {
    fees: { payer: type === 'standard' ? 'account' : 'application' },
    is_controller: true,
    losses: { payments: type === 'standard' ? 'stripe' : 'application' },
    requirement_collection: type === 'custom' ? 'application' : 'stripe',
    stripe_dashboard: { type: dashboard },
    type: 'application',
  };
}

/** Applies onboarding state: requirements, enabled flags, capability statuses. */
function onboarding(account: StripeObject, onboarded: boolean): void {
  const t = template('account');
  account.charges_enabled = onboarded;
  account.payouts_enabled = onboarded;
  account.details_submitted = onboarded;
  account.requirements = onboarded ? emptyRequirements() : t.requirements;
  account.future_requirements = emptyRequirements();
}

function applyParams(account: StripeObject, params: FormParams): StripeObject {
  const tos = params.tos_acceptance;
  if (tos !== undefined) {
    const merged = mergeInto(account.tos_acceptance as Record<string, unknown>, tos, 'tos_acceptance');
    if (typeof merged.date === 'string') {
      if (!/^\d+$/.test(merged.date))
        throw invalidRequest(`Invalid integer: ${merged.date}`, 'tos_acceptance[date]');
      merged.date = Number(merged.date);
    }
    account.tos_acceptance = merged;
  }
  const onboarded = (account.tos_acceptance as { date?: unknown }).date != null;
  account.business_profile = mergeInto(
    account.business_profile as Record<string, unknown>,
    params.business_profile,
    'business_profile',
  );
  account.business_type =
    oneOf(params, 'business_type', ['company', 'government_entity', 'individual', 'non_profit']) ??
    account.business_type;
  const email = str(params, 'email');
  if (email !== undefined) account.email = email || null;
  const dc = str(params, 'default_currency');
  if (dc !== undefined) account.default_currency = dc.toLowerCase();
  account.metadata = metadata(params, account.metadata as Record<string, string>);
  account.settings = mergeInto(account.settings as Record<string, unknown>, params.settings, 'settings');
  onboarding(account, onboarded);
  account.capabilities = capabilities(params, account.capabilities as Record<string, string>, onboarded);
  return account;
}

/**
 * The full Account shape for `GET /v1/account`: the platform's own object is kept small by the core, so
 * missing parts are filled in the way Stripe shows an activated account.
 */
export function accountView(_ctx: MutationContext, obj: StripeObject): StripeObject {
  const t = template('account');
  const country = String(obj.country ?? 'US');
  const currency = String(obj.default_currency ?? currencyFor(country));
  const profile = { ...blankBusinessProfile(), ...((obj.business_profile as Record<string, unknown>) ?? {}) };
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(t)) out[k] = k in obj ? obj[k] : null;
  return {
    ...out,
    ...obj,
    business_profile: profile,
    controller: obj.controller ?? { type: 'account' },
    external_accounts: obj.external_accounts ?? externalAccounts(obj.id, country, currency),
    future_requirements: obj.future_requirements ?? emptyRequirements(),
    requirements: obj.requirements ?? emptyRequirements(),
    settings: {
      ...(t.settings as Record<string, unknown>),
      ...((obj.settings as Record<string, unknown>) ?? {}),
    },
    tos_acceptance: obj.tos_acceptance ?? { date: obj.created ?? null, ip: null, user_agent: null },
  } as StripeObject;
}

export const accounts: ResourceDef = {
  name: 'accounts',
  object: 'account',
  idPrefix: 'acct',
  idLength: 16,
  path: '/v1/accounts',
  operations: { list: true, retrieve: true, create: true, update: true, del: true },
  createdFilter: true,
  events: { updated: 'account.updated' },
  permission: 'accounts',
  create(ctx, params) {
    allowParams(params, CREATE_PARAMS);
    if (ctx.connected) {
      throw invalidRequest(
        "You can only create new accounts if you've signed up for Connect, which you can learn how to do at https://stripe.com/docs/connect.",
      );
    }
    const type =
      oneOf(params, 'type', ['custom', 'express', 'standard']) ??
      (params.controller !== undefined ? 'none' : 'standard');
    const country = (str(params, 'country') ?? 'US').toUpperCase();
    const id = ctx.newId('acct', 16);
    const t = ctx.template('account');
    const account: StripeObject = {
      ...t,
      id,
      object: 'account',
      business_profile: blankBusinessProfile(),
      business_type: null,
      capabilities: {},
      charges_enabled: false,
      controller:
        type === 'none'
          ? mergeInto(controllerFor('custom'), params.controller, 'controller')
          : controllerFor(type),
      country,
      created: ctx.now,
      default_currency: currencyFor(country),
      details_submitted: false,
      email: null,
      external_accounts: externalAccounts(id, country, currencyFor(country)),
      metadata: {},
      payouts_enabled: false,
      settings: {
        ...(t.settings as Record<string, unknown>),
        dashboard: { display_name: null, timezone: 'Etc/UTC' },
      },
      tos_acceptance: { date: null, ip: null, user_agent: null },
      type,
    };
    applyParams(account, params);
    ctx.registerConnectedAccount(id);
    return ctx.insert('accounts', account);
  },
  update(_ctx, current, params) {
    allowParams(params, UPDATE_PARAMS);
    return applyParams({ ...current }, params);
  },
};
