import path from 'node:path';
import ts from 'typescript';

/**
 * A TypeScript type annotation from the SDK, flattened into the alternatives of its union, with type
 * aliases and imports resolved. The generator works on the declared annotations (the AST) rather than on
 * checker types because the annotations keep what matters for a schema and the checker erases:
 * `Decimal` vs `string`, `'a' | 'b' | OtherString` (an open enum) vs plain `string`, `ApiList<X>`.
 */
export type Atom =
  | { kind: 'string' }
  /** The SDK's `OtherString` brand, which marks an enum as open. */
  | { kind: 'openString' }
  | { kind: 'literal'; value: string }
  | { kind: 'booleanLiteral'; value: boolean }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'null' }
  | { kind: 'void' }
  /** `unknown`/`any`: free-form JSON (`next_action.use_stripe_sdk`). */
  | { kind: 'unknown' }
  /** The SDK's `Decimal` brand: a decimal number that travels as a string on the wire. */
  | { kind: 'decimal' }
  /** An interface with an `object: '<literal>'` property: a Stripe API object. */
  | { kind: 'stripeObject'; object: string; symbol: ts.Symbol }
  /** Any other object shape: a namespace interface, `Metadata`, an inline `{...}` literal. */
  | { kind: 'struct'; symbol: ts.Symbol | undefined; node: ts.Node }
  | { kind: 'list'; items: ts.TypeNode }
  | { kind: 'array'; items: ts.TypeNode };

/** SDK declarations recognised by name and declaring file, not by shape. */
const BRANDS: Record<string, { file: string; atom: Atom }> = {
  Decimal: { file: 'Decimal.d.ts', atom: { kind: 'decimal' } },
  OtherString: { file: 'shared.d.ts', atom: { kind: 'openString' } },
};

export class AtomResolver {
  constructor(private readonly checker: ts.TypeChecker) {}

  /** The alternatives of `node`, in declaration order (unions and aliases flattened). */
  atomsOf(node: ts.TypeNode): Atom[] {
    if (ts.isParenthesizedTypeNode(node)) return this.atomsOf(node.type);
    if (ts.isUnionTypeNode(node)) return node.types.flatMap((t) => this.atomsOf(t));
    if (ts.isArrayTypeNode(node)) return [{ kind: 'array', items: node.elementType }];
    if (ts.isTypeLiteralNode(node)) return [{ kind: 'struct', symbol: undefined, node }];
    if (ts.isLiteralTypeNode(node)) return [this.literalAtom(node)];
    if (ts.isTypeReferenceNode(node)) return this.referenceAtoms(node);
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return [{ kind: 'string' }];
      case ts.SyntaxKind.NumberKeyword:
        return [{ kind: 'number' }];
      case ts.SyntaxKind.BooleanKeyword:
        return [{ kind: 'boolean' }];
      case ts.SyntaxKind.UnknownKeyword:
      case ts.SyntaxKind.AnyKeyword:
        return [{ kind: 'unknown' }];
      case ts.SyntaxKind.VoidKeyword:
      case ts.SyntaxKind.UndefinedKeyword:
        return [{ kind: 'void' }];
    }
    throw unsupported(node, `type syntax ${ts.SyntaxKind[node.kind]}`);
  }

  /** The `object` literal of a Stripe object interface, or undefined for a plain struct. */
  objectLiteralOf(symbol: ts.Symbol): string | undefined {
    const type = this.checker.getDeclaredTypeOfSymbol(symbol);
    const declaration = type.getProperty('object')?.valueDeclaration;
    if (!declaration || !ts.isPropertySignature(declaration) || !declaration.type) return undefined;
    const typeNode = declaration.type;
    if (ts.isLiteralTypeNode(typeNode) && ts.isStringLiteral(typeNode.literal)) return typeNode.literal.text;
    return undefined;
  }

  private literalAtom(node: ts.LiteralTypeNode): Atom {
    const literal = node.literal;
    if (ts.isStringLiteral(literal)) return { kind: 'literal', value: literal.text };
    if (literal.kind === ts.SyntaxKind.NullKeyword) return { kind: 'null' };
    if (literal.kind === ts.SyntaxKind.TrueKeyword) return { kind: 'booleanLiteral', value: true };
    if (literal.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'booleanLiteral', value: false };
    throw unsupported(node, 'literal type');
  }

  private referenceAtoms(node: ts.TypeReferenceNode): Atom[] {
    const symbol = this.resolve(node.typeName);
    const name = symbol.getName();
    const declarations = symbol.getDeclarations() ?? [];
    const declaredIn = (file: string) =>
      declarations.some((d) => path.basename(d.getSourceFile().fileName) === file);

    const brand = BRANDS[name];
    if (brand && declaredIn(brand.file)) return [brand.atom];
    const typeArgument = node.typeArguments?.[0];
    if (name === 'Array' && typeArgument && node.typeArguments?.length === 1) {
      return [{ kind: 'array', items: typeArgument }];
    }
    if (name === 'ApiList' && typeArgument && declaredIn('lib.d.ts'))
      return [{ kind: 'list', items: typeArgument }];
    if (node.typeArguments?.length) throw unsupported(node, `generic reference ${name}`);

    const alias = declarations.find(ts.isTypeAliasDeclaration);
    if (alias) {
      if (alias.typeParameters?.length) throw unsupported(node, `generic alias ${name}`);
      return this.atomsOf(alias.type);
    }
    if (declarations.some(ts.isInterfaceDeclaration)) {
      const object = this.objectLiteralOf(symbol);
      if (object !== undefined) return [{ kind: 'stripeObject', object, symbol }];
      return [{ kind: 'struct', symbol, node }];
    }
    throw unsupported(node, `reference to ${name} (neither alias nor interface)`);
  }

  private resolve(name: ts.EntityName): ts.Symbol {
    const symbol = this.checker.getSymbolAtLocation(name);
    if (!symbol) throw unsupported(name, 'unresolved name');
    return symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
  }
}

/** The generator refuses what it does not understand rather than emitting a guess. */
export function unsupported(node: ts.Node, what: string): Error {
  const source = node.getSourceFile();
  const { line } = source.getLineAndCharacterOfPosition(node.getStart());
  return new Error(
    `schema generator: unsupported ${what} at ${path.basename(source.fileName)}:${line + 1}: ${node.getText()}`,
  );
}
