import {
  DECIMAL_PATTERN,
  type FieldSchema,
  type JsonType,
  type StreamSchema,
  typesOf,
} from './schemaTypes.js';

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
 * prefixed with its JSON path (`$.invoice_settings.footer: …`); an empty list means valid.
 *
 * Only the keyword subset the generator emits is understood (see jsonSchema.ts). Unknown fields are
 * reported at the top level only (`additionalProperties: false` there); nested objects are checked as
 * far as the schema describes them: their declared properties, required fields and map values.
 */
export function validateObject(
  schema: StreamSchema | FieldSchema,
  value: unknown,
  options: ValidateOptions = {},
): string[] {
  const violations: string[] = [];
  new Validator(options, violations).check(schema, value, '$');
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
      if (schema.format === 'unix-time' && actual === 'number') {
        this.report(path, `unix-time must be integer seconds, got ${describe(value)}`);
        return;
      }
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
      const values = schema.enum.map((v) => JSON.stringify(v)).join(', ');
      if (!lenient) this.report(path, `value ${describe(value)} not in enum [${values}]`);
    }
    if (schema.format === 'decimal' && !(typeof value === 'string' && DECIMAL_PATTERN.test(value))) {
      this.report(path, `decimal string ${describe(value)} does not match ${DECIMAL_PATTERN}`);
    }
    if (Array.isArray(value)) {
      const items = schema.items;
      if (items) {
        value.forEach((item, i) => {
          this.check(items, item, `${path}[${i}]`);
        });
      }
      return;
    }
    if (typeof value === 'object') {
      const object = value as Record<string, unknown>;
      const listOf = schema['x-list-of'];
      const oneOf = schema['x-one-of-objects'];
      const embedded = schema['x-stripe-object'];
      if (listOf) this.checkList(typeof listOf === 'string' ? [listOf] : listOf, object, path);
      else if (oneOf) this.checkDiscriminator(oneOf, object, path);
      // An embedded Stripe object is named, not described (see the generator): check what it is. A
      // described object (a top-level schema) checks `object` through its `const` property instead.
      else if (embedded && !schema.properties) this.checkDiscriminator([embedded], object, path);
      else this.checkProperties(schema, object, path);
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
      else if (schema.additionalProperties === false)
        this.report(`${path}.${name}`, 'unknown top-level field');
      else if (schema.additionalProperties)
        this.check(schema.additionalProperties, fieldValue, `${path}.${name}`);
    }
  }

  /** An expanded reference must be an object of one of the expansion targets. */
  private checkExpanded(targets: string[], value: Record<string, unknown>, path: string): void {
    if (typeof value.object !== 'string' || !targets.includes(value.object)) {
      this.report(
        path,
        `expandable reference must be an id string or a ${targets.join('|')} object, got ${describe(value)}`,
      );
    }
  }

  private checkDiscriminator(objects: string[], value: Record<string, unknown>, path: string): void {
    if (typeof value.object !== 'string' || !objects.includes(value.object)) {
      this.report(path, `expected a ${objects.join('|')} object, got ${describe(value)}`);
    }
  }

  /** An embedded list envelope: `{object: 'list', data: [...]}` whose items are the listed objects. */
  private checkList(targets: string[], value: Record<string, unknown>, path: string): void {
    if (value.object !== 'list')
      this.report(`${path}.object`, `expected "list", got ${describe(value.object)}`);
    if (!Array.isArray(value.data)) {
      this.report(`${path}.data`, `expected array, got ${describe(value.data)}`);
      return;
    }
    value.data.forEach((item, i) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        this.report(`${path}.data[${i}]`, `expected a ${targets.join('|')} object, got ${describe(item)}`);
      } else this.checkDiscriminator(targets, item as Record<string, unknown>, `${path}.data[${i}]`);
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
    return typeof object === 'string' ? `object ${JSON.stringify(object)}` : 'object without `object`';
  }
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
