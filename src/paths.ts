/**
 * Files that ship with the package (schemas/, migrations/, emulator templates) are found relative to the
 * package root, so the same code works from src/ (tsx, vitest) and from the compiled dist/.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('stripe-elt: cannot find the package root (package.json)');
    dir = up;
  }
}

export function packagePath(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
