/**
 * The composition root: adapters are built once from the config, on first use (never at module
 * load, so importing a function file opens no connection), and shared by every invocation.
 */
import { loadConfig, type Config } from './config';
import type { Clock, Mailer, Store } from './domain/ports';
import { createMailer } from './email/acsMailer';
import { TableStore, type TableStoreOptions } from './storage/tableStore';

export interface Deps {
  config: Config;
  store: Store;
  /** Undefined when email is not configured: drafts only. */
  mailer: Mailer | undefined;
  clock: Clock;
}

export const systemClock: Clock = { now: () => new Date() };

export function buildDeps(config: Config, storeOptions: TableStoreOptions = {}): Deps {
  return {
    config,
    store: TableStore.fromConfig(config, storeOptions),
    mailer: createMailer(config.email, { managedIdentityClientId: config.managedIdentityClientId }),
    clock: systemClock,
  };
}

let current: Deps | undefined;

export function getDeps(): Deps {
  current ??= buildDeps(loadConfig());
  return current;
}

/** Replaces the process's dependencies (the local runner and tests). */
export function setDeps(deps: Deps | undefined): void {
  current = deps;
}
