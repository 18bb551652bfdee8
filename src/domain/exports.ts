/**
 * Exports: every item of a listing that matches its filters, read page by page as the consumer
 * asks for more (one page in memory at a time, whatever the partner's size).
 */
import { listInvitations, type InvitationView } from './invitationViews';
import type { InvitationStatus, Page, Partner, Relationship, RelationshipStatus } from './model';
import type { Deps } from './ports';
import { listRelationships } from './relationships';

/** The largest page a listing serves: the fewest round trips per exported row. */
export const EXPORT_PAGE_SIZE = 500;

export async function* everyItem<T>(page: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    yield* next.items;
    cursor = next.cursor;
  } while (cursor);
}

export function exportInvitations(
  deps: Pick<Deps, 'store' | 'clock' | 'settings'>,
  partner: Partner,
  status: InvitationStatus | 'all',
): AsyncGenerator<InvitationView> {
  return everyItem((cursor) => listInvitations(deps, partner, { status, pageSize: EXPORT_PAGE_SIZE, cursor }));
}

export function exportRelationships(
  deps: Pick<Deps, 'store'>,
  partner: Partner,
  filter: { status: RelationshipStatus | 'all'; q?: string | undefined },
): AsyncGenerator<Relationship> {
  return everyItem((cursor) => listRelationships(deps, partner, { ...filter, pageSize: EXPORT_PAGE_SIZE, cursor }));
}
