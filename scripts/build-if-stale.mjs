/**
 * `npm run seed` runs from the build when the build is fresh: compiles (tsc -p tsconfig.build.json)
 * only when a source file or a tsconfig is newer than the built seed, so a seed takes about a
 * second instead of a full compile. A failed compile removes the built seed, so that the next
 * run compiles again instead of trusting a half-good build.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'src', 'local', 'seed.js');

const mtime = (path) => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

/** The newest modification time of the .ts files under dir. */
function newest(dir) {
  let max = 0;
  for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) max = Math.max(max, mtime(join(entry.parentPath ?? entry.path, entry.name)));
  }
  return max;
}

const sources = Math.max(newest('src'), newest('functions'), mtime(join(root, 'tsconfig.json')), mtime(join(root, 'tsconfig.build.json')));
if (mtime(built) > sources) process.exit(0);

process.stderr.write('Sources changed since the last build: compiling (tsc -p tsconfig.build.json)…\n');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  rmSync(built, { force: true });
  process.exit(result.status ?? 1);
}
