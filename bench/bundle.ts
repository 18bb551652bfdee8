/**
 * The two bundles the start-up benchmark starts cold: the deployed one (dist/main.js, which
 * `npm run build` writes with scripts/build.mjs) and the floor (bench/floor/getPartner.ts),
 * bundled by the same function with the same options (esbuild, CommonJS, Node 22,
 * `@azure/functions-core` external).
 */
import { existsSync, statSync } from 'node:fs';
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

interface BuildScript {
  buildBundle: (o: { outfile?: string; sourcemap?: boolean; entry?: string }) => Promise<BundleInfo>;
}

const buildScript = () => import(pathToFileURL(join(ROOT, 'scripts', 'build.mjs')).href) as Promise<BuildScript>;

/** The deployed bundle, as `npm run build` left it. */
export function deployedBundle(): BundleInfo {
  if (!existsSync(BUNDLE_FILE)) throw new Error(`${BUNDLE_FILE} is missing: run npm run build`);
  return { file: BUNDLE_FILE, bytes: statSync(BUNDLE_FILE).size, functions: NaN, buildMs: NaN };
}

/** The floor, bundled as the service is. */
export async function buildFloorBundle(): Promise<BundleInfo> {
  const { buildBundle } = await buildScript();
  return buildBundle({ outfile: FLOOR_FILE, sourcemap: false, entry: join(ROOT, 'bench', 'floor', 'getPartner.ts') });
}
