import type { Deps } from '../deps';
import type { Settings } from '../domain/invitations';

/** The part of the config the invitation use cases need. */
export const invitationSettings = (deps: Deps): Settings => ({
  signingKey: deps.config.signingKey,
  publicBaseUrl: deps.config.publicBaseUrl,
  invitationTtlDays: deps.config.invitationTtlDays,
});

export const useCaseDeps = (deps: Deps) => ({
  store: deps.store,
  clock: deps.clock,
  mailer: deps.mailer,
  settings: invitationSettings(deps),
});
