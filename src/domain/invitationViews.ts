/** Invitations as the inviting partner sees them: the view (link and draft while pending), listing and reading. */
import { draftOf, linkOf } from './invitationLink';
import { effectiveStatus, requireInvitation } from './invitation';
import type { Actor, DelegatedAccess, Invitation, InvitationKind, InvitationStatus, Locale, Page, PageRequest, Partner } from './model';
import type { Deps } from './ports';
import { accessOf } from './grant';
import type { Draft } from './drafts';

/** What the inviting partner sees: the link and the draft only while the invitation is pending. */
export interface InvitationView {
  id: string;
  partnerId: string;
  kind: InvitationKind;
  indirectProviderId?: string;
  customer: Invitation['customer'];
  status: InvitationStatus;
  url?: string;
  expiresAt: string;
  locale: Locale;
  draft?: Draft;
  email: Invitation['email'];
  createdAt: string;
  createdBy: Actor;
  acceptedAt?: string;
  acceptedBy?: Actor;
  customerId?: string;
  /** The delegated admin roles, duration and auto-extension asked for. */
  access: DelegatedAccess;
  reminder?: boolean;
}

export function toView(settings: Deps['settings'], inv: Invitation, now: Date): InvitationView {
  const status = effectiveStatus(inv, now);
  const pending = status === 'pending';
  return {
    id: inv.id,
    partnerId: inv.partnerId,
    kind: inv.kind,
    ...(inv.indirectProviderId ? { indirectProviderId: inv.indirectProviderId } : {}),
    customer: inv.customer,
    status,
    ...(pending ? { url: linkOf(settings, inv), draft: draftOf(settings, inv) } : {}),
    expiresAt: inv.expiresAt,
    locale: inv.locale,
    email: inv.email,
    createdAt: inv.createdAt,
    createdBy: inv.createdBy,
    ...(inv.acceptedAt ? { acceptedAt: inv.acceptedAt } : {}),
    ...(inv.acceptedBy ? { acceptedBy: inv.acceptedBy } : {}),
    ...(inv.customerId ? { customerId: inv.customerId } : {}),
    access: accessOf(inv),
    ...(inv.reminder ? { reminder: true } : {}),
  };
}

export async function listInvitations(
  deps: Pick<Deps, 'store' | 'clock' | 'settings'>,
  partner: Partner,
  query: { status: InvitationStatus | 'all' } & PageRequest,
): Promise<Page<InvitationView>> {
  const now = deps.clock.now();
  const page = await deps.store.invitations(partner.id, { status: query.status, now }, query);
  return { ...page, items: page.items.map((inv) => toView(deps.settings, inv, now)) };
}

export async function getInvitation(
  deps: Pick<Deps, 'store' | 'clock' | 'settings'>,
  partner: Partner,
  id: string,
): Promise<InvitationView> {
  const { value } = await requireInvitation(deps, partner.id, id);
  return toView(deps.settings, value, deps.clock.now());
}
