/**
 * zod as the service uses it: `zod/mini`, whose functions tree-shake (only what the schemas use
 * ends up in the deployed bundle) and whose schemas cost less to build at start-up than classic
 * zod's, with English messages (zod/mini loads no locale of its own). Every module imports zod
 * from here: `import * as z from '../zod'`. docs/decisions.md, "Cold start".
 */
import { config, globalRegistry, lazy, type core, type ZodMiniLazy, type ZodMiniType } from 'zod/mini';
import en from 'zod/v4/locales/en.cjs';

config(en());

export * from 'zod/mini';
/**
 * The error `parse` throws, for `instanceof`. Imported by name: reading it as `z.core.$ZodError`
 * would put the whole of zod's core namespace in the bundle.
 */
export { $ZodError as ZodError } from 'zod/v4/core';

/** A copy of the schema with metadata (an OpenAPI component `id`, a `description`): classic zod's `.meta()`. */
export function withMeta<T extends ZodMiniType>(schema: T, metadata: core.GlobalMeta): T {
  const copy = schema.clone();
  globalRegistry.add(copy, metadata);
  return copy;
}

/** A copy of the schema with a description: classic zod's `.describe()`. */
export const described = <T extends ZodMiniType>(schema: T, description: string): T => withMeta(schema, { description });

/**
 * A schema with metadata, built on its first use instead of at import (zod's `lazy`). For the
 * answers' shapes: they serve the types (at compile time) and the OpenAPI document (made at
 * build time), nothing at run time, so a cold instance never spends its start-up building them.
 */
export const deferred = <T extends ZodMiniType>(build: () => T, metadata: core.GlobalMeta): ZodMiniLazy<T> =>
  lazy(() => withMeta(build(), metadata));
