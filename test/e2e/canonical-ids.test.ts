/**
 * One spelling per thing: a link token is accepted only in the encoding the service issued
 * (base64url leaves 4 bits of its 86th character unused), and an invitation ID in a route is
 * case-insensitive like a customer ID (both are UUIDs).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FakeAcs } from '../support/fakeAcs';
import { invite as inviteWith } from '../support/fixtures';
import { adminOf, call, customerAdmin, startWorldWithEmail, type Service, type World } from '../support/harness';

let svc: Service;
let w: World;
let acs: FakeAcs;

let close: () => Promise<void>;

beforeAll(async () => {
  ({ svc, w, acs, close } = await startWorldWithEmail());
});
afterAll(() => close());
beforeEach(() => acs.reset());

const invite = (partner = w.reseller) => inviteWith(svc, partner);

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The 15 other spellings that decode to the token's 64 bytes: its last character's low 4 bits changed. */
function otherSpellings(token: string): string[] {
  const last = ALPHABET.indexOf(token.at(-1)!);
  const spellings = Array.from({ length: 16 }, (_, low) => token.slice(0, -1) + ALPHABET[(last & 0b110000) | low]!);
  return spellings.filter((s) => s !== token);
}

describe('link tokens', () => {
  it('are a link only in their canonical encoding: the 15 other spellings of the same bytes are 410 on GET and POST', async () => {
    const inv = await invite();
    const token = inv.token;
    const others = otherSpellings(token);
    expect(others).toHaveLength(15);
    // They really are the same bytes: only the spelling differs.
    for (const t of others) expect(Buffer.from(t, 'base64url').equals(Buffer.from(token, 'base64url'))).toBe(true);

    const ga = customerAdmin();
    for (const t of others) {
      const page = await call(svc, 'GET', `/api/accept/${t}`);
      expect(page.status, t).toBe(410);
      expect(page.text).not.toContain('<form');
      const json = await call(svc, 'POST', `/api/accept/${t}`, { as: ga, body: { decision: 'accept' } });
      expect(json.status, t).toBe(410);
      expect(json.body.type).toMatch(/invitation-link-invalid$/);
      const form = await call(svc, 'POST', `/api/accept/${t}`, {
        as: ga,
        rawBody: 'decision=decline',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status, t).toBe(410);
    }
    // None of the 45 posts touched the invitation; the issued link still works.
    const after = await call(svc, 'GET', `/api/invitations/${inv.id}`, { as: adminOf(w.reseller) });
    expect(after.body.status).toBe('pending');
    expect((await call(svc, 'GET', `/api/accept/${token}`)).status).toBe(200);
    const accepted = await call(svc, 'POST', `/api/accept/${token}`, { as: ga, body: { decision: 'accept' } });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.status).toBe('accepted');
  });
});

describe('invitation IDs in routes', () => {
  it('are case-insensitive like customer IDs: GET, send and DELETE with an upper-case or mixed-case ID', async () => {
    const inv = await invite();
    const upper = inv.id.toUpperCase();
    const mixed = [...inv.id].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');
    expect(upper).not.toBe(inv.id);

    const got = await call(svc, 'GET', `/api/invitations/${upper}`, { as: adminOf(w.reseller) });
    expect(got.status, got.text).toBe(200);
    expect(got.body.id).toBe(inv.id);
    expect(got.body.url).toBe(inv.url);

    const sent = await call(svc, 'POST', `/api/invitations/${mixed}/send`, { as: adminOf(w.reseller) });
    expect(sent.status, sent.text).toBe(200);
    expect(sent.body).toMatchObject({ id: inv.id, email: { status: 'sent' } });
    expect(acs.sends).toHaveLength(1);
    // Sending again through the lower-case ID is the same send (same invitation, same draft).
    expect((await call(svc, 'POST', `/api/invitations/${inv.id}/send`, { as: adminOf(w.reseller) })).status).toBe(200);
    expect(acs.sends).toHaveLength(1);

    const revoked = await call(svc, 'DELETE', `/api/invitations/${upper}`, { as: adminOf(w.reseller) });
    expect(revoked.status, revoked.text).toBe(200);
    expect(revoked.body).toMatchObject({ id: inv.id, status: 'revoked' });
    expect((await call(svc, 'GET', `/api/invitations/${inv.id}`, { as: adminOf(w.reseller) })).body.status).toBe('revoked');

    const audit = await call(svc, 'GET', '/api/audit?pageSize=500', { as: adminOf(w.reseller) });
    const events = audit.body.items.filter((e: { invitationId?: string }) => e.invitationId?.toLowerCase() === inv.id);
    expect(events.map((e: { action: string; invitationId: string }) => [e.action, e.invitationId])).toEqual([
      ['invitation.revoked', inv.id],
      ['invitation.sent', inv.id],
      ['invitation.created', inv.id],
    ]);
  });

  it('still isolate partners and refuse what is not an ID', async () => {
    const inv = await invite();
    const upper = inv.id.toUpperCase();
    for (const [method, path] of [
      ['GET', `/api/invitations/${upper}`],
      ['POST', `/api/invitations/${upper}/send`],
      ['DELETE', `/api/invitations/${upper}`],
    ] as const) {
      const r = await call(svc, method, path, { as: adminOf(w.otherReseller) });
      expect(r.status, `${method} ${path}`).toBe(404);
    }
    expect(acs.sends).toHaveLength(0);
    for (const bad of [`${upper.slice(0, -1)}G`, `${upper}0`, upper.slice(1), encodeURIComponent(`${upper.slice(0, -1)}\u212a`)]) {
      expect((await call(svc, 'GET', `/api/invitations/${bad}`, { as: adminOf(w.reseller) })).status, bad).toBe(404);
    }
    expect((await call(svc, 'GET', `/api/invitations/${inv.id}`, { as: adminOf(w.reseller) })).body.status).toBe('pending');
  });
});
