/** The terms of delegated admin (roles, duration, end date, auto-extension, expiry) with an injected clock, on the memory adapter. */
import { describe, expect, it } from 'vitest';
import { afterCommit } from '../../src/domain/followUp';
import { processDueGrants } from '../../src/domain/delegatedAdmin';
import { AppError } from '../../src/domain/errors';
import { accessOf, addDays, atEnd, durationDays, grantOf, resolveAccess } from '../../src/domain/grant';
import type { Clock, Deps } from '../../src/domain/ports';
import { establish } from '../../src/domain/relationships';
import { commitRelationships } from '../../src/domain/customerSide';
import { DEFAULT_ROLES, DIRECTORY_READERS, GLOBAL_ADMINISTRATOR, GLOBAL_READER, ROLE_CATALOGUE } from '../../src/domain/roles';
import { memoryStorage } from '../../src/storage';

const invalid = (f: () => unknown): Record<string, string[]> => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe('invalid');
    return (err as AppError).errors ?? {};
  }
  throw new Error('expected a 400');
};

describe('durations', () => {
  it('takes whole days from P1D to P730D, nothing else', () => {
    expect(durationDays('P1D')).toBe(1);
    expect(durationDays('P730D')).toBe(730);
    expect(durationDays('P90D')).toBe(90);
    for (const bad of ['P0D', 'P731D', 'P01D', 'P1000D', 'P1Y', 'PT24H', 'P1W', 'p1d', 'P1.5D', '', 'P-1D', ' P1D', 'P1D '])
      expect(durationDays(bad), bad).toBeUndefined();
  });

  it('ends days of 24 h later in UTC, across leap days', () => {
    // 2028 is a leap year: 365 days from 1 March 2027 is 29 February 2028.
    expect(addDays(new Date('2027-03-01T10:00:00Z'), 365).toISOString()).toBe('2028-02-29T10:00:00.000Z');
    // The P730D bound from 29 February 2028 ends on 28 February 2030 at the same time.
    const g = grantOf({ roles: [GLOBAL_READER], duration: 'P730D', autoExtend: false }, new Date('2028-02-29T23:59:59.999Z'));
    expect(g).toMatchObject({ status: 'granted', grantedAt: '2028-02-29T23:59:59.999Z', endsAt: '2030-02-28T23:59:59.999Z' });
    expect(grantOf({ roles: [GLOBAL_READER], duration: 'P1D', autoExtend: false }, new Date('2024-12-31T12:00:00Z')).endsAt).toBe(
      '2025-01-01T12:00:00.000Z',
    );
  });
});

describe('resolveAccess', () => {
  it('defaults to the readers for two years, without auto-extension', () => {
    expect(resolveAccess(undefined)).toEqual({ roles: [...DEFAULT_ROLES], duration: 'P730D', autoExtend: false });
    expect(DEFAULT_ROLES).toEqual([DIRECTORY_READERS, GLOBAL_READER]);
    expect(accessOf({})).toEqual(resolveAccess({}));
  });

  it('names unknown roles, refuses bad durations and an auto-extended Global Administrator', () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(invalid(() => resolveAccess({ roles: [GLOBAL_READER, unknown, 'x'] }))['access.roles']![0]).toContain(`${unknown}, x`);
    expect(invalid(() => resolveAccess({ duration: 'P731D' }))).toHaveProperty('access.duration');
    expect(invalid(() => resolveAccess({ duration: 'P2Y' }))).toHaveProperty('access.duration');
    expect(invalid(() => resolveAccess({ roles: [GLOBAL_ADMINISTRATOR], autoExtend: true }))).toHaveProperty('access.autoExtend');
    expect(resolveAccess({ roles: [GLOBAL_ADMINISTRATOR], duration: 'P1D' })).toEqual({
      roles: [GLOBAL_ADMINISTRATOR],
      duration: 'P1D',
      autoExtend: false,
    });
    // Upper-case IDs name the same roles; duplicates count once.
    expect(resolveAccess({ roles: [GLOBAL_READER.toUpperCase(), GLOBAL_READER] }).roles).toEqual([GLOBAL_READER]);
  });

  it('the catalogue has unique template IDs, both names, and marks Global Administrator privileged', () => {
    expect(new Set(ROLE_CATALOGUE.map((r) => r.id)).size).toBe(ROLE_CATALOGUE.length);
    expect(ROLE_CATALOGUE.length).toBeGreaterThanOrEqual(11);
    for (const r of ROLE_CATALOGUE) expect(r.name.en && r.name.es).toBeTruthy();
    expect(ROLE_CATALOGUE.find((r) => r.id === GLOBAL_ADMINISTRATOR)?.privileged).toBe(true);
    expect(ROLE_CATALOGUE.find((r) => r.id === DIRECTORY_READERS)?.privileged).toBe(false);
  });
});

describe('atEnd', () => {
  const grant = grantOf({ roles: [GLOBAL_READER], duration: 'P30D', autoExtend: false }, new Date('2027-01-01T00:00:00Z'));
  it('does nothing before the end, expires at it', () => {
    expect(atEnd(grant, new Date('2027-01-30T23:59:59.999Z'))).toBeUndefined();
    expect(atEnd(grant, new Date('2027-01-31T00:00:00Z'))).toMatchObject({ kind: 'expire', next: { status: 'expired' } });
  });
  it('extends by 180 days, as often as needed to end in the future; never Global Administrator', () => {
    const auto = { ...grant, autoExtend: true };
    expect(atEnd(auto, new Date('2027-01-31T00:00:00Z'))?.next.endsAt).toBe('2027-07-30T00:00:00.000Z');
    expect(atEnd(auto, new Date('2027-08-01T00:00:00Z'))?.next.endsAt).toBe('2028-01-26T00:00:00.000Z');
    expect(atEnd({ ...auto, roles: [GLOBAL_ADMINISTRATOR] }, new Date('2027-01-31T00:00:00Z'))?.kind).toBe('expire');
    expect(atEnd({ ...grant, status: 'revoked' }, new Date('2030-01-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('the due index and the customer index on the memory adapter, with a clock moved forward', () => {
  const start = new Date('2027-03-01T00:00:00Z');
  function world() {
    const storage = memoryStorage();
    let now = start;
    const clock: Clock = { now: () => now };
    const directory = {
      partner: async (id: string) => ({ id, name: `Partner ${id}`, kind: 'reseller' as const, indirectProviderIds: [] }),
      enrol: async () => {},
    };
    const deps: Pick<Deps, 'store' | 'ledger' | 'directory' | 'clock' | 'warnings'> = {
      store: storage.store,
      ledger: storage.ledger,
      directory,
      clock,
      warnings: storage.warnings,
    };
    /** The delivery worker's share of each announcement: what the commit owes after it (due rows, warning points, a copy). */
    const drain = async () => {
      for (const m of storage.queue.take()) await afterCommit(deps, m);
    };
    const process = async () => {
      const r = await processDueGrants(deps);
      await drain();
      return r;
    };
    return { storage, deps, drain, process, move: (days: number) => (now = addDays(start, days)) };
  }
  async function grantTo(
    deps: Pick<Deps, 'store' | 'ledger' | 'directory' | 'clock' | 'warnings'>,
    customerId: string,
    duration: string,
    autoExtend: boolean,
  ) {
    const rel = establish(
      undefined,
      {
        partnerId: 'p1',
        customerId,
        companyName: customerId,
        role: 'reseller',
        invitationId: 'i',
        actor: { id: 'a', name: 'a', tenantId: customerId },
        access: { roles: [GLOBAL_READER], duration, autoExtend },
      },
      deps.clock.now(),
    );
    await commitRelationships(deps, 'p1', rel.changes);
  }

  it('expires at endsAt and extends auto-extending grants, reading only what is due', async () => {
    const { deps, storage, drain, process, move } = world();
    await grantTo(deps, 'c1', 'P30D', false);
    await grantTo(deps, 'c2', 'P30D', true);
    await grantTo(deps, 'c3', 'P730D', false);
    // The due rows are recorded after the answer, by the worker of each commit's announcement.
    expect(await storage.ledger.dueGrants(addDays(start, 1000), 100)).toEqual([]);
    await drain();
    move(29);
    expect(await process()).toEqual({ due: 0, expired: 0, extended: 0 });
    move(30);
    expect(await process()).toEqual({ due: 2, expired: 1, extended: 1 });
    expect((await deps.store.relationship('p1', 'c1'))?.value).toMatchObject({ status: 'active', delegatedAdmin: { status: 'expired' } });
    expect((await deps.store.relationship('p1', 'c2'))?.value.delegatedAdmin).toMatchObject({
      status: 'granted',
      endsAt: '2027-09-27T00:00:00.000Z',
    });
    expect((await deps.ledger.customerRelationship('c1', 'p1'))?.delegatedAdmin.status).toBe('expired');
    // Run again: the due rows are gone, nothing more happens.
    expect(await process()).toEqual({ due: 0, expired: 0, extended: 0 });
    move(30 + 180);
    expect(await process()).toEqual({ due: 1, expired: 0, extended: 1 });
    // P730D from 1 March 2027 spans 29 February 2028, so it ends on 28 February 2029, not on 1 March.
    expect((await deps.store.relationship('p1', 'c3'))?.value.delegatedAdmin.endsAt).toBe('2029-02-28T00:00:00.000Z');
    move(729);
    expect((await process()).expired).toBe(0);
    move(730);
    expect(await process()).toMatchObject({ expired: 1 });
    // The due rows read were only those due: none is left for c1 (expired) and c3; c2 has its next one.
    expect((await storage.ledger.dueGrants(addDays(start, 3_000), 100)).map((d) => d.customerId)).toEqual(['c2']);
  });

  it("a customer step cut off after the partner commit is completed from the commit's announcement alone", async () => {
    const { deps, storage, move } = world();
    const ledger = Object.assign(Object.create(deps.ledger) as typeof deps.ledger, { mirror: () => Promise.reject(new Error('down')) });
    const failing = { ...deps, ledger };
    await grantTo(failing, 'c9', 'P30D', false);
    expect(await deps.ledger.customerRelationship('c9', 'p1')).toBeUndefined();
    // Not settled: the worker re-reads the relationship and writes the copy, its events, its due row
    // and the grant's first warning point (carried by the message).
    const [message, ...none] = storage.queue.take();
    expect(none).toEqual([]);
    expect(message?.settled).toBeUndefined();
    expect(await deps.warnings.due(deps.clock.now(), 10)).toEqual([]);
    await afterCommit(deps, message!);
    expect((await deps.warnings.due(deps.clock.now(), 10)).map((w) => [w.kind, w.subjectId, w.days])).toEqual([['grant', 'c9', 30]]);
    expect((await deps.ledger.customerRelationship('c9', 'p1'))?.delegatedAdmin.status).toBe('granted');
    expect((await deps.ledger.customerAuditEvents('c9', { pageSize: 10 })).items.map((e) => e.action)).toEqual([
      'relationship.established',
    ]);
    move(31);
    expect((await deps.ledger.dueGrants(deps.clock.now(), 10)).map((d) => d.customerId)).toEqual(['c9']);
    // Again (a message delivered twice): nothing changes.
    await afterCommit(deps, message!);
    expect((await deps.ledger.customerAuditEvents('c9', { pageSize: 10 })).items).toHaveLength(1);
  });
});
