/**
 * Bulk invitations through HTTP (issue 26): CSV as people have it (Excel's BOM and semicolons,
 * RFC 4180 quoting, columns in any order), JSON rows, per-row errors named as createInvitation
 * names them, duplicates, dry runs that write nothing, Idempotency-Key replays, the CSV answer
 * with the links, send limits, and every bad request refused before anything is written.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIRECTORY_READERS, GLOBAL_READER } from '../../src/domain/roles';
import type { Partner } from '../../src/domain/model';
import { adminOf, call, principalHeader, seedWorld, startService, type Service, type World } from '../support/harness';
import { startFakeAcs, type FakeAcs } from '../support/fakeAcs';
import { seedRelationships } from '../support/seedRelationships';

let svc: Service;
let acs: FakeAcs;
const PER_DAY = 3;

beforeAll(async () => {
  acs = await startFakeAcs();
  svc = await startService({
    email: { kind: 'connectionString', connectionString: acs.connectionString(), sender: 'DoNotReply@fabrikam.example' },
    sendLimits: { perInvitation: 5, perPartnerPerDay: PER_DAY },
  });
});
afterAll(async () => {
  await svc.close();
  await acs.close();
});
beforeEach(() => acs.reset());

const world = (): Promise<World> => seedWorld(svc.deps);

const postCsv = (p: Partner, csv: string | Buffer, query = '', headers: Record<string, string> = {}) =>
  call(svc, 'POST', `/api/invitations/batch${query}`, {
    as: adminOf(p),
    rawBody: csv,
    headers: { 'content-type': 'text/csv', ...headers },
  });

const postJson = (p: Partner, body: unknown, headers: Record<string, string> = {}) =>
  call(svc, 'POST', '/api/invitations/batch', { as: adminOf(p), body, headers });

async function invitationCount(p: Partner): Promise<number> {
  let n = 0;
  let token: string | undefined;
  do {
    const r = await call(svc, 'GET', `/api/invitations?pageSize=500${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`, {
      as: adminOf(p),
    });
    n += r.body.items.length;
    token = r.body.continuationToken;
  } while (token);
  return n;
}

const BOM = '\ufeff';

describe('CSV as people have it', () => {
  it("Excel's Spanish CSV (BOM, semicolons, quoted commas, semicolons, quotes and line breaks, any column order) creates every good row", async () => {
    const w = await world();
    const tenant = randomUUID();
    const csv =
      BOM +
      'email;locale;companyName;roles;tenantId;domain\r\n' +
      `ana@alvarez.example;es;"Álvarez; Hijos, S.A.";${DIRECTORY_READERS} ${GLOBAL_READER};;alvarez.example\r\n` +
      `it@quote.example;en;"The ""Best"" Co";;${tenant};\r\n` +
      `two@lines.example;en;"Two\r\nlines";;;\r\n` +
      `=cmd@evil.example;en;Bad email;;;\r\n`;
    const r = await postCsv(w.reseller, csv);
    expect(r.status).toBe(200);
    expect(r.body.summary).toEqual({ rows: 4, valid: 2, created: 2, failed: 2, duplicate: 0, sent: 0 });
    const [a, b, c, d] = r.body.rows;
    expect(a).toMatchObject({
      row: 1,
      line: 2,
      status: 'created',
      errors: [],
      companyName: 'Álvarez; Hijos, S.A.',
      email: 'ana@alvarez.example',
    });
    expect(b).toMatchObject({ row: 2, line: 3, status: 'created' });
    // A quoted line break keeps the row whole (and a company name is one line, as createInvitation says).
    expect(c).toMatchObject({ row: 3, line: 4, status: 'failed', errors: [{ field: 'customer.companyName' }] });
    // Row 3 took two lines: row 4 starts on line 6.
    expect(d).toMatchObject({
      row: 4,
      line: 6,
      status: 'failed',
      errors: [{ field: 'customer.email', message: 'must be an email address' }],
    });
    const first = await call(svc, 'GET', `/api/invitations/${a.invitation.id}`, { as: adminOf(w.reseller) });
    expect(first.body.customer).toEqual({ companyName: 'Álvarez; Hijos, S.A.', domain: 'alvarez.example', email: 'ana@alvarez.example' });
    expect(first.body.locale).toBe('es');
    expect(first.body.access.roles).toEqual([DIRECTORY_READERS, GLOBAL_READER]);
    expect(a.invitation.url).toBe(first.body.url);
    const second = await call(svc, 'GET', `/api/invitations/${b.invitation.id}`, { as: adminOf(w.reseller) });
    expect(second.body.customer).toMatchObject({ companyName: 'The "Best" Co', tenantId: tenant });
  });

  it('comma-separated, without a BOM, LF line ends; a cell with a semicolon stays whole', async () => {
    const w = await world();
    const r = await postCsv(w.reseller, 'companyName,email\nContoso; Ltd,it@contoso.example\n\n,,\n');
    expect(r.status).toBe(200);
    expect(r.body.summary).toMatchObject({ rows: 1, created: 1 });
  });

  it('each row is checked as createInvitation checks it, and named the same way', async () => {
    const w = await world();
    const csv = [
      'companyName,email,indirectProviderId,roles,duration,autoExtend,locale,tenantId',
      `Linked,it@linked.example,${w.provider.id},,,,,`,
      `Not linked,it@other.example,${w.otherProvider.id},,,,,`,
      `Roles,it@roles.example,,not-a-role,,,,`,
      `Duration,it@duration.example,,,P999D,,,`,
      `Auto,it@auto.example,,,,perhaps,,`,
      `Locale,it@locale.example,,,,,fr,`,
      `Self,it@self.example,,,,,,${w.reseller.id}`,
      `,it@noname.example,,,,,,`,
    ].join('\r\n');
    const r = await postCsv(w.reseller, csv, '?dryRun=true');
    expect(r.status).toBe(200);
    const byRow = Object.fromEntries(r.body.rows.map((x: { row: number }) => [x.row, x]));
    expect(byRow[1]).toMatchObject({ status: 'valid', errors: [] });
    expect(byRow[2].errors[0].field).toBe('indirectProviderId');
    expect(byRow[3].errors[0].field).toMatch(/^access\.roles/);
    expect(byRow[4].errors[0].field).toMatch(/^access\.duration/);
    expect(byRow[5].errors).toEqual([{ field: 'access.autoExtend', message: 'must be true or false' }]);
    expect(byRow[6].errors[0].field).toBe('locale');
    expect(byRow[7].errors[0].field).toBe('customer.tenantId');
    expect(byRow[8].errors[0]).toEqual({ field: 'customer.companyName', message: 'must not be empty' });
    expect(r.body.summary).toMatchObject({ rows: 8, valid: 1, failed: 7, created: 0 });
  });

  it("in the partner's language: Accept-Language es words the rows' messages in Spanish, in JSON and in the results CSV", async () => {
    const w = await world();
    const csv = ['companyName;email;duration', ';it@noname.example;', 'Correo;correo-malo;', 'Duración;it@dur.example;P999D'].join('\r\n');
    const r = await postCsv(w.reseller, csv, '?dryRun=true', { 'accept-language': 'es-ES,es;q=0.9' });
    expect(r.status).toBe(200);
    expect(r.body.rows.map((x: { errors: unknown[] }) => x.errors)).toEqual([
      [{ field: 'customer.companyName', message: 'no puede estar vacío' }],
      [{ field: 'customer.email', message: 'debe ser una dirección de correo electrónico' }],
      [{ field: 'access.duration', message: 'debe ser un número de días ISO 8601 de P1D a P730D, como P90D' }],
    ]);
    const asCsv = await fetch(`${svc.url}/api/invitations/batch?dryRun=true`, {
      method: 'POST',
      headers: {
        'x-ms-client-principal': principalHeader(adminOf(w.reseller)),
        'content-type': 'text/csv',
        accept: 'text/csv',
        'accept-language': 'es',
      },
      body: csv,
    });
    expect((await asCsv.text()).split('\r\n')[2]).toBe(
      '2,3,failed,customer.email: debe ser una dirección de correo electrónico,Correo,correo-malo,,',
    );
  });

  it('a row with more cells than the header fails alone', async () => {
    const w = await world();
    const r = await postCsv(w.reseller, 'companyName,email\nA,a@a.example,extra\nB,b@b.example\n');
    expect(r.body.rows[0]).toMatchObject({ status: 'failed', errors: [{ field: '(row)', message: 'has 3 cells; the header has 2' }] });
    expect(r.body.rows[1]).toMatchObject({ status: 'created' });
  });
});

describe('duplicates, dry runs and conflicts', () => {
  it('a row repeating an earlier one (same tenant, or same email and company) is a duplicate and not created', async () => {
    const w = await world();
    const t = randomUUID();
    const rows = [
      { customer: { companyName: 'Contoso', email: 'it@contoso.example' } },
      { customer: { companyName: 'CONTOSO ', email: 'IT@contoso.example' } },
      { customer: { companyName: 'Bound', email: 'a@bound.example', tenantId: t } },
      { customer: { companyName: 'Bound again', email: 'b@bound.example', tenantId: t.toUpperCase() } },
      { customer: { companyName: 'Contoso', email: 'other@contoso.example' } },
    ];
    const r = await postJson(w.reseller, { rows });
    expect(r.status).toBe(200);
    expect(r.body.rows.map((x: { status: string }) => x.status)).toEqual(['created', 'duplicate', 'created', 'duplicate', 'created']);
    expect(r.body.rows[1].errors[0]).toMatchObject({ field: 'customer.email', message: expect.stringContaining('row 1') });
    expect(r.body.rows[3].errors[0]).toMatchObject({ field: 'customer.tenantId', message: expect.stringContaining('row 3') });
    expect(r.body.summary).toMatchObject({ created: 3, duplicate: 2 });
    expect(await invitationCount(w.reseller)).toBe(3);
  });

  it('dryRun validates every row and writes nothing (no invitation, no audit event)', async () => {
    const w = await world();
    const audit = async () => (await call(svc, 'GET', '/api/audit', { as: adminOf(w.reseller) })).body.items.length;
    const before = await audit();
    const r = await postJson(w.reseller, { rows: [{ customer: { companyName: 'A', email: 'a@a.example' } }], dryRun: true });
    expect(r.body.rows[0]).toMatchObject({ status: 'valid', errors: [] });
    expect(r.body.rows[0].invitation).toBeUndefined();
    expect(await invitationCount(w.reseller)).toBe(0);
    expect(await audit()).toBe(before);
  });

  it('a bound tenant that already has an active relationship fails its row as createInvitation would (409), naming the tenant', async () => {
    const w = await world();
    const [customerId] = await seedRelationships(svc.deps.store, w.reseller.id, [{ companyName: 'Existing' }]);
    const r = await postJson(w.reseller, {
      rows: [{ customer: { companyName: 'Existing', email: 'it@existing.example', tenantId: customerId } }],
    });
    expect(r.body.rows[0]).toMatchObject({ status: 'failed', errors: [{ field: 'customer.tenantId' }] });
    expect(r.body.rows[0].errors[0].message).toContain('already has an active relationship');
  });
});

describe('bad requests are refused before anything is written', () => {
  it.each([
    ['an empty body', '', 400, /empty/],
    ['a header and no rows', 'companyName,email\r\n', 400, /1 to 500 rows; this one has 0/],
    ['unknown columns', 'companyName,email,phone,Fax\r\nA,a@a.example,1,2\r\n', 400, /Unknown columns: "phone", "Fax"/],
    ['a missing required column', 'companyName\r\nA\r\n', 400, /Missing columns: email/],
    ['a column twice', 'companyName,email,email\r\nA,a@a.example,b@b.example\r\n', 400, /more than once: email/],
    ['an unclosed quote', 'companyName,email\r\n"A,a@a.example\r\n', 400, /cannot be read/],
  ])('%s', async (_name, csv, status, detail) => {
    const w = await world();
    const r = await postCsv(w.reseller, csv);
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body.detail).toMatch(detail);
    expect(await invitationCount(w.reseller)).toBe(0);
  });

  it('more than 500 rows: 400 naming the count', async () => {
    const w = await world();
    const csv = ['companyName,email', ...Array.from({ length: 501 }, (_, i) => `C${i},it${i}@c.example`)].join('\n');
    const r = await postCsv(w.reseller, csv);
    expect(r.status).toBe(400);
    expect(r.body.detail).toContain('this one has 501');
    const json = await postJson(w.reseller, { rows: Array.from({ length: 501 }, () => ({})) });
    expect(json.status).toBe(400);
    expect(json.body.errors.rows).toEqual(['must hold 1 to 500 rows']);
    expect(await invitationCount(w.reseller)).toBe(0);
  });

  it('a file that is not UTF-8 (Excel\'s "CSV (semicolon)" in Windows-1252): 400 saying so', async () => {
    const w = await world();
    const latin1 = Buffer.from('companyName;email\r\nNúñez y Compañía;it@nunez.example\r\n', 'latin1');
    const r = await postCsv(w.reseller, latin1);
    expect(r.status).toBe(400);
    expect(r.body.type).toMatch(/not-utf8$/);
    expect(r.body.detail).toMatch(/not UTF-8/);
  });

  it('over 1 MiB: 413; up to 1 MiB is read (more than the 64 KiB of other routes)', async () => {
    const w = await world();
    const big = `companyName,email\n${'x'.repeat(1024 * 1024)}`;
    const r = await postCsv(w.reseller, big);
    expect(r.status).toBe(413);
    expect(r.body.detail).toContain('1024 KiB');
    // 200 KiB of rows: over the usual limit, within this route's.
    const rows = Array.from({ length: 400 }, (_, i) => `${'Long company name '.repeat(25).slice(0, 250)} ${i},it${i}@long.example`);
    const ok = await postCsv(w.reseller, ['companyName,email', ...rows].join('\n'), '?dryRun=true');
    expect(ok.status).toBe(200);
    expect(ok.body.summary.valid).toBe(400);
  });

  it('another content type: 415; an indirect provider: 403; a user without a partner role: 403', async () => {
    const w = await world();
    expect((await postCsv(w.reseller, 'companyName,email\nA,a@a.example', '', { 'content-type': 'text/plain' })).status).toBe(415);
    const provider = await postCsv(w.provider, 'companyName,email\nA,a@a.example');
    expect(provider.status).toBe(403);
    expect(provider.body.type).toMatch(/not-a-reseller$/);
    const reader = await call(svc, 'POST', '/api/invitations/batch', {
      as: { tenantId: w.reseller.id, roles: ['Reader'] },
      rawBody: 'companyName,email\nA,a@a.example',
      headers: { 'content-type': 'text/csv' },
    });
    expect(reader.status).toBe(403);
    expect(await invitationCount(w.reseller)).toBe(0);
  });

  it('JSON: unknown members are 400; rows that are not objects fail alone', async () => {
    const w = await world();
    expect((await postJson(w.reseller, { rows: [{}], extra: 1 })).status).toBe(400);
    const r = await postJson(w.reseller, { rows: ['nope', { customer: { companyName: 'A', email: 'a@a.example' }, colour: 'red' }] });
    expect(r.status).toBe(200);
    expect(r.body.rows[0]).toMatchObject({ status: 'failed', errors: [{ field: '(body)' }] });
    expect(r.body.rows[1].errors[0].field).toBe('(body)');
    expect(r.body.rows[1].errors[0].message).toMatch(/colour/);
  });
});

describe('Idempotency-Key, the CSV answer, sending', () => {
  it('a retry with the same key and body answers the same and creates nothing twice; a fixed row under the same key is created once', async () => {
    const w = await world();
    const key = randomUUID();
    const csv = 'companyName,email\nA,a@a.example\nB,not-an-email\nC,c@c.example\n';
    const first = await postCsv(w.reseller, csv, '', { 'idempotency-key': key });
    const again = await postCsv(w.reseller, csv, '', { 'idempotency-key': key });
    expect(again.body).toEqual(first.body);
    expect(await invitationCount(w.reseller)).toBe(2);
    const fixed = await postCsv(w.reseller, csv.replace('not-an-email', 'b@b.example'), '', { 'idempotency-key': key });
    expect(fixed.body.rows.map((x: { invitation?: { id: string } }) => x.invitation?.id)).toEqual([
      first.body.rows[0].invitation.id,
      expect.any(String),
      first.body.rows[2].invitation.id,
    ]);
    expect(await invitationCount(w.reseller)).toBe(3);
    const bad = await postCsv(w.reseller, csv, '', { 'idempotency-key': 'ä' });
    expect(bad.status).toBe(400);
  });

  it('Accept: text/csv answers the rows as CSV with each link, for a mail merge', async () => {
    const w = await world();
    const r = await fetch(`${svc.url}/api/invitations/batch`, {
      method: 'POST',
      headers: { 'x-ms-client-principal': principalHeader(adminOf(w.reseller)), 'content-type': 'text/csv', accept: 'text/csv' },
      body: 'companyName,email\n"=HYPERLINK(""x"")",a@a.example\nB,nope\n',
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="invitations-batch-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = Buffer.from(await r.arrayBuffer()).toString('utf8');
    // The BOM (which fetch's text() would hide) makes Excel read the file as UTF-8.
    expect(text.startsWith(BOM)).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe('row,line,status,errors,companyName,email,id,url');
    expect(lines[1]).toMatch(
      /^1,2,created,,"'=HYPERLINK\(""x""\)",a@a\.example,[0-9a-f-]{36},http:\/\/localhost:\d+\/api\/accept\/[A-Za-z0-9_-]+$/,
    );
    expect(lines[2]).toBe('2,3,failed,customer.email: must be an email address,B,nope,,');
  });

  it("send: true sends each created draft within the day's limit; rows over it say so and their invitations stay", async () => {
    const w = await world();
    const rows = Array.from({ length: PER_DAY + 2 }, (_, i) => `C${i},it${i}@c.example`);
    const r = await postCsv(w.reseller, ['companyName,email', ...rows].join('\n'), '?send=true');
    expect(r.status).toBe(200);
    expect(r.body.summary).toMatchObject({ rows: PER_DAY + 2, created: PER_DAY + 2, sent: PER_DAY, failed: 0 });
    const over = r.body.rows.filter((x: { errors: unknown[] }) => x.errors.length);
    expect(over).toHaveLength(2);
    for (const row of over) {
      expect(row.status).toBe('created');
      expect(row.errors[0].field).toBe('send');
      expect(row.errors[0].message).toMatch(/most allowed per day/);
      expect(row.invitation).toMatchObject({ status: 'pending', email: { status: 'notSent' } });
    }
    expect(acs.sends).toHaveLength(PER_DAY);
    expect(await invitationCount(w.reseller)).toBe(PER_DAY + 2);
  });

  it('send: true replayed under the same key sends nothing again', async () => {
    const w = await world();
    const body = { rows: [{ customer: { companyName: 'A', email: 'a@a.example' } }], send: true };
    const key = randomUUID();
    const first = await postJson(w.reseller, body, { 'idempotency-key': key });
    expect(first.body.summary.sent).toBe(1);
    const again = await postJson(w.reseller, body, { 'idempotency-key': key });
    expect(again.body.rows[0].invitation.id).toBe(first.body.rows[0].invitation.id);
    expect(again.body.summary.sent).toBe(1);
    expect(acs.sends).toHaveLength(1);
  });
});
