/**
 * Where the shared public test data lives: `$HANDSHAKE_LAB_VECTORS` if set, else the nearest
 * `shared/vectors` walking up from the repository (the main tree has it at `../shared`; a git
 * worktree sits deeper). Read in place, never copied into the repository.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findVectorsDir(): string {
  const fromEnv = process.env.HANDSHAKE_LAB_VECTORS;
  if (fromEnv && existsSync(join(fromEnv, 'README.md'))) return fromEnv;
  let dir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  for (;;) {
    const candidate = join(dir, '..', 'shared', 'vectors');
    if (existsSync(join(candidate, 'README.md'))) return resolve(candidate);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find ../shared/vectors above the repository (set HANDSHAKE_LAB_VECTORS)');
    dir = parent;
  }
}

export const VECTORS_DIR = findVectorsDir();

/** The path of one vector file. */
export function vectorPath(name: string): string {
  const path = join(VECTORS_DIR, name);
  if (!existsSync(path)) throw new Error(`shared vector ${name} not found in ${VECTORS_DIR}`);
  return path;
}
