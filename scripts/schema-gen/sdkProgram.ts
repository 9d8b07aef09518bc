import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/** The pinned stripe package as the generator sees it: where it lives and what it pins. */
export interface StripeSdk {
  readonly packageDir: string;
  readonly resourcesDir: string;
  readonly sdkVersion: string;
  readonly apiVersion: string;
}

/**
 * Finds the installed `stripe` package. Its `exports` map does not expose `./package.json`, so we
 * resolve the main entry and walk up to the directory whose package.json is named `stripe`.
 */
export function locateStripeSdk(fromUrl: string = import.meta.url): StripeSdk {
  const entry = createRequire(fromUrl).resolve('stripe');
  let dir = path.dirname(entry);
  for (;;) {
    const manifest = readPackageJson(dir);
    if (manifest?.name === 'stripe' && typeof manifest.version === 'string') {
      const apiVersionDts = readFileSync(path.join(dir, 'esm', 'apiVersion.d.ts'), 'utf8');
      const apiVersion = /ApiVersion\s*=\s*["']([^"']+)["']/.exec(apiVersionDts)?.[1];
      if (!apiVersion) throw new Error(`cannot read ApiVersion from ${dir}/esm/apiVersion.d.ts`);
      return {
        packageDir: dir,
        resourcesDir: path.join(dir, 'esm', 'resources'),
        sdkVersion: manifest.version,
        apiVersion,
      };
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no stripe package.json above ${entry}`);
    dir = parent;
  }
}

function readPackageJson(dir: string): { name?: unknown; version?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
  } catch {
    return undefined;
  }
}

/**
 * One TypeScript program over the resource declaration files we need; imports between them (shared.d.ts,
 * Decimal.d.ts, lib.d.ts, sibling resources) are pulled in by normal module resolution. `types: []` keeps
 * @types/* out: nothing in the SDK's response interfaces needs them, and it keeps the run fast.
 */
export function createSdkProgram(sdk: StripeSdk, files: readonly string[]): ts.Program {
  const rootNames = [...new Set(files)].sort().map((f) => path.join(sdk.resourcesDir, f));
  return ts.createProgram({
    rootNames,
    options: {
      noEmit: true,
      skipLibCheck: true,
      types: [],
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
    },
  });
}

/** The exported interface `name` declared at the top level of `file`. */
export function findInterface(
  program: ts.Program,
  sdk: StripeSdk,
  file: string,
  name: string,
): ts.InterfaceDeclaration {
  const fileName = path.join(sdk.resourcesDir, file);
  const source = program.getSourceFile(fileName);
  if (!source) throw new Error(`stripe SDK file not found: ${fileName}`);
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement) && statement.name.text === name) return statement;
  }
  throw new Error(`interface ${name} not found in ${file}`);
}
