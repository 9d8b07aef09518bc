import { DECIMAL_PATTERN, type FieldSchema, type JsonType, type StreamSchema, typesOf } from './schemaTypes.js';

export interface ValidateOptions {
  /**
   * Accept values outside `enum` when the schema marks the enum `x-open-enum` (Stripe may add values
   * without a new API version). Default false: the emulator and tests should only produce known values.
   * Closed enums and `const` are always enforced.
   */
  readonly allowUnknownOpenEnumValues?: boolean;
}

/**
 * Checks `value` against one of our generated schemas and returns human-readable violations, each
 * prefixed with the JSON path (`customer.invoice_settings.footer: …`); empty means valid.
 *
 * Only the keyword subset the generator emits is understood (see jsonSchema.ts). Unknown fields are
 * reported at the top level only (`additionalProperties: false` there); nested objects are checked as
 * far as the schema describes them: their declared properties, required fields and map values.
 */
export function validateObject(schema: StreamSchema | FieldSchema, value: unknown, options: ValidateOptions = {}) {
  const violations: string[] = [];
  const root = 'x-stripe-object' in schema && schema['x-stripe-object'] ? schema['x-stripe-object'] : '$';
  new Validator(options, violations).check(schema, value, root);
  return violations;
}

class Validator {
  constructor(
    private readonly options: ValidateOptions,
    private readonly violations: string[],
  ) {}

  check(schema: FieldSchema, value: unknown, path: string): void {
    const expandable = schema['x-expandable'];
    if (expandable && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      this.checkExpanded(expandable, value as Record<string, unknown>, path);
      return;
    }
    const types = typesOf(schema);
    const actual = jsonTypeOf(value);
    if (types.length > 0 && !types.some((t) => matches(t, actual))) {
      const expected = expandable ? `id string or expanded ${expandable.join('|')} object` : types.join('|');
      this.report(path, `expected ${expected}, got ${describe(value)}`);
      return;
    }
    if (value === null) return;
    this.checkValue(schema, value, path);
  }

  private checkValue(schema: FieldSchema, value: unknown, path: string): void {
    if (schema.const !== undefined && value !== schema.const) {
      this.report(path, `expected ${JSON.stringify(schema.const)}, got ${describe(value)}`);
    }
    if (schema.enum && !schema.enum.includes(value as string)) {
      const lenient = schema['x-open-enum'] && this.options.allowUnknownOpenEnumValues;
      if (!lenient) this.report(path, `value ${describe(value)} not in enum [${schema.enum.join(', ')}]`);
    }
    if (schema.format === 'unix-time' && !Number.isInteger(value)) {
      this.report(path, `unix-time must be integer seconds, got ${describe(value)}`);
    }
    if (schema.format === 'decimal' && !(typeof value === 'string' && DECIMAL_PATTERN.test(value))) {
      this.report(path, `decimal string ${describe(value)} does not match ${DECIMAL_PATTERN}`);
    }
    if (Array.isArray(value)) {
      if (schema.items) value.forEach((item, i) => this.check(schema.items!, item, `${path}[${i}]`));
      return;
    }
    if (typeof value === 'object') {
      const listOf = schema['x-list-of'];
      if (listOf) this.checkList(typeof listOf === 'string' ? [listOf] : listOf, value as Record<string, unknown>, path);
      else this.checkProperties(schema, value as Record<string, unknown>, path);
    }
  }

  private checkProperties(schema: FieldSchema, value: Record<string, unknown>, path: string): void {
    const properties = schema.properties ?? {};
    for (const name of schema.required ?? []) {
      if (!(name in value)) this.report(`${path}.${name}`, 'missing required field');
    }
    for (const [name, fieldValue] of Object.entries(value)) {
      const fieldSchema = properties[name];
      if (fieldSchema) this.check(fieldSchema, fieldValue, `${path}.${name}`);
      else if (schema.additionalProperties === false) this.report(`${path}.${name}`, 'unknown top-level field');
      else if (schema.additionalProperties) this.check(schema.additionalProperties, fieldValue, `${path}.${name}`);
    }
  }

  /** An expanded reference must be an object of one of the expansion targets. */
  private checkExpanded(targets: string[], value: Record<string, unknown>, path: string): void {
    if (typeof value.object !== 'string' || !targets.includes(value.object)) {
      const got = typeof value.object === 'string' ? `object ${JSON.stringify(value.object)}` : 'object without `object`';
      this.report(path, `expandable reference must be an id string or a ${targets.join('|')} object, got ${got}`);
    }
  }

  /** An embedded list envelope: `{object: 'list', data: [...]}` whose items are the listed objects. */
  private checkList(targets: string[], value: Record<string, unknown>, path: string): void {
    if (value.object !== 'list') this.report(`${path}.object`, `expected "list", got ${describe(value.object)}`);
    if (!Array.isArray(value.data)) {
      this.report(`${path}.data`, `expected array, got ${describe(value.data)}`);
      return;
    }
    value.data.forEach((item, i) => {
      const object = item !== null && typeof item === 'object' ? (item as { object?: unknown }).object : undefined;
      if (typeof object !== 'string' || !targets.includes(object)) {
        this.report(`${path}.data[${i}]`, `expected a ${targets.join('|')} object, got ${describe(item)}`);
      }
    });
  }

  private report(path: string, message: string): void {
    this.violations.push(`${path}: ${message}`);
  }
}

function jsonTypeOf(value: unknown): JsonType | 'undefined' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'object':
      return 'object';
    default:
      return 'undefined';
  }
}

/** JSON Schema semantics: an integer is also a number. */
function matches(expected: JsonType, actual: JsonType | 'undefined'): boolean {
  return expected === actual || (expected === 'number' && actual === 'integer');
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'array';
  if (value !== null && typeof value === 'object') {
    const object = (value as { object?: unknown }).object;
    return typeof object === 'string' ? `object ${JSON.stringify(object)}` : 'object';
  }
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
