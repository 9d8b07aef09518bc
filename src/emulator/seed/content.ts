/**
 * The data that makes a seeded account look real and makes a warehouse loader sweat: plausible names and
 * e-mails, and deliberately awkward metadata (docs.stripe.com/api/metadata: ≤ 50 keys, keys ≤ 40
 * characters without square brackets, values ≤ 500 characters) — keys with spaces, capitals, unicode,
 * quotes and semicolons, SQL keywords, exactly 40 characters, and pairs that collide once lower-snake-cased
 * ("Plan Tier" / "plan_tier"), values with NUL bytes and of the maximum length.
 */
import type { Random } from '../random.js';

const FIRST = [
  'Ava',
  'Liam',
  'Noah',
  'Emma',
  'Olivia',
  'Mateo',
  'Sofía',
  'Zoë',
  'Björn',
  'Chloé',
  'Hiroshi',
  'Priya',
  'Oluwaseun',
  'Ana',
  'Jürgen',
  'Mei',
  'Lucas',
  'Amara',
  'Ingrid',
  'Kwame',
  'Élodie',
  'Dmitri',
  'Fatima',
  'Søren',
] as const;
const LAST = [
  'Smith',
  'García',
  'Müller',
  'Nguyen',
  'Kowalski',
  "O'Brien",
  'Rossi',
  'Tanaka',
  'Okafor',
  'Ångström',
  'Dubois',
  'Silva',
  'Patel',
  'Johansson',
  'Cohen',
  'Kim',
  'Novak',
  'Fernández',
  'Murphy',
  'Schmidt',
] as const;
const COMPANY_A = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Stark',
  'Wayne',
  'Tyrell',
  'Cyberdyne',
  'Soylent',
  'Vandelay',
  'Pied Piper',
] as const;
const COMPANY_B = [
  'Labs',
  'Industries',
  'GmbH',
  'Inc.',
  'Ltd',
  'S.A.',
  'Co.',
  'Studio',
  'Group',
  'KK',
  'AB',
  'BV',
] as const;
const DOMAINS = ['example.com', 'example.org', 'example.net', 'test.dev'] as const;
export const COUNTRIES = [
  'US',
  'US',
  'US',
  'GB',
  'DE',
  'FR',
  'NL',
  'SE',
  'JP',
  'CA',
  'AU',
  'BR',
  'IN',
] as const;
const CITIES: Record<string, string> = {
  US: 'San Francisco',
  GB: 'London',
  DE: 'Berlin',
  FR: 'Paris',
  NL: 'Amsterdam',
  SE: 'Stockholm',
  JP: 'Tokyo',
  CA: 'Toronto',
  AU: 'Sydney',
  BR: 'São Paulo',
  IN: 'Bengaluru',
};

export interface Person {
  name: string;
  email: string;
  company: string;
  country: string;
}

export function person(r: Random, n: number): Person {
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  const company = `${r.pick(COMPANY_A)} ${r.pick(COMPANY_B)}`;
  const local = `${first}.${last}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  return {
    name: `${first} ${last}`,
    email: `${local}+${n}@${r.pick(DOMAINS)}`,
    company,
    country: r.pick(COUNTRIES),
  };
}

export function address(r: Random, country: string): Record<string, string> {
  return {
    line1: `${r.int(1, 999)} ${r.pick(['Market St', 'Main Street', 'Hauptstraße', 'Rue de Rivoli', 'Baker Street'])}`,
    city: CITIES[country] ?? 'Springfield',
    postal_code: String(r.int(10000, 99999)),
    country,
  };
}

/** Ordinary metadata a SaaS puts on its customers. */
export function customerMetadata(r: Random, n: number): Record<string, string> {
  const md: Record<string, string> = { crm_id: `crm-${100000 + n}` };
  if (r.bool(0.6)) md.signup_source = r.pick(['organic', 'ads', 'referral', 'partner', 'sales']);
  if (r.bool(0.4)) md.segment = r.pick(['smb', 'mid-market', 'enterprise']);
  if (r.bool(0.2)) md.account_manager = r.pick(['alice', 'bob', 'carol', 'dan']);
  if (r.bool(0.1)) md.legacy_id = String(r.int(1, 99999)).padStart(6, '0');
  return md;
}

/** A 40-character key (the maximum Stripe accepts). */
export const KEY_40 = 'integration_partner_reference_identifier';
/** A value of exactly 500 characters (the maximum). */
export const VALUE_500 = (() => {
  const s = 'Lorem ipsum dolor sit amet — «ünïcödé» 日本語 ; "quoted" \'single\' \\ backslash. ';
  return s.repeat(Math.ceil(500 / s.length)).slice(0, 500);
})();
/** A string with NUL bytes inside, which PostgreSQL text rejects unless the loader handles it. */
export const NUL_STRING = 'before\u0000after\u0000';

/**
 * Keys that collide after lower-snake-casing ("Plan Tier", "plan_tier", "PlanTier", "plan-tier" all
 * become plan_tier), plus keys a SQL identifier quoter must survive.
 */
export const COLLIDING_KEYS = ['Plan Tier', 'plan_tier', 'PlanTier', 'plan-tier'] as const;

export function awkwardMetadata(variant: number): Record<string, string> {
  const all: Record<string, string>[] = [
    {
      'Plan Tier': 'Gold',
      plan_tier: 'gold',
      'customer name': 'Zoë Ångström',
      Région: 'Île-de-France',
      顧客ランク: 'プラチナ',
      [KEY_40]: 'partner-0001',
    },
    {
      PlanTier: 'Silver',
      'plan-tier': 'silver',
      "quote\"s; and 'semi';colons": 'Robert"); DROP TABLE customers;--',
      'emoji 🚀 key': '🚀✨',
      notes: VALUE_500,
      nul_value: NUL_STRING,
    },
    {
      select: 'reserved word',
      ORDER: 'upper-case reserved word',
      '2fa_enabled': 'true',
      'dotted.key.name': 'a.b.c',
      _deleted: 'collides with a system column name once prefixed',
      id: 'not the object id',
      'trailing space ': 'x',
      ' ': 'key is a single space',
    },
    {
      'Plan Tier': 'Bronze',
      amount_json: '{"cents": 1999, "nested": [1, 2, 3]}',
      leading_zeros: '000123',
      multiline: 'line one\nline two\r\nline three\ttabbed',
      percent: '100% %s %d',
      backslashes: 'C:\\Users\\stripe\\\u0000end',
    },
  ];
  return { ...all[variant % all.length]! };
}

/** Exactly 50 distinct keys (Stripe's maximum) — the per-table metadata column cap has to kick in. */
export function fiftyKeys(group: number): Record<string, string> {
  const md: Record<string, string> = {};
  for (let i = 0; i < 50; i++) md[`attr_${group}_${String(i).padStart(2, '0')}`] = `value ${i}`;
  return md;
}

export const PRODUCT_NAMES = [
  'Starter',
  'Team',
  'Business',
  'Enterprise',
  'API Calls',
  'Seats',
  'Storage (GB)',
  'Priority Support',
  'Onboarding Package',
  'SSO Add-on',
  'Data Export',
  'Audit Log',
  'Extra Projects',
  'White Label',
] as const;
