/**
 * Coercion and validation of create/update parameters, with Stripe's error messages. Wire values are
 * strings (form encoding); these turn them into typed values or throw a 400 naming the parameter.
 */
import { ApiError, invalidRequest, parameterMissing } from '../apiError.js';
import type { FormParams, FormValue } from '../formBody.js';

export function str(params: FormParams, name: string): string | undefined;
export function str(params: FormParams, name: string, opts: { required: true }): string;
export function str(params: FormParams, name: string, opts: { required?: boolean } = {}): string | undefined {
  const v = params[name];
  if (v === undefined) {
    if (opts.required) throw parameterMissing(name);
    return undefined;
  }
  if (typeof v !== 'string') throw invalidRequest(`Invalid string: ${name}`, name);
  return v;
}

/** A string parameter where '' means "unset" (Stripe's way to clear nullable fields). */
export function nullableStr(params: FormParams, name: string): string | null | undefined {
  const v = str(params, name);
  if (v === undefined) return undefined;
  return v === '' ? null : v;
}

export function int(params: FormParams, name: string, opts: { required: true; min?: number }): number;
export function int(
  params: FormParams,
  name: string,
  opts?: { required?: false; min?: number },
): number | undefined;
export function int(
  params: FormParams,
  name: string,
  opts: { required?: boolean; min?: number } = {},
): number | undefined {
  const v = params[name];
  if (v === undefined) {
    if (opts.required) throw parameterMissing(name);
    return undefined;
  }
  if (typeof v !== 'string' || !/^-?\d+$/.test(v))
    throw invalidRequest(`Invalid integer: ${String(v)}`, name);
  const n = Number(v);
  if (opts.min !== undefined && n < opts.min) {
    throw new ApiError(
      400,
      'invalid_request_error',
      `This value must be greater than or equal to ${opts.min}.`,
      'parameter_invalid_integer',
      name,
    );
  }
  return n;
}

export function bool(params: FormParams, name: string): boolean | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw invalidRequest(`Invalid boolean: ${String(v)}`, name);
  return v === 'true';
}

export function oneOf<T extends string>(
  params: FormParams,
  name: string,
  values: readonly T[],
): T | undefined {
  const v = str(params, name);
  if (v === undefined) return undefined;
  if (!values.includes(v as T))
    throw invalidRequest(`Invalid ${name}: must be one of ${values.join(', ')}`, name);
  return v as T;
}

/** A 3-letter lowercase ISO currency. */
export function currency(params: FormParams, name = 'currency', required = false): string | undefined {
  const v = required ? str(params, name, { required: true }) : str(params, name);
  if (v === undefined) return undefined;
  if (!/^[a-zA-Z]{3}$/.test(v)) throw invalidRequest(`Invalid currency: ${v}`, name);
  return v.toLowerCase();
}

export function obj(params: FormParams, name: string): Record<string, FormValue> | undefined {
  const v = params[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidRequest(`Invalid object: ${name}`, name);
  return v as Record<string, FormValue>;
}

export function arr(params: FormParams, name: string): FormValue[] | undefined {
  const v = params[name];
  if (v === undefined || v === '') return undefined;
  if (Array.isArray(v)) return v;
  if (typeof v === 'object') return Object.values(v);
  throw invalidRequest(`Invalid array: ${name}`, name);
}

/**
 * Metadata semantics (docs.stripe.com/api/metadata): keys ≤ 40 chars without brackets, values ≤ 500
 * chars, at most 50 keys; on update a key set to '' is removed and `metadata=''` clears everything.
 */
export function metadata(params: FormParams, current: Record<string, string> = {}): Record<string, string> {
  const v = params.metadata;
  if (v === undefined) return current;
  if (v === '') return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidRequest('Invalid object', 'metadata');
  const out: Record<string, string> = { ...current };
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw invalidRequest(`Invalid value for metadata[${k}]`, `metadata[${k}]`);
    if (k.length > 40)
      throw invalidRequest(`Metadata keys can have up to 40 characters: ${k}`, `metadata[${k}]`);
    if (val.length > 500)
      throw invalidRequest(
        `Metadata values can have up to 500 characters, but you passed in a value that is ${val.length} characters.`,
        `metadata[${k}]`,
      );
    if (val === '') delete out[k];
    else out[k] = val;
  }
  if (Object.keys(out).length > 50)
    throw invalidRequest('You can have at most 50 metadata keys.', 'metadata');
  return out;
}
