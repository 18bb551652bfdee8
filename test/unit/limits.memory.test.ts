/**
 * Send limits and idempotency keys on the memory adapter, with a clock of our own: the day's
 * counter starts again at 00:00 UTC, Retry-After is exact, a key lapses after 24 h.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors';
import { createInvitation } from '../../src/domain/invitationCreate';
import { secondsUntilNextUtcDay, sendInvitation } from '../../src/domain/invitationSending';
import type { Partner, Principal } from '../../src/domain/model';
import type { Deps, EmailMessage } from '../../src/domain/ports';
import { memoryStorage } from '../../src/storage';

const reseller: Partner = { id: '7a0f3c1e-1111-4a4a-9b9b-000000000001', name: 'Fabrikam', kind: 'reseller', indirectProviderIds: [] };
const agent: Principal = { tenantId: reseller.id, userId: 'u1', name: 'ana', roles: ['AdminAgent'] };
const body = { customer: { companyName: 'Contoso', email: 'it@contoso.example' }, send: false };

function world(start: string, limits = { perInvitation: 2, perPartnerPerDay: 3 }) {
  const storage = memoryStorage();
  const sent: EmailMessage[] = [];
  let now = new Date(start);
  const deps: Deps = {
    store: storage.store,
    directory: storage.directory,
    ledger: storage.ledger,
    warnings: storage.warnings,
    mailer: {
      send: (m) => {
        if (!sent.some((s) => s.operationId === m.operationId)) sent.push(m);
        return Promise.resolve({ status: 'sent', operationId: m.operationId });
      },
    },
    clock: { now: () => now },
    settings: {
      signingKey: 'k'.repeat(32),
      invitationTtlDays: 30,
      sendLimits: limits,
      acceptUrl: (t) => `https://x.example/api/accept/${t}`,
      customerPageUrl: 'https://x.example/api/customer',
    },
  };
  return { deps, sent, storage, setNow: (iso: string) => (now = new Date(iso)) };
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('send limits (memory)', () => {
  it('Retry-After of the day limit is the time to 00:00 UTC, and the counter starts again then', async () => {
    const { deps, sent, setNow } = world('2026-03-10T23:00:00.000Z');
    const invs = await Promise.all([1, 2, 3, 4].map(() => createInvitation(deps, reseller, agent, body, 'en')));
    for (const inv of invs.slice(0, 3)) await sendInvitation(deps, reseller, agent, inv.id, {});
    const err = await refusal(sendInvitation(deps, reseller, agent, invs[3]!.id, {}));
    expect(err).toMatchObject({ kind: 'limited', code: 'send-limit', retryAfterSeconds: 3600 });
    setNow('2026-03-10T23:59:59.400Z');
    expect((await refusal(sendInvitation(deps, reseller, agent, invs[3]!.id, {}))).retryAfterSeconds).toBe(1);
    setNow('2026-03-11T00:00:00.000Z');
    await sendInvitation(deps, reseller, agent, invs[3]!.id, {});
    expect(sent).toHaveLength(4);
  });

  it('Retry-After of the invitation limit is the time until the invitation expires', async () => {
    const { deps } = world('2026-03-10T12:00:00.000Z', { perInvitation: 1, perPartnerPerDay: 100 });
    const inv = await createInvitation(deps, reseller, agent, body, 'en');
    await sendInvitation(deps, reseller, agent, inv.id, {});
    const err = await refusal(sendInvitation(deps, reseller, agent, inv.id, { subject: 'Again' }));
    expect(err.retryAfterSeconds).toBe(30 * 86_400);
  });

  it('secondsUntilNextUtcDay is never 0', () => {
    expect(secondsUntilNextUtcDay(new Date('2026-03-10T23:59:59.999Z'))).toBe(1);
    expect(secondsUntilNextUtcDay(new Date('2026-03-10T00:00:00.000Z'))).toBe(86_400);
  });
});

describe('idempotency keys (memory)', () => {
  it('replays within 24 h, refuses another body, and lapses after 24 h', async () => {
    const { deps, setNow } = world('2026-03-10T12:00:00.000Z');
    const first = await createInvitation(deps, reseller, agent, body, 'en', 'key-1');
    setNow('2026-03-11T11:59:59.000Z');
    expect(await createInvitation(deps, reseller, agent, body, 'en', 'key-1')).toEqual(first);
    const other = { ...body, customer: { ...body.customer, companyName: 'Other' } };
    expect(await refusal(createInvitation(deps, reseller, agent, other, 'en', 'key-1'))).toMatchObject({
      kind: 'unprocessable',
      code: 'idempotency-key-reused',
    });
    setNow('2026-03-11T12:00:00.000Z');
    const later = await createInvitation(deps, reseller, agent, other, 'en', 'key-1');
    expect(later.id).not.toBe(first.id);
  });
});
