/**
 * The composition root: adapters are built once from the config, on first use (never at module
 * load, so importing a function file opens no connection), and shared by every invocation.
 */
import { routes } from './api/routes';
import { apiPath } from './api/paths';
import { loadConfig, type Config } from './config';
import type { Clock, Deps, EventQueue, EventRetention, Settings, WebhookDeps } from './domain/ports';
import { createMailer } from './email/acsMailer';
import { tableStorage, type Storage } from './storage';
import { MemorySlots } from './webhooks/slots';
import { HttpWebhookTransport } from './webhooks/transport';

/** The use cases' dependencies, and the config they came from (the HTTP layer reads it). */
export interface AppDeps extends Deps, WebhookDeps {
  config: Config;
  /** The removal of events past retention (functions/purgeEvents.ts). */
  retention: EventRetention;
}

export const systemClock: Clock = { now: () => new Date() };

export function settingsOf(config: Config): Settings {
  return {
    signingKey: config.signingKey,
    invitationTtlDays: config.invitationTtlDays,
    sendLimits: config.sendLimits,
    acceptUrl: (token) => `${config.publicBaseUrl}${apiPath(routes.acceptPage.route, { token })}`,
    customerPageUrl: `${config.publicBaseUrl}${apiPath(routes.customerPage.route, {})}`,
    operatorTenantId: config.operatorTenantId,
  };
}

export function buildDeps(
  config: Config,
  storage: Pick<Storage, 'store' | 'directory' | 'ledger' | 'retention' | 'warnings'> & { queue: EventQueue } = tableStorage(config),
): AppDeps {
  const { store, directory, ledger, queue, retention, warnings } = storage;
  return {
    queue,
    retention,
    transport: new HttpWebhookTransport({ allowPrivateTargets: config.webhooks.allowPrivateTargets }),
    webhookSettings: { retryScale: config.webhooks.retryScale },
    slots: new MemorySlots(),
    config,
    store,
    directory,
    ledger,
    warnings,
    mailer: createMailer(config.email, { managedIdentityClientId: config.managedIdentityClientId }),
    clock: systemClock,
    settings: settingsOf(config),
  };
}

let current: AppDeps | undefined;

export function getDeps(): AppDeps {
  current ??= buildDeps(loadConfig());
  return current;
}

/** Replaces the process's dependencies (the local runner and tests). */
export function setDeps(deps: AppDeps | undefined): void {
  current = deps;
}
