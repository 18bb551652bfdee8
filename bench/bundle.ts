/**
 * The two bundles the start-up benchmark starts cold: the deployed one (dist/main.js, which
 * `npm run build` writes with scripts/build.mjs) and the floor (bench/floor/getPartner.ts),
 * bundled by the same function with the same options (esbuild, CommonJS, Node 22,
 * `@azure/functions-core` external).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = join(__dirname, '..', '..');
export const BUNDLE_FILE = join(ROOT, 'dist', 'main.js');
export const FLOOR_FILE = join(ROOT, 'dist', 'bench', 'floor.js');

export interface BundleInfo {
  file: string;
  bytes: number;
  functions: number;
  buildMs: number;
}

/** A part of the main bundle (a package, or a folder of the sources) and its bytes in it. */
export interface BundlePart {
  part: string;
  bytes: number;
}

interface BuildScript {
  buildBundle: (o: { outfile?: string; sourcemap?: boolean; entry?: string }) => Promise<BundleInfo>;
  bundleParts: (metafile: unknown) => BundlePart[];
  metafileOf: (outfile: string) => string;
  LAZY_DIR: string;
}

const buildScript = () => import(pathToFileURL(join(ROOT, 'scripts', 'build.mjs')).href) as Promise<BuildScript>;

/** The deployed bundle, as `npm run build` left it: its size by part, and the parts it loads on demand. */
export async function deployedBundle(): Promise<BundleInfo & { parts: BundlePart[]; lazy: BundlePart[] }> {
  if (!existsSync(BUNDLE_FILE)) throw new Error(`${BUNDLE_FILE} is missing: run npm run build`);
  const { bundleParts, metafileOf, LAZY_DIR } = await buildScript();
  const lazyDir = join(ROOT, 'dist', LAZY_DIR);
  return {
    file: BUNDLE_FILE,
    bytes: statSync(BUNDLE_FILE).size,
    functions: NaN,
    buildMs: NaN,
    parts: bundleParts(JSON.parse(readFileSync(metafileOf(BUNDLE_FILE), 'utf8'))),
    lazy: readdirSync(lazyDir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => ({ part: f, bytes: statSync(join(lazyDir, f)).size })),
  };
}

/** The floor, bundled as the service is. */
export async function buildFloorBundle(): Promise<BundleInfo> {
  const { buildBundle } = await buildScript();
  return buildBundle({ outfile: FLOOR_FILE, sourcemap: false, entry: join(ROOT, 'bench', 'floor', 'getPartner.ts') });
}
