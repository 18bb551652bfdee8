/**
 * Events and webhooks end to end: the service through the local runner on Azurite (tables and
 * queues), its queue trigger polled as `npm start` does, and loopback receivers that judge
 * every delivery with outside code (the official `standardwebhooks` verifier, the `cloudevents` SDK).
 */
import { CloudEvent } from 'cloudevents';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/domain/errors';
import { freePort } from '../../src/local/azurite';
import { wrapStore } from '../support/faults';
import { adminOf, call, customerAdmin, seedWorld, startWorld, type Service, type World } from '../support/harness';
import { eventually, Receiver, signedBy, verifySignature, type Received } from '../support/receiver';
import { accept, invite as inviteWith } from '../support/fixtures';
import type { CreateInvitationInput } from '../../src/client';

let svc: Service;
let w: World;
const rx = new Receiver();
const SCALE = 0.0001;

beforeAll(async () => {
  ({ svc, w } = await startWorld({ webhooks: { allowPrivateTargets: true, retryScale: SCALE } }, [], { queues: true }));
  await rx.start();
});
afterAll(async () => {
  await svc.close();
  await rx.close();
});

async function register(partner: { id: string }, path: string, events: string[] = ['*']): Promise<string> {
  const r = await call(svc, 'PUT', '/api/webhooks', { as: adminOf(partner), body: { url: `${rx.url}${path}`, events } });
  expect(r.status).toBe(201);
  return r.body.secret as string;
}

const invite = (partner: { id: string }, extra: Partial<CreateInvitationInput> = {}) =>
  inviteWith(svc, partner, { customer: { companyName: 'Contoso', email: 'it@contoso.example', domain: 'contoso.example' }, ...extra });

const deliveries = async (partner: { id: string }, status = 'all') =>
  (await call(svc, 'GET', `/api/webhooks/deliveries?status=${status}`, { as: adminOf(partner) })).body.items as any[];

const deliveryOf = async (partner: { id: string }, eventId: string) => (await deliveries(partner)).find((d) => d.eventId === eventId);

/** Judged by outside code: the official Standard Webhooks verifier and the CloudEvents SDK. */
function expectSigned(r: Received, secrets: string[]) {
  const ts = String(r.headers['webhook-timestamp']);
  expect(r.headers['content-type']).toBe('application/cloudevents+json');
  expect(r.eventError).toBeUndefined();
  expect(r.event).toBeInstanceOf(CloudEvent);
  expect(String(r.headers['webhook-id'])).toBe(r.event.id);
  expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(120);
  for (const s of secrets) expect(signedBy(r, s), `signed with ${s.slice(0, 10)}`).toBe(true);
  // A signature by any other key, or of another body, or too old, does not verify.
  expect(signedBy(r, `whsec_${Buffer.alloc(24, 7).toString('base64')}`)).toBe(false);
  expect(signedBy(r, secrets[0]!, `${r.body} `)).toBe(false);
  const sig = String(r.headers['webhook-signature']);
  expect(verifySignature(secrets[0]!, String(r.headers['webhook-id']), String(Number(ts) - 600), r.body, sig)).toBe(false);
}

describe('registration', () => {
  it('one per partner: the first PUT is 201 with the secret once; later PUTs, GET and the feed never show it', async () => {
    const p = (await seedWorld(svc.deps)).reseller;
    expect((await call(svc, 'GET', '/api/webhooks', { as: adminOf(p) })).status).toBe(404);
    const first = await call(svc, 'PUT', '/api/webhooks', {
      as: adminOf(p),
      body: { url: `${rx.url}/reg`, events: ['invitation.created'] },
    });
    expect(first.status).toBe(201);
    expect(first.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(first.body.secret.slice(6), 'base64')).toHaveLength(24);
    expect(first.body).toMatchObject({ url: `${rx.url}/reg`, events: ['invitation.created'], enabled: true });
    const again = await call(svc, 'PUT', '/api/webhooks', { as: adminOf(p), body: { url: `${rx.url}/reg2`, enabled: false } });
    expect(again.status).toBe(200);
    expect(again.body.secret).toBeUndefined();
    expect(again.body).toMatchObject({ url: `${rx.url}/reg2`, events: ['*'], enabled: false });
    const got = await call(svc, 'GET', '/api/webhooks', { as: adminOf(p) });
    expect(got.status).toBe(200);
    expect(got.text).not.toContain('whsec_');
    expect(got.body.url).toBe(`${rx.url}/reg2`);
    // Another partner sees none of it.
    expect((await call(svc, 'GET', '/api/webhooks', { as: adminOf(w.otherReseller) })).status).toBe(404);
    expect((await call(svc, 'DELETE', '/api/webhooks', { as: adminOf(p) })).status).toBe(204);
    expect((await call(svc, 'GET', '/api/webhooks', { as: adminOf(p) })).status).toBe(404);
    expect((await call(svc, 'DELETE', '/api/webhooks', { as: adminOf(p) })).status).toBe(404);
    expect((await call(svc, 'POST', '/api/webhooks/test', { as: adminOf(p) })).status).toBe(404);
    expect((await call(svc, 'POST', '/api/webhooks/rotate-secret', { as: adminOf(p) })).status).toBe(404);
  });

  it('refuses bad input with per-field errors, and needs a partner role', async () => {
    const p = (await seedWorld(svc.deps)).reseller;
    for (const body of [
      {},
      { url: 'not a url' },
      { url: 'ftp://x.example/' },
      { url: `${rx.url}/x`, events: ['nope'] },
      { url: `${rx.url}/x`, events: [] },
    ]) {
      const r = await call(svc, 'PUT', '/api/webhooks', { as: adminOf(p), body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await call(svc, 'PUT', '/api/webhooks', { body: { url: `${rx.url}/x` } })).status).toBe(401);
    expect((await call(svc, 'PUT', '/api/webhooks', { as: adminOf(p, ['Reader']), body: { url: `${rx.url}/x` } })).status).toBe(403);
    expect((await call(svc, 'GET', '/api/events?after=nope', { as: adminOf(p) })).status).toBe(400);
    expect((await call(svc, 'GET', '/api/webhooks/deliveries?status=nope', { as: adminOf(p) })).status).toBe(400);
  });
});

describe('cost on the request path', () => {
  it('a change adds one awaited queue send (and an unawaited release); a read adds nothing', async () => {
    const p = (await seedWorld(svc.deps)).reseller;
    const queueOps = () => svc.roundTrips.filter((op) => op.startsWith('queue.') && op !== 'queue.create');
    await invite(p); // warm
    const before = queueOps().length;
    const t0 = performance.now();
    const a = await invite(p);
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 200));
    expect(queueOps().slice(before).sort()).toEqual(['queue.release', 'queue.send']);
    const mid = queueOps().length;
    expect((await call(svc, 'GET', `/api/invitations/${a.id}`, { as: adminOf(p) })).status).toBe(200);
    expect((await call(svc, 'GET', '/api/invitations', { as: adminOf(p) })).status).toBe(200);
    expect(queueOps().length).toBe(mid);
    console.log(`[webhooks] createInvitation with its event: ${ms.toFixed(1)} ms`);
  });
});

describe('delivery', () => {
  it('every action yields exactly one event, signed, in order, to its own partner only; the feed has them in the same order', async () => {
    const world = await seedWorld(svc.deps);
    const secret = await register(world.reseller, '/all/reseller');
    const providerSecret = await register(world.provider, '/all/provider');
    await register(world.otherReseller, '/all/other');
    const c1 = customerAdmin();
    const c2 = customerAdmin();

    const a = await invite(world.reseller, { indirectProviderId: world.provider.id });
    await accept(svc, a, c1);
    const b = await invite(world.reseller);
    expect((await call(svc, 'DELETE', `/api/invitations/${b.id}`, { as: adminOf(world.reseller) })).status).toBe(200);
    const d = await invite(world.reseller);
    expect((await call(svc, 'POST', d.path, { as: c2, body: { decision: 'decline' } })).status).toBe(200);
    const removed = await call(svc, 'POST', `/api/relationships/${c1.tenantId}/remove`, {
      as: adminOf(world.reseller),
      body: { attestGoodFaith: true, reason: 'contract ended' },
    });
    expect(removed.status).toBe(200);

    const expected = [
      ['invitation.created', `invitations/${a.id}`],
      ['invitation.accepted', `invitations/${a.id}`],
      ['relationship.established', `relationships/${c1.tenantId}`],
      ['invitation.created', `invitations/${b.id}`],
      ['invitation.revoked', `invitations/${b.id}`],
      ['invitation.created', `invitations/${d.id}`],
      ['invitation.declined', `invitations/${d.id}`],
      ['relationship.removed', `relationships/${c1.tenantId}`],
    ];
    // The partners' own enrolment (partner.enrolled, committed before the registration) may or may not arrive.
    const unique = (path: string) => [
      ...new Map(
        rx
          .at(path)
          .filter((r) => !String(r.event.type).startsWith('partner.'))
          .map((r) => [r.event.id as string, r]),
      ).values(),
    ];
    await eventually(() => (unique('/all/reseller').length >= expected.length && unique('/all/provider').length >= 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1500)); // time for any duplicate or stray event to arrive

    const got = unique('/all/reseller').sort((x, y) => (x.event.id < y.event.id ? -1 : 1));
    expect(got.map((r) => [r.event.type, r.event.subject])).toEqual(expected);
    // Duplicates (at least once) carry the same webhook-id and the same body.
    for (const r of rx.at('/all/reseller').filter((x) => !String(x.event.type).startsWith('partner.')))
      expect(r.body).toBe(got.find((g) => g.event.id === r.event.id)!.body);
    for (const r of got) {
      expectSigned(r, [secret]);
      expect(r.event).toMatchObject({ specversion: '1.0', source: `/partners/${world.reseller.id}`, datacontenttype: 'application/json' });
      expect(Date.parse(r.event.time)).not.toBeNaN();
      expect(r.body).not.toContain('nonce');
    }
    // The data is the resource after the change.
    expect(got[1]!.event.data).toMatchObject({ id: a.id, status: 'accepted', customerId: c1.tenantId });
    expect(got[2]!.event.data).toMatchObject({ customerId: c1.tenantId, status: 'active', role: 'reseller' });
    expect(got[4]!.event.data).toMatchObject({ id: b.id, status: 'revoked' });
    expect(got[7]!.event.data).toMatchObject({ customerId: c1.tenantId, status: 'removed' });
    expect(got[7]!.event.data.rev).toBeUndefined();

    // The provider's own relationship change is an event of the provider, and of nobody else.
    const prov = unique('/all/provider');
    expect(prov.map((r) => [r.event.type, r.event.source])).toEqual([['relationship.established', `/partners/${world.provider.id}`]]);
    expect(prov[0]!.event.data).toMatchObject({ role: 'indirectProvider', resellerId: world.reseller.id, customerId: c1.tenantId });
    expectSigned(prov[0]!, [providerSecret]);
    expect(rx.at('/all/other').filter((r) => !String(r.event.type).startsWith('partner.'))).toEqual([]);
    for (const r of rx.at('/all/other')) expect(r.event.source).toBe(`/partners/${world.otherReseller.id}`);

    // The delivery log: each delivered once.
    const log = (await deliveries(world.reseller)).filter((x) => !String(x.type).startsWith('partner.'));
    expect(log.map((x) => x.eventId).sort()).toEqual(got.map((r) => r.event.id).sort());
    for (const x of log) expect(x).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 });

    // The feed: the same events in the same order (once settled), paged, and continued after a position.
    await new Promise((r) => setTimeout(r, 5200));
    const page1 = await call(svc, 'GET', '/api/events?pageSize=5', { as: adminOf(world.reseller) });
    expect(page1.status).toBe(200);
    const page2 = await call(svc, 'GET', `/api/events?pageSize=5&continuationToken=${encodeURIComponent(page1.body.continuationToken)}`, {
      as: adminOf(world.reseller),
    });
    const feed = [...page1.body.items, ...page2.body.items].filter((e: any) => !String(e.type).startsWith('partner.'));
    expect(page2.body.continuationToken).toBeUndefined();
    expect(feed.map((e: any) => e.id)).toEqual(got.map((r) => r.event.id));
    expect(feed[3]).toEqual(got[3]!.event);
    const after = await call(svc, 'GET', `/api/events?after=${got[5]!.event.id}`, { as: adminOf(world.reseller) });
    expect(after.body.items.map((e: any) => e.type)).toEqual(['invitation.declined', 'relationship.removed']);
    // Another partner's feed holds none of them.
    const other = await call(svc, 'GET', '/api/events', { as: adminOf(world.otherReseller) });
    expect(other.body.items.filter((e: any) => e.source !== `/partners/${world.otherReseller.id}`)).toEqual([]);
    expect(other.body.items.map((e: any) => e.type)).toEqual(['partner.enrolled']);
  });

  it('only the subscribed types are delivered (the test event always)', async () => {
    const world = await seedWorld(svc.deps);
    await register(world.reseller, '/subscribed', ['invitation.revoked']);
    const a = await invite(world.reseller);
    await call(svc, 'DELETE', `/api/invitations/${a.id}`, { as: adminOf(world.reseller) });
    const t = await call(svc, 'POST', '/api/webhooks/test', { as: adminOf(world.reseller) });
    await eventually(() => (rx.at('/subscribed').some((r) => r.event.id === t.body.eventId) ? true : undefined));
    await new Promise((r) => setTimeout(r, 800));
    expect(new Set(rx.at('/subscribed').map((r) => r.event.type))).toEqual(new Set(['invitation.revoked', 'test.created']));
  });

  it('a receiver answering 500 three times, then 200, gets the event on the 4th attempt; the log shows 4 attempts', async () => {
    const p = (await seedWorld(svc.deps)).reseller;
    const secret = await register(p, '/flaky', ['invitation.created']); // the test event only, here
    rx.on('/flaky', (n) => (n <= 3 ? { status: 500, body: 'x'.repeat(5000) } : { status: 200 }));
    const t = await call(svc, 'POST', '/api/webhooks/test', { as: adminOf(p) });
    expect(t.status).toBe(202);
    const eventId = t.body.eventId as string;
    const done = await eventually(async () => {
      const d = await deliveryOf(p, eventId);
      return d?.status === 'delivered' ? d : undefined;
    });
    expect(done).toMatchObject({ eventId, type: 'test.created', status: 'delivered', attempts: 4, lastStatusCode: 200 });
    expect(done.lastError).toBeUndefined();
    const hits = rx.at('/flaky');
    expect(hits).toHaveLength(4);
    for (const h of hits) {
      expect(h.headers['webhook-id']).toBe(eventId);
      expectSigned(h, [secret]);
    }
    expect(hits[0]!.event).toMatchObject({ type: 'test.created', source: `/partners/${p.id}` });
  });

  it('a receiver down for the whole schedule: failed after 9 attempts; redeliver then delivers it', async () => {
    const p = (await seedWorld(svc.deps)).reseller;
    const port = await freePort();
    const put = await call(svc, 'PUT', '/api/webhooks', {
      as: adminOf(p),
      body: { url: `http://127.0.0.1:${port}/down`, events: ['invitation.created'] },
    });
    const secret = put.body.secret as string;
    const t = await call(svc, 'POST', '/api/webhooks/test', { as: adminOf(p) });
    const eventId = t.body.eventId as string;
    const pending = await eventually(async () => {
      const d = await deliveryOf(p, eventId);
      // Between attempts (while one is under way, its claim has no next attempt time yet).
      return d?.status === 'pending' && d.lastError && d.nextAttemptAt ? d : undefined;
    });
    expect(pending.lastError).toBe('connection-refused');
    // The next attempt is scheduled from the round's start (it may be due already when the machine is busy).
    expect(Date.parse(pending.nextAttemptAt)).not.toBeNaN();
    const failed = await eventually(
      async () => {
        const d = await deliveryOf(p, eventId);
        return d?.status === 'failed' ? d : undefined;
      },
      40_000,
      'the delivery to fail',
    );
    expect(failed.attempts).toBe(9);
    expect(failed.nextAttemptAt).toBeUndefined();
    expect((await deliveries(p, 'failed')).map((d) => d.eventId)).toEqual([eventId]);
    expect(await deliveries(p, 'delivered')).toEqual([]);

    // The receiver is back: a redelivery is a new round.
    const back = await new Receiver().start(port);
    try {
      const r = await call(svc, 'POST', `/api/webhooks/deliveries/${eventId}/redeliver`, { as: adminOf(p) });
      expect(r.status).toBe(202);
      const done = await eventually(async () => {
        const d = await deliveryOf(p, eventId);
        return d?.status === 'delivered' ? d : undefined;
      });
      expect(done.attempts).toBe(10);
      expect(back.received).toHaveLength(1);
      expectSigned(back.received[0]!, [secret]);
    } finally {
      await back.close();
    }
  }, 60_000);

  it('redeliver: unknown or another partner’s event is 404', async () => {
    const world = await seedWorld(svc.deps);
    await register(world.reseller, '/iso-a');
    await register(world.otherReseller, '/iso-b');
    const t = await call(svc, 'POST', '/api/webhooks/test', { as: adminOf(world.reseller) });
    const cross = await call(svc, 'POST', `/api/webhooks/deliveries/${t.body.eventId}/redeliver`, { as: adminOf(world.otherReseller) });
    expect(cross.status).toBe(404);
    const unknown = `${t.body.eventId.slice(0, 20)}000000000000`;
    expect((await call(svc, 'POST', `/api/webhooks/deliveries/${unknown}/redeliver`, { as: adminOf(world.reseller) })).status).toBe(404);
    expect((await call(svc, 'POST', `/api/webhooks/deliveries/${randomUUID()}/redeliver`, { as: adminOf(world.reseller) })).status).toBe(
      404,
    );
  });

  it('a redirecting receiver is not followed: the attempt fails with its 3xx', async () => {
    const p = (await seedWorld(svc.deps)).reseller;
    await register(p, '/redirect');
    rx.on('/redirect', () => ({ status: 307, headers: { location: `${rx.url}/redirect-target` } }));
    const t = await call(svc, 'POST', '/api/webhooks/test', { as: adminOf(p) });
    const d = await eventually(async () => {
      const x = await deliveryOf(p, t.body.eventId);
      return x?.lastStatusCode ? x : undefined;
    });
    expect(d).toMatchObject({ status: 'pending', lastStatusCode: 307 });
    expect(d.lastError).toBe('http-307');
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.at('/redirect-target')).toEqual([]);
    await call(svc, 'DELETE', '/api/webhooks', { as: adminOf(p) });
  });

  it('keeps only a short excerpt of the answer', async () => {
    const p = (await seedWorld(svc.deps)).reseller;
    await register(p, '/big');
    rx.on('/big', () => ({ status: 200, body: 'y'.repeat(100_000) }));
    const t = await call(svc, 'POST', '/api/webhooks/test', { as: adminOf(p) });
    const d = await eventually(async () => {
      const x = await deliveryOf(p, t.body.eventId);
      return x?.status === 'delivered' ? x : undefined;
    });
    expect(d.lastResponse.length).toBeLessThanOrEqual(256);
  });

  it('rotation: the new secret signs at once, the old one alongside it for 24 h', async () => {
    const p = (await seedWorld(svc.deps)).reseller;
    const old = await register(p, '/rotate');
    const r = await call(svc, 'POST', '/api/webhooks/rotate-secret', { as: adminOf(p) });
    expect(r.status).toBe(200);
    const fresh = r.body.secret as string;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    const overlap = Date.parse(r.body.previousSecretExpiresAt) - Date.now();
    expect(overlap).toBeGreaterThan(23.9 * 3600_000);
    expect(overlap).toBeLessThanOrEqual(24 * 3600_000);
    expect((await call(svc, 'GET', '/api/webhooks', { as: adminOf(p) })).text).not.toContain('whsec_');
    const t = await call(svc, 'POST', '/api/webhooks/test', { as: adminOf(p) });
    const hit = await eventually(() => rx.at('/rotate').find((x) => x.event.id === t.body.eventId));
    expect(String(hit.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expectSigned(hit, [fresh, old]);
  });
});

describe('follow-up work without scans', () => {
  it("the provider's step of a combined acceptance cut off by an outage is completed from the event, without the customer's retry or a timer", async () => {
    const world = await seedWorld(svc.deps);
    const a = await invite(world.reseller, { indirectProviderId: world.provider.id });
    const ga = customerAdmin();
    const real = svc.deps.store;
    let failing = true;
    svc.deps.store = wrapStore(real, {
      commit: (partnerId, changes, follow) =>
        failing && partnerId === world.provider.id
          ? Promise.reject(new UnavailableError('simulated outage'))
          : real.commit(partnerId, changes, follow),
    });
    try {
      expect((await call(svc, 'POST', a.path, { as: ga, body: { decision: 'accept' } })).status).toBe(503);
    } finally {
      failing = false;
      svc.deps.store = real;
    }
    const rel = await eventually(
      async () => {
        const r = await call(svc, 'GET', `/api/relationships/${ga.tenantId}`, { as: adminOf(world.provider) });
        return r.status === 200 ? r.body : undefined;
      },
      45_000,
      "the provider's relationship",
    );
    expect(rel).toMatchObject({ status: 'active', role: 'indirectProvider', invitationId: a.id });
    const audit = await call(svc, 'GET', '/api/audit', { as: adminOf(world.provider) });
    expect(audit.body.items.map((e: any) => e.action).filter((a: string) => !a.startsWith('partner.'))).toEqual([
      'relationship.established',
    ]);
    // The customer's index holds both: the reseller's copy from the request, the provider's from the worker.
    const mine = await eventually(async () => {
      const r = await call(svc, 'GET', '/api/customer/relationships', { as: ga });
      return r.body.items?.length === 2 ? r.body.items : undefined;
    });
    expect(mine.map((r: any) => r.role).sort()).toEqual(['indirectProvider', 'reseller']);
  }, 60_000);
});
