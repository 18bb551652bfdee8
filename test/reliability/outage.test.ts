/**
 * Storage outages under load, with this file's OWN Azurite persisting to a temporary folder:
 *
 * 1. Azurite stops (the port refuses connections), then starts again on the same port and folder.
 * 2. Azurite freezes (SIGSTOP: connections are accepted and never answered), then thaws.
 * 3. Azurite comes back EMPTY (a fresh in-memory one on the same port: tables gone).
 *
 * Meanwhile workers keep creating, accepting, removing and reading through the local runner,
 * which is never restarted. Every call made while storage is away must be a 503 problem+json
 * with Retry-After within a bounded time; nothing else may be 5xx; acknowledged writes survive;
 * what was cut short is all or nothing (invariants read straight from storage); the customer's
 * retry of an interrupted acceptance completes it; the service recovers by itself.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner } from '../../src/domain/model';
import { enrolPartners } from '../../src/domain/operator';
import { freePort, startAzurite, type RunningAzurite } from '../../src/local/azurite';
import {
  adminOf,
  call,
  customerAdmin,
  seedWorld,
  startService,
  type CallResult,
  type Service,
  type Who,
  type World,
} from '../support/harness';
import { checkStorage, newFigures, problemShapeErrors, report, sleep } from './support';

let dir: string;
let port: number;
let azurite: RunningAzurite;
let svc: Service;
let w: World;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reliability-azurite-'));
  port = await freePort();
  azurite = await startAzurite({ port, location: dir });
  svc = await startService({ tables: { connectionString: azurite.connectionString } });
  w = await seedWorld(svc.deps);
}, 60_000);

afterAll(async () => {
  azurite?.process.kill('SIGCONT');
  await svc?.close();
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Sample {
  label: string;
  start: number;
  end: number;
  status: number;
  /** What is wrong with the answer's shape, if anything. */
  shape: string[];
}

const now = () => performance.now();

/** The workload: partner and customer operations, each remembering what storage acknowledged. */
class Load {
  samples: Sample[] = [];
  created: { id: string; path: string; combined: boolean }[] = [];
  /** Accepts answered 200: invitation -> tenant. */
  accepted = new Map<string, string>();
  /** Accepts answered 503: the customer will retry them once storage is back. */
  interrupted: { id: string; path: string; combined: boolean; ga: Who }[] = [];
  taken = new Set<string>();
  removable: { partner: Partner; customerId: string }[] = [];
  removed: { partner: Partner; customerId: string }[] = [];
  private running = false;
  private workers: Promise<void>[] = [];

  async timed(label: string, method: string, path: string, opts: Parameters<typeof call>[3] = {}): Promise<CallResult<any>> {
    const start = now();
    const r = await call(svc, method, path, opts);
    const end = now();
    const shape: string[] = [];
    if (r.status >= 500) {
      if (r.status !== 503) shape.push(`status ${r.status}`);
      if (r.headers.get('retry-after') === null) shape.push('no Retry-After');
      shape.push(...problemShapeErrors(r.status, r.headers.get('content-type'), r.body));
    }
    if (!r.headers.get('x-request-id')) shape.push('no x-request-id');
    this.samples.push({ label, start, end, status: r.status, shape });
    return r;
  }

  private pick<T>(xs: T[]): T | undefined {
    return xs.length ? xs[Math.floor(Math.random() * xs.length)] : undefined;
  }

  async step(): Promise<void> {
    const roll = Math.random();
    if (roll < 0.25) {
      const combined = Math.random() < 0.5;
      const r = await this.timed('create', 'POST', '/api/invitations', {
        as: adminOf(w.reseller),
        body: {
          customer: { companyName: `Outage ${randomUUID().slice(0, 8)}`, email: 'it@outage.example' },
          ...(combined ? { indirectProviderId: w.provider.id } : {}),
        },
      });
      if (r.status === 201) this.created.push({ id: r.body.id, path: new URL(r.body.url).pathname, combined });
    } else if (roll < 0.5) {
      // Each invitation is answered by one customer only (another tenant would rightly get 409).
      const inv = this.pick(this.created.filter((c) => !this.taken.has(c.id)));
      if (!inv) return;
      this.taken.add(inv.id);
      const ga = customerAdmin();
      const r = await this.timed('accept', 'POST', inv.path, { as: ga, body: { decision: 'accept' } });
      if (r.status === 200) {
        this.accepted.set(inv.id, ga.tenantId);
        this.removable.push({ partner: w.reseller, customerId: ga.tenantId });
        if (inv.combined) this.removable.push({ partner: w.provider, customerId: ga.tenantId });
      } else if (r.status === 503) this.interrupted.push({ ...inv, ga });
    } else if (roll < 0.6) {
      const target = this.pick(this.removable);
      if (!target) return;
      const r = await this.timed('remove', 'POST', `/api/relationships/${target.customerId}/remove`, {
        as: adminOf(target.partner),
        body: { attestGoodFaith: true },
      });
      if (r.status === 200) {
        this.removable = this.removable.filter((x) => x !== target);
        this.removed.push(target);
      }
    } else {
      const reads: [string, string, Who | undefined][] = [
        ['list', '/api/relationships?status=all&pageSize=50', adminOf(w.reseller)],
        ['list-provider', '/api/relationships?pageSize=50', adminOf(w.provider)],
        ['invitations', '/api/invitations?pageSize=20', adminOf(w.reseller)],
        ['audit', '/api/audit?pageSize=20', adminOf(w.reseller)],
        ['health', '/api/health', undefined],
        ['page', this.pick(this.created)?.path ?? '/api/health', undefined],
      ];
      const [label, path, as] = this.pick(reads)!;
      await this.timed(label, 'GET', path, as ? { as } : {});
    }
  }

  start(workers: number): void {
    this.running = true;
    this.workers = Array.from({ length: workers }, async () => {
      while (this.running) {
        await this.step();
        await sleep(5);
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** Samples that started at or after `from` and ended at or before `to`. */
  within(from: number, to: number): Sample[] {
    return this.samples.filter((s) => s.start >= from && s.end <= to);
  }
}

interface ProbeSet {
  label: string;
  acceptJson: { id: string; path: string; combined: boolean };
  acceptForm: { id: string; path: string; combined: boolean };
  other: { id: string; path: string };
  customer: string;
}

/** Invitations for one burst of probes, made while storage is still there. */
async function prepareProbes(load: Load, label: string): Promise<ProbeSet> {
  const fresh = async () => {
    const r = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { companyName: 'Probe', email: 'p@probe.example' }, indirectProviderId: w.provider.id },
    });
    expect(r.status).toBe(201);
    return { id: r.body.id as string, path: new URL(r.body.url as string).pathname, combined: true };
  };
  const [acceptJson, acceptForm, other] = await Promise.all([fresh(), fresh(), fresh()]);
  return { label, acceptJson, acceptForm, other, customer: load.removable[0]?.customerId ?? randomUUID() };
}

/**
 * One call of every kind that needs storage, all at once (the workers keep going meanwhile).
 * While storage is away each must answer 503; an interrupted acceptance is retried later.
 */
async function fireProbes(load: Load, p: ProbeSet): Promise<Sample[]> {
  const before = load.samples.length;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const t = (name: string, method: string, path: string, opts: Parameters<typeof call>[3] = {}) =>
    load.timed(`${p.label}:${name}`, method, path, opts);
  const accept = async (inv: ProbeSet['acceptJson'], asForm: boolean) => {
    const ga = customerAdmin();
    const r = await t(
      asForm ? 'accept-form' : 'accept-json',
      'POST',
      inv.path,
      asForm ? { as: ga, rawBody: 'decision=accept', headers: form } : { as: ga, body: { decision: 'accept' } },
    );
    if (r.status === 503) load.interrupted.push({ ...inv, ga });
  };
  await Promise.all([
    t('create', 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { companyName: 'Probe', email: 'p@probe.example' } },
    }),
    t('list-invitations', 'GET', '/api/invitations?status=pending', { as: adminOf(w.reseller) }),
    t('get-invitation', 'GET', `/api/invitations/${p.other.id}`, { as: adminOf(w.reseller) }),
    t('send', 'POST', `/api/invitations/${p.other.id}/send`, { as: adminOf(w.reseller) }),
    // Its outcome is unknown to the caller (a frozen storage may apply it once it thaws): either is fine.
    t('revoke', 'DELETE', `/api/invitations/${p.other.id}`, { as: adminOf(w.reseller) }),
    t('page', 'GET', p.other.path, { as: customerAdmin() }),
    accept(p.acceptJson, false),
    accept(p.acceptForm, true),
    t('list', 'GET', '/api/relationships?status=all&q=out', { as: adminOf(w.reseller) }),
    t('get', 'GET', `/api/relationships/${p.customer}`, { as: adminOf(w.reseller) }),
    t('remove', 'POST', `/api/relationships/${randomUUID()}/remove`, { as: adminOf(w.reseller), body: { attestGoodFaith: true } }),
    t('audit', 'GET', `/api/audit?customerId=${p.customer}`, { as: adminOf(w.provider) }),
    t('health', 'GET', '/api/health'),
  ]);
  return load.samples.slice(before).filter((s) => s.label.startsWith(`${p.label}:`));
}

async function waitForHealth(): Promise<number> {
  const t0 = now();
  for (;;) {
    const r = await call(svc, 'GET', '/api/health');
    if (r.status === 200) return now() - t0;
    if (now() - t0 > 30_000) throw new Error('the service did not recover within 30 s');
    await sleep(50);
  }
}

describe('storage outages under load', () => {
  it('stop and freeze: 503 with Retry-After while away, nothing lost or half-written, recovers by itself', async () => {
    // A relationship that exists before everything and must come out unchanged.
    const sentinelInv = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(w.reseller),
      body: { customer: { companyName: 'Sentinel SA', email: 's@sentinel.example' }, indirectProviderId: w.provider.id },
    });
    const sentinel = customerAdmin();
    expect((await call(svc, 'POST', new URL(sentinelInv.body.url).pathname, { as: sentinel, body: {} })).status).toBe(200);
    const before = (await call(svc, 'GET', `/api/relationships/${sentinel.tenantId}`, { as: adminOf(w.reseller) })).body;

    const load = new Load();
    load.start(6);
    await sleep(1500);

    // ---- outage 1: Azurite stops; the port refuses connections.
    const stopProbes = await prepareProbes(load, 'stopped');
    await azurite.stop();
    const down = now();
    const probedStopped = await fireProbes(load, stopProbes);
    await sleep(2500);
    const restarting = now();
    azurite = await startAzurite({ port, location: dir });
    const up = now();
    const recoveryAfterRestartMs = await waitForHealth();
    await sleep(2000);

    // ---- outage 2: Azurite freezes; connections open and nothing answers.
    const freezeProbes = await prepareProbes(load, 'frozen');
    azurite.process.kill('SIGSTOP');
    const frozen = now();
    const probedFrozen = await fireProbes(load, freezeProbes);
    await sleep(Math.max(0, 4500 - (now() - frozen)));
    azurite.process.kill('SIGCONT');
    const thawed = now();
    const recoveryAfterThawMs = await waitForHealth();
    await sleep(2000);
    await load.stop();

    const samples = load.samples;
    // Nothing but 503 among the 5xx, and every 503 is a proper problem with Retry-After.
    expect(samples.filter((s) => s.shape.length).map((s) => `${s.label} ${s.status} ${s.shape.join('; ')}`)).toEqual([]);
    // While storage was stopped or frozen, every call that needs it answered 503.
    const whileStopped = load.within(down, restarting);
    const whileFrozen = load.within(frozen, thawed);
    expect(whileStopped.length).toBeGreaterThan(10);
    expect(probedStopped.map((s) => `${s.label} ${s.status}`)).toEqual(probedStopped.map((s) => `${s.label} 503`));
    expect(probedFrozen.map((s) => `${s.label} ${s.status}`)).toEqual(probedFrozen.map((s) => `${s.label} 503`));
    expect(probedFrozen.every((s) => s.end <= thawed)).toBe(true);
    expect(whileStopped.filter((s) => s.status !== 503).map((s) => `${s.label} ${s.status}`)).toEqual([]);
    expect(whileFrozen.filter((s) => s.status !== 503).map((s) => `${s.label} ${s.status}`)).toEqual([]);
    // Bounded: the SDK's retries and per-try timeout cap how long a request can wait on storage
    // (3 to 5 s here; this file runs in the suite's serial pass).
    const unavailable = samples.filter((s) => s.status === 503);
    const max503 = Math.max(...unavailable.map((s) => s.end - s.start));
    expect(max503).toBeLessThan(10_000);
    // Recovered by itself: once storage is back, nothing is refused.
    const settled = samples.filter((s) => (s.start >= up + 1000 && s.end <= frozen) || s.start >= thawed + 1000);
    expect(settled.length).toBeGreaterThan(20);
    expect(settled.filter((s) => s.status >= 500).map((s) => `${s.label} ${s.status}`)).toEqual([]);

    // ---- the customers retry the acceptances that were interrupted: each completes (all or nothing).
    for (const i of load.interrupted) {
      const r = await call(svc, 'POST', i.path, { as: i.ga, body: { decision: 'accept' } });
      expect(r.status, r.text).toBe(200);
      expect(r.body.relationships).toHaveLength(i.combined ? 2 : 1);
      load.accepted.set(i.id, i.ga.tenantId);
    }

    // ---- nothing acknowledged was lost.
    for (const c of load.created) {
      const r = await call(svc, 'GET', `/api/invitations/${c.id}`, { as: adminOf(w.reseller) });
      expect(r.status).toBe(200);
      const tenant = load.accepted.get(c.id);
      if (tenant) {
        expect(r.body).toMatchObject({ status: 'accepted', customerId: tenant });
        // No acceptance is left with its provider step undone.
        expect((await svc.deps.store.invitation(w.reseller.id, c.id))?.value.providerStep ?? 'done').toBe('done');
      }
    }
    for (const rm of load.removed) {
      const audit = await call(svc, 'GET', `/api/audit?customerId=${rm.customerId}`, { as: adminOf(rm.partner) });
      expect(audit.body.items.some((e: any) => e.action === 'relationship.removed')).toBe(true);
    }
    const after = (await call(svc, 'GET', `/api/relationships/${sentinel.tenantId}`, { as: adminOf(w.reseller) })).body;
    expect(after).toEqual(before);
    const figures = newFigures();
    expect(await checkStorage(svc.rows, [w.reseller.id, w.provider.id], figures)).toEqual([]);

    const statuses = new Map<number, number>();
    for (const s of samples) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
    report('outage', {
      outages: 2,
      requests: samples.length,
      statuses: [...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([k, v]) => `${k}x${v}`)
        .join(','),
      whileStopped: whileStopped.length + probedStopped.length,
      whileFrozen: whileFrozen.length + probedFrozen.length,
      max503Ms: Math.round(max503),
      recoveryAfterRestartMs: Math.round(recoveryAfterRestartMs),
      recoveryAfterThawMs: Math.round(recoveryAfterThawMs),
      ackedInvitations: load.created.length,
      ackedAccepts: load.accepted.size - load.interrupted.length,
      retriedAccepts: load.interrupted.length,
      ackedRemovals: load.removed.length,
      rowsChecked: figures.rows,
    });
  }, 60_000);

  it('storage that comes back empty (tables gone): 503 at worst, then the service re-creates its tables by itself', async () => {
    await azurite.stop();
    azurite = await startAzurite({ port }); // in memory: nothing of the old data
    const samples: CallResult<any>[] = [];
    const t0 = now();
    // Partner routes: the directory is gone too, so at best 403 (not enrolled), never 500.
    for (let i = 0; i < 3; i++) samples.push(await call(svc, 'GET', '/api/relationships', { as: adminOf(w.reseller) }));
    const reseller: Partner = { ...w.reseller, id: randomUUID() };
    const provider: Partner = { ...w.provider, id: randomUUID() };
    reseller.indirectProviderIds = [provider.id];
    // The operator seeds the directory again (through the same running service's store).
    for (let attempt = 0; ; attempt++) {
      try {
        await enrolPartners(svc.deps, [reseller, provider]);
        break;
      } catch (err) {
        if (attempt > 3) throw err;
        await sleep(100);
      }
    }
    for (let i = 0; i < 3; i++)
      samples.push(
        await call(svc, 'POST', '/api/invitations', {
          as: adminOf(reseller),
          body: { customer: { companyName: 'Fresh Start', email: 'a@fresh.example' }, indirectProviderId: provider.id },
        }),
      );
    for (let i = 0; i < 3; i++) samples.push(await call(svc, 'GET', '/api/invitations', { as: adminOf(reseller) }));
    const statuses = samples.map((s) => s.status);
    expect(
      statuses.filter((s) => s >= 500 && s !== 503),
      statuses.join(),
    ).toEqual([]);
    // Within a retry or two it works again, without restarting the runner.
    expect(statuses.slice(-3)).toEqual([200, 200, 200]);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(2);
    const inv = samples.find((s) => s.status === 201)!;
    expect((await call(svc, 'POST', new URL(inv.body.url).pathname, { as: customerAdmin(), body: {} })).status).toBe(200);
    expect(await checkStorage(svc.rows, [reseller.id, provider.id])).toEqual([]);
    report('outage-empty', { statuses: statuses.join(','), ms: Math.round(now() - t0) });
  }, 30_000);
});
