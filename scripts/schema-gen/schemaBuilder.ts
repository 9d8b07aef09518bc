import ts from 'typescript';
import type { FieldSchema, JsonType } from '../../src/schema/schemaTypes.js';
import { numberKind } from './numberKind.js';
import { type Atom, AtomResolver, unsupported } from './typeAtoms.js';

/** One property of an SDK interface, as the generator needs it. */
export interface SdkProperty {
  readonly name: string;
  readonly optional: boolean;
  readonly typeNode: ts.TypeNode;
  /** JSDoc text: read to classify numbers, never copied into the output. */
  readonly doc: string;
}

/** An object shape with its properties and, for map-like shapes, the type of every value. */
interface ObjectShape {
  readonly properties: SdkProperty[];
  readonly indexValue?: ts.TypeNode;
}

/**
 * Turns SDK type annotations into `FieldSchema`s.
 *
 * Depth: nested shapes (namespace interfaces such as `Customer.InvoiceSettings`, inline `{...}`,
 * `Metadata`) are described fully, at every depth; a shape already being expanded on the current path
 * (a recursive type) becomes a bare `{type: 'object'}`. Not descended into: embedded Stripe objects
 * (named by `x-stripe-object`), expandable references (`x-expandable`) and `ApiList<X>` (`x-list-of`);
 * those are API resources with schemas of their own, and copying them inline would multiply file sizes
 * (invoices.json was ~1 MB that way) for no extra column.
 */
export class SchemaBuilder {
  private readonly atoms: AtomResolver;
  /** Interfaces/type literals being expanded on the current path, to cut recursive types. */
  private readonly expanding = new Set<ts.Symbol | ts.Node>();

  constructor(private readonly checker: ts.TypeChecker) {
    this.atoms = new AtomResolver(checker);
  }

  objectLiteralOf(symbol: ts.Symbol): string | undefined {
    return this.atoms.objectLiteralOf(symbol);
  }

  /** Properties of an interface, inherited ones included (EventBase's extenders, Data extends Event.Data). */
  interfaceShape(symbol: ts.Symbol): ObjectShape {
    return this.shapeOf(this.checker.getDeclaredTypeOfSymbol(symbol));
  }

  /** The `properties`/`required` pair of an object shape. */
  describeProperties(properties: readonly SdkProperty[]): Pick<FieldSchema, 'properties' | 'required'> {
    const out: Record<string, FieldSchema> = {};
    const required: string[] = [];
    for (const property of properties) {
      out[property.name] = this.fieldSchema(property);
      if (!property.optional) required.push(property.name);
    }
    if (required.length === 0) return { properties: out };
    return { properties: out, required: required.sort() };
  }

  fieldSchema(property: SdkProperty): FieldSchema {
    return this.schemaOf(this.atoms.atomsOf(property.typeNode), property, property.typeNode);
  }

  private schemaOf(all: Atom[], property: SdkProperty, at: ts.Node): FieldSchema {
    const nullable = all.some((a) => a.kind === 'null');
    const atoms = all.filter((a) => a.kind !== 'null');
    const kinds = new Set(atoms.map((a) => a.kind));

    // `deleted?: void` on live objects: the field exists only on the deleted stub, where it is `true`.
    if (kinds.size === 1 && kinds.has('void'))
      return { type: 'boolean', const: true, 'x-deleted-marker': true };
    if (kinds.has('void')) throw unsupported(at, 'void in a union');
    if (kinds.has('unknown')) return {};

    const objects = atoms.flatMap((a) => (a.kind === 'stripeObject' ? [a.object] : []));
    if (kinds.has('string') && objects.length > 0 && onlyKinds(kinds, 'string', 'stripeObject')) {
      return { type: withNull('string', nullable), 'x-expandable': uniqueSorted(objects) };
    }
    const structs = atoms.filter((a) => a.kind === 'struct');
    const [struct] = structs;
    if (kinds.has('string') && struct && atoms.length === 2 && onlyKinds(kinds, 'string', 'struct')) {
      // An expandable whose target interface has no `object` literal in the SDK (`charge.outcome.rule`
      // is `string | Outcome.Rule`): no target name to list, so describe it as "id string or this object".
      const schema = this.objectSchema(struct, nullable);
      return { ...schema, type: nullable ? ['string', 'object', 'null'] : ['string', 'object'] };
    }
    if (onlyKinds(kinds, 'string', 'openString', 'literal')) return this.stringSchema(atoms, nullable);
    if (onlyKinds(kinds, 'boolean', 'booleanLiteral')) return this.booleanSchema(atoms, nullable);
    if (onlyKinds(kinds, 'decimal')) return { type: withNull('string', nullable), format: 'decimal' };
    if (onlyKinds(kinds, 'number')) {
      const kind = numberKind(property.name, property.doc);
      if (kind === 'unix-time') return { type: withNull('integer', nullable), format: 'unix-time' };
      return { type: withNull(kind, nullable) };
    }
    const [only] = atoms;
    if (atoms.length === 1 && only) {
      if (only.kind === 'array') {
        return {
          type: withNull('array', nullable),
          items: this.schemaOf(this.atoms.atomsOf(only.items), property, only.items),
        };
      }
      if (only.kind === 'list')
        return { type: withNull('object', nullable), 'x-list-of': this.listTargets(only.items) };
      if (only.kind === 'stripeObject' || only.kind === 'struct') return this.objectSchema(only, nullable);
    }
    if (objects.length === atoms.length) {
      // A union of Stripe objects (`CustomerSource` = Account | BankAccount | Card | Source): the
      // `object` field tells them apart; their properties are not described here (no `anyOf` in our
      // schema subset), so validation checks the discriminator only.
      return { type: withNull('object', nullable), 'x-one-of-objects': uniqueSorted(objects) };
    }
    throw unsupported(at, `union of ${[...kinds].join(', ')}`);
  }

  private stringSchema(atoms: Atom[], nullable: boolean): FieldSchema {
    const type = withNull('string', nullable);
    if (atoms.some((a) => a.kind === 'string')) return { type };
    const values = uniqueSorted(atoms.flatMap((a) => (a.kind === 'literal' ? [a.value] : [])));
    const open = atoms.some((a) => a.kind === 'openString');
    const [single] = values;
    if (values.length === 1 && single !== undefined && !open && !nullable) return { type, const: single };
    const schema: FieldSchema = { type, enum: nullable ? [...values, null] : values };
    if (open) schema['x-open-enum'] = true;
    return schema;
  }

  private booleanSchema(atoms: Atom[], nullable: boolean): FieldSchema {
    const type = withNull('boolean', nullable);
    if (atoms.length === 1 && atoms[0]?.kind === 'booleanLiteral' && !nullable)
      return { type, const: atoms[0].value };
    return { type };
  }

  private objectSchema(
    atom: Extract<Atom, { kind: 'stripeObject' | 'struct' }>,
    nullable: boolean,
  ): FieldSchema {
    const schema: FieldSchema = { type: withNull('object', nullable) };
    if (atom.kind === 'stripeObject') {
      // Embedded API objects (`customer.discount`, `invoice.last_finalization_error.payment_intent`) are
      // named, not described: describing them inline would copy whole resources into their parents and
      // nest recursively (an invoice's error embeds a PaymentIntent whose error embeds a PaymentMethod…).
      schema['x-stripe-object'] = atom.object;
      return schema;
    }
    const key: ts.Symbol | ts.Node = atom.symbol ?? atom.node;
    if (this.expanding.has(key)) return schema;
    this.expanding.add(key);
    try {
      const shape = atom.symbol
        ? this.interfaceShape(atom.symbol)
        : this.shapeOf(this.checker.getTypeAtLocation(atom.node));
      if (shape.properties.length > 0) Object.assign(schema, this.describeProperties(shape.properties));
      if (shape.indexValue) {
        const valueProperty: SdkProperty = { name: '', optional: false, typeNode: shape.indexValue, doc: '' };
        const valueSchema = this.fieldSchema(valueProperty);
        // `{[key: string]: unknown}` adds no constraint; an empty schema would only be noise.
        if (Object.keys(valueSchema).length > 0) schema.additionalProperties = valueSchema;
      }
      return schema;
    } finally {
      this.expanding.delete(key);
    }
  }

  private listTargets(items: ts.TypeNode): string | string[] {
    const atoms = this.atoms.atomsOf(items);
    const objects = atoms.flatMap((a) => (a.kind === 'stripeObject' ? [a.object] : []));
    if (objects.length !== atoms.length)
      throw unsupported(items, 'ApiList of something other than Stripe objects');
    const targets = uniqueSorted(objects);
    return targets.length === 1 && targets[0] !== undefined ? targets[0] : targets;
  }

  private shapeOf(type: ts.Type): ObjectShape {
    const properties: SdkProperty[] = [];
    for (const symbol of this.checker.getPropertiesOfType(type)) {
      const declaration = symbol.valueDeclaration;
      if (!declaration || !ts.isPropertySignature(declaration) || !declaration.type) {
        throw new Error(`schema generator: property ${symbol.getName()} has no type annotation`);
      }
      properties.push({
        name: symbol.getName(),
        optional: declaration.questionToken !== undefined,
        typeNode: declaration.type,
        doc: ts.displayPartsToString(symbol.getDocumentationComment(this.checker)),
      });
    }
    properties.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const indexInfos = this.checker.getIndexInfosOfType(type);
    if (indexInfos.length > 1) throw new Error('schema generator: more than one index signature');
    const indexValue = indexInfos[0]?.declaration?.type;
    return indexValue ? { properties, indexValue } : { properties };
  }
}

function onlyKinds(kinds: Set<Atom['kind']>, ...allowed: Atom['kind'][]): boolean {
  return kinds.size > 0 && [...kinds].every((k) => allowed.includes(k));
}

function withNull(type: JsonType, nullable: boolean): JsonType | JsonType[] {
  return nullable ? [type, 'null'] : type;
}

function uniqueSorted(values: string[]): string[] {
  return [...new Set(values)].sort();
}
