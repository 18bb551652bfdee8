/**
 * Idempotency keys: a creation under an Idempotency-Key is remembered (hashed) in the SAME
 * commit as what it creates, and a retry with the same key and body within 24 h gets the first
 * answer again.
 */
import { createHash } from 'node:crypto';
import { badRequest, unprocessable } from './errors';
import { requireInvitation } from './invitation';
import { toView, type InvitationView } from './invitationViews';
import type { Invitation, Partner, Versioned } from './model';
import type { Change, CreationRecord, Deps, FollowUp } from './ports';
import { retryOnConflict } from './retry';

/** How long an Idempotency-Key is remembered. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const IDEMPOTENCY_KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function assertIdempotencyKey(key: string): void {
  if (!IDEMPOTENCY_KEY_FORMAT.test(key)) {
    throw badRequest('The Idempotency-Key header must be 1 to 255 visible ASCII characters.', {
      'Idempotency-Key': ['must be 1 to 255 visible ASCII characters'],
    });
  }
}

/** JSON with object keys in order and undefined members left out: equal bodies hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The first answer to a key, again: as it was answered, at the time it was answered. */
async function replay(deps: Pick<Deps, 'store' | 'settings'>, partner: Partner, record: CreationRecord): Promise<InvitationView> {
  // Without the answer (the first request's send was still running, or it stopped before it
  // could record it), the invitation as it is now stands in.
  const inv = record.answer ?? (await requireInvitation(deps, partner.id, record.invitationId)).value;
  return toView(deps.settings, inv, new Date(record.at));
}

/**
 * A creation under an Idempotency-Key: the key's record is written in the SAME commit as the
 * invitation, so an invitation never exists without its key, and of two concurrent requests
 * with one key exactly one can insert it (the other reads it and replays). A record older than
 * 24 h is ignored (and replaced by the next creation under its key).
 */
export async function createOnce(
  deps: Deps,
  partner: Partner,
  key: string,
  body: { send: boolean },
  steps: {
    /** Validates and builds the invitation with its changes (nothing written). */
    prepare(): Promise<{ inv: Invitation; changes: Change[]; follow?: FollowUp }>;
    /** The first send of a `send: true` creation, once committed. */
    send(created: Versioned<Invitation>): Promise<InvitationView>;
  },
): Promise<InvitationView> {
  assertIdempotencyKey(key);
  const keyHash = sha256(key);
  const requestHash = sha256(canonicalJson(body));
  const outcome = await retryOnConflict(async () => {
    const found = await deps.store.creationRecord(partner.id, keyHash);
    const now = deps.clock.now();
    if (found && now.getTime() - Date.parse(found.value.at) < IDEMPOTENCY_WINDOW_MS) {
      if (found.value.requestHash !== requestHash) {
        throw unprocessable(
          'This Idempotency-Key was already used in the last 24 hours with another request body. Use a new key for a new invitation.',
          'idempotency-key-reused',
        );
      }
      return { kind: 'replayed' as const, view: await replay(deps, partner, found.value) };
    }
    const { inv, changes, follow } = await steps.prepare();
    const record: CreationRecord = { keyHash, requestHash, invitationId: inv.id, at: inv.createdAt, ...(body.send ? {} : { answer: inv }) };
    // A concurrent request with the same key that committed first makes this a WriteConflict:
    // read again, and replay its answer.
    const versions = await deps.store.commit(
      partner.id,
      [...changes, { kind: 'rememberCreation', record, version: found?.version }],
      follow,
    );
    return { kind: 'created' as const, created: { value: inv, version: versions[0] ?? '' }, record, recordVersion: versions.at(-1) };
  });
  if (outcome.kind === 'replayed') return outcome.view;
  if (!body.send) return toView(deps.settings, outcome.created.value, new Date(outcome.record.at));
  const view = await steps.send(outcome.created);
  // Bookkeeping: the answer, for replays. If it cannot be written, a replay shows the invitation as it is then.
  const sent = await deps.store.invitation(partner.id, outcome.created.value.id).catch(() => undefined);
  if (sent && outcome.recordVersion) {
    await deps.store
      .commit(partner.id, [{ kind: 'rememberCreation', record: { ...outcome.record, answer: sent.value }, version: outcome.recordVersion }])
      .catch(() => undefined);
  }
  return view;
}
