/**
 * Characters a user's text may hold (src/domain/text.ts). Single-line fields refuse control
 * characters, line and paragraph separators, bidirectional controls and zero-width characters
 * with a 400 naming the field (U+2028/U+2029 used to reach Azurite, whose batch parser failed on
 * them: a false 503). Email bodies keep their line breaks. A principal's display name is cleaned,
 * not refused; an object ID with such characters is refused.
 */
import { TableClient } from '@azure/data-tables';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SeedFileSchema } from '../../src/api/schemas';
import { tableName } from '../../src/storage/tableRows';
import type { FakeAcs } from '../support/fakeAcs';
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

/** Every character class single-line fields refuse, by name. */
const REFUSED: Record<string, string> = {
  'U+2028 line separator': '\u2028',
  'U+2029 paragraph separator': '\u2029',
  'U+0085 next line': '\u0085',
  'U+0000': '\u0000',
  'U+0009 tab': '\t',
  'U+000A line feed': '\n',
  'U+000D carriage return': '\r',
  'U+001F': '\u001f',
  'U+007F delete': '\u007f',
  'U+0080': '\u0080',
  'U+009F': '\u009f',
  'U+202A LRE': '\u202a',
  'U+202B RLE': '\u202b',
  'U+202C PDF': '\u202c',
  'U+202D LRO': '\u202d',
  'U+202E RLO': '\u202e',
  'U+2066 LRI': '\u2066',
  'U+2067 RLI': '\u2067',
  'U+2068 FSI': '\u2068',
  'U+2069 PDI': '\u2069',
  'U+200E LRM': '\u200e',
  'U+200F RLM': '\u200f',
  'U+061C ALM': '\u061c',
  'U+200B zero-width space': '\u200b',
  'U+200C zero-width non-joiner': '\u200c',
  'U+200D zero-width joiner': '\u200d',
  'U+2060 word joiner': '\u2060',
  'U+FEFF byte order mark': '\ufeff',
  'U+D800 lone surrogate': '\ud800',
  'U+DC00 lone surrogate': '\udc00',
};
const codeOf = (label: string) => label.slice(0, 6);

/** Names real people and companies have: accents, other scripts, symbols, emoji, no-break spaces. */
const ACCEPTED = [
  'Álvarez & Niño S.L.',
  'Müller GmbH',
  '株式会社コントソ',
  'شركة كونتوسو',
  'חברת קונטוסו',
  'Contoso 🚀 Ltd',
  'Contoso\u00a0Ltd',
  '"Contoso" <Ltd>',
];

const createBody = (companyName: string) => ({ customer: { companyName, email: 'it@contoso.example' } });

async function invite(who = adminOf(w.reseller)) {
  const r = await call(svc, 'POST', '/api/invitations', { as: who, body: createBody('Contoso') });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; url: string; draft: { text: string; html: string }; createdBy: { name: string } };
}

/** Every row of this service's data table, as one string. */
async function dataRows(): Promise<string> {
  const client = TableClient.fromConnectionString(process.env.TABLES_CONNECTION_STRING!, tableName(svc.deps.config.tablePrefix, 'data'), {
    allowInsecureConnection: true,
  });
  const rows: unknown[] = [];
  for await (const e of client.listEntities()) rows.push(e);
  return JSON.stringify(rows);
}

describe('single-line fields', () => {
  it('the company name: 400 naming customer.companyName and the character, for every refused character, and nothing written', async () => {
    const before = (await call(svc, 'GET', '/api/invitations?pageSize=500', { as: adminOf(w.reseller) })).body.items.length;
    for (const [label, c] of Object.entries(REFUSED)) {
      const r = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: createBody(`Con${c}toso`) });
      expect(r.status, label).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.body.type).toMatch(/validation-failed$/);
      expect(Object.keys(r.body.errors), label).toEqual(['customer.companyName']);
      expect(r.body.errors['customer.companyName'].join(' '), label).toContain(codeOf(label));
    }
    const after = (await call(svc, 'GET', '/api/invitations?pageSize=500', { as: adminOf(w.reseller) })).body.items.length;
    expect(after).toBe(before);
  });

  it('names every offending character once, and a separator at either end is trimmed like a space', async () => {
    const r = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: createBody('A\u2028B\u2028C\u202eD') });
    expect(r.body.errors['customer.companyName']).toEqual([
      'must not contain line breaks, control, bidirectional or zero-width characters (found U+2028, U+202E)',
    ]);
    const trimmed = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: createBody('\u2028 Contoso \u2029') });
    expect(trimmed.status, trimmed.text).toBe(201);
    expect(trimmed.body.customer.companyName).toBe('Contoso');
  });

  it('real names in any script are kept exactly, through storage and back', async () => {
    for (const name of ACCEPTED) {
      const r = await call(svc, 'POST', '/api/invitations', { as: adminOf(w.reseller), body: createBody(name) });
      expect(r.status, name).toBe(201);
      const got = await call(svc, 'GET', `/api/invitations/${r.body.id}`, { as: adminOf(w.reseller) });
      expect(got.body.customer.companyName).toBe(name);
    }
  });

  it('the subject of a send: 400 naming subject, and nothing sent', async () => {
    const inv = await invite();
    for (const [label, c] of Object.entries(REFUSED)) {
      const r = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, {
        as: adminOf(w.reseller),
        body: { subject: `Our${c}invitation` },
      });
      expect(r.status, label).toBe(400);
      expect(Object.keys(r.body.errors), label).toEqual(['subject']);
    }
    expect(acs.sends).toHaveLength(0);
  });

  it('the removal reason: 400 naming reason, and the relationship stays', async () => {
    const inv = await invite();
    const tenant = randomUUID();
    expect((await call(svc, 'POST', new URL(inv.url).pathname, { as: customerAdmin(tenant), body: {} })).status).toBe(200);
    for (const [label, c] of Object.entries(REFUSED)) {
      const r = await call(svc, 'POST', `/api/relationships/${tenant}/remove`, {
        as: adminOf(w.reseller),
        body: { attestGoodFaith: true, reason: `Contract${c}ended` },
      });
      expect(r.status, label).toBe(400);
      expect(Object.keys(r.body.errors), label).toEqual(['reason']);
    }
    expect((await call(svc, 'GET', `/api/relationships/${tenant}`, { as: adminOf(w.reseller) })).body.status).toBe('active');
    const ok = await call(svc, 'POST', `/api/relationships/${tenant}/remove`, {
      as: adminOf(w.reseller),
      body: { attestGoodFaith: true, reason: 'Contrato finalizado — 2026' },
    });
    expect(ok.status, ok.text).toBe(200);
  });

  it('the search term q: 400 naming q', async () => {
    for (const [label, c] of Object.entries(REFUSED)) {
      // A lone surrogate cannot be percent-encoded as UTF-8; its UTF-8-like bytes decode to U+FFFD, which is fine.
      if (label.includes('surrogate')) continue;
      const r = await call(svc, 'GET', `/api/relationships?q=${encodeURIComponent(`Con${c}toso`)}`, { as: adminOf(w.reseller) });
      expect(r.status, label).toBe(400);
      expect(Object.keys(r.body.errors), label).toEqual(['q']);
    }
    expect((await call(svc, 'GET', `/api/relationships?q=${encodeURIComponent('Álvarez 株式')}`, { as: adminOf(w.reseller) })).status).toBe(
      200,
    );
  });

  it('partner names in a seed file: refused, naming the entry', () => {
    for (const [label, c] of Object.entries(REFUSED)) {
      const parsed = SeedFileSchema.safeParse({ partners: [{ id: randomUUID(), name: `North${c}wind`, kind: 'indirectProvider' }] });
      expect(parsed.success, label).toBe(false);
      expect(
        parsed.error?.issues.map((i) => i.path.join('.')),
        label,
      ).toEqual(['partners.0.name']);
    }
    expect(
      SeedFileSchema.safeParse({ partners: [{ id: randomUUID(), name: 'Northwind Distribución', kind: 'indirectProvider' }] }).success,
    ).toBe(true);
  });
});

describe('email bodies (multi-line)', () => {
  it('keep line breaks, tabs, separators, bidi marks and joiners, exactly as sent, and are not stored', async () => {
    const inv = await invite();
    const marker = `marker-${randomUUID()}`;
    const text = `Hola,\r\n\tpor favor acepte:\n${inv.url}\n\u2028${marker}\u2029 \u200f\u05e9\u05dc\u05d5\u05dd\u200f 👩\u200d💻 \u200cم\u200cی`;
    const html = `<p>Hola,</p>\n<p>\t<a href="${inv.url}">${inv.url}</a></p>\u2028<p>${marker} \u200f\u05e9\u05dc\u05d5\u05dd</p>`;
    const r = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, { as: adminOf(w.reseller), body: { text, html } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.email.status).toBe('sent');
    expect(acs.sends).toHaveLength(1);
    expect(acs.sends[0]!.body.content).toMatchObject({ plainText: text, html });
    // Storage never sees a body: only the operation, its status and the audit event.
    expect(await dataRows()).not.toContain(marker);
  });

  it('refuse other control characters, U+0085 and bidi overrides and isolates, naming the field, and send nothing', async () => {
    const inv = await invite();
    const refused = [
      '\u0000',
      '\u0007',
      '\u000b',
      '\u000c',
      '\u001b',
      '\u007f',
      '\u0085',
      '\u009b',
      '\u202a',
      '\u202e',
      '\u2066',
      '\u2069',
      '\ud800',
    ];
    for (const c of refused) {
      const code = `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      const text = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, {
        as: adminOf(w.reseller),
        body: { text: `${inv.url} ${c}` },
      });
      expect(text.status, code).toBe(400);
      expect(Object.keys(text.body.errors), code).toEqual(['text']);
      expect(text.body.errors.text.join(' ')).toContain(code);
      const html = await call(svc, 'POST', `/api/invitations/${inv.id}/send`, {
        as: adminOf(w.reseller),
        body: { html: `<a href="${inv.url}">${c}${inv.url}</a>` },
      });
      expect(html.status, code).toBe(400);
      expect(Object.keys(html.body.errors), code).toEqual(['html']);
    }
    expect(acs.sends).toHaveLength(0);
  });
});

describe("the principal's name", () => {
  it('is cleaned, not refused: separators and controls become spaces, invisible characters go; stored and shown cleaned', async () => {
    const cases: [string, string][] = [
      ['Ana\u2028López', 'Ana López'],
      ['Ana\u2029López', 'Ana López'],
      ['Ana\u0085López', 'Ana López'],
      ['Ana\r\n\tLópez', 'Ana López'],
      ['Ana\u0000López', 'Ana López'],
      ['Ana \u202eLópez\u202c', 'Ana López'],
      ['\u2066Ana\u2069 \u200fLópez\u200e', 'Ana López'],
      ['Ana\u200b\u200d\u2060\ufeffLópez', 'AnaLópez'],
      ['Ana \ud800López', 'Ana López'],
      ['👩\u200d💻 Ana', '👩💻 Ana'],
    ];
    for (const [given, shown] of cases) {
      const as = { ...adminOf(w.reseller), name: given, userId: `u-${randomUUID()}` };
      const inv = await invite(as);
      expect(inv.createdBy.name, JSON.stringify(given)).toBe(shown);
      const got = await call(svc, 'GET', `/api/invitations/${inv.id}`, { as: adminOf(w.reseller) });
      expect(got.body.createdBy.name).toBe(shown);
      const audit = await call(svc, 'GET', '/api/audit?pageSize=50', { as: adminOf(w.reseller) });
      expect(audit.body.items.find((e: { invitationId?: string }) => e.invitationId === inv.id).actor.name).toBe(shown);
    }
    // The customer's admin too: on the accept page and in the acceptance it records.
    const inv = await invite();
    const ga = { ...customerAdmin(), name: 'Gloria\u2028Admin\u202e' };
    const page = await call(svc, 'GET', new URL(inv.url).pathname, { as: ga });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Gloria Admin');
    expect(page.text).not.toMatch(/[\u2028\u202e]/);
    const accepted = await call(svc, 'POST', new URL(inv.url).pathname, { as: ga, body: {} });
    expect(accepted.status, accepted.text).toBe(200);
    const after = await call(svc, 'GET', `/api/invitations/${inv.id}`, { as: adminOf(w.reseller) });
    expect(after.body.acceptedBy.name).toBe('Gloria Admin');
  });

  it('made only of invisible characters (or empty, or only spaces) falls back to the object ID', async () => {
    for (const name of ['\u200b\u202e\u2066', '', '  \u2028  ']) {
      const userId = `u-${randomUUID()}`;
      const inv = await invite({ ...adminOf(w.reseller), name, userId });
      expect(inv.createdBy.name, JSON.stringify(name)).toBe(userId);
    }
  });

  it('is cut at 256 whole characters, never half an emoji', async () => {
    const inv = await invite({ ...adminOf(w.reseller), name: `${'a'.repeat(255)}🚀🚀` });
    expect(inv.createdBy.name).toBe(`${'a'.repeat(255)}🚀`);
  });

  it('an object ID with such characters is refused (401): an identifier is not cleaned', async () => {
    for (const [label, c] of Object.entries(REFUSED)) {
      const r = await call(svc, 'POST', '/api/invitations', {
        as: { ...adminOf(w.reseller), userId: `user${c}1` },
        body: createBody('Contoso'),
      });
      expect(r.status, label).toBe(401);
      expect(r.body.type).toMatch(/unauthenticated$/);
    }
  });
});
