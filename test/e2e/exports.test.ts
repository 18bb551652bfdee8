/**
 * CSV exports through HTTP (issue 26): every matching row across pages with the list's own
 * filters, a BOM, Content-Disposition, `;` for Spanish Excel, the documented columns, formulas
 * neutralised, only the caller's own data; streamed through the local runner.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOf, call, principalHeader, startWorld, type Service, type World } from '../support/harness';
import { seedRelationships } from '../support/seedRelationships';

let svc: Service;
let w: World;
const MANY = 510;

beforeAll(async () => {
  ({ svc, w } = await startWorld());
  await seedRelationships(
    svc.deps.store,
    w.reseller.id,
    [
      ...Array.from({ length: MANY }, (_, i) => ({ companyName: `Bulk ${String(i).padStart(4, '0')}` })),
      { companyName: '=HYPERLINK("http://evil.example","click")', domain: 'evil.example' },
      { companyName: '+Plus', domain: 'plus.example' },
      { companyName: '-Minus' },
      { companyName: '@At' },
      { companyName: 'Núñez; "Quoted", Ltd', domain: 'nunez.example' },
    ],
    2,
  );
  await seedRelationships(svc.deps.store, w.otherReseller.id, [{ companyName: 'Bulk other partner' }]);
}, 300_000);
afterAll(() => svc.close());

async function download(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${svc.url}${path}`, { headers: { 'x-ms-client-principal': principalHeader(adminOf(w.reseller)), ...headers } });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { res, bytes, text: bytes.toString('utf8') };
}

const rowsOf = (text: string, delimiter = ',') => parse<Record<string, string>>(text, { bom: true, delimiter, columns: true });

describe('relationships', () => {
  it('format=csv: every active customer across pages, by name, with a BOM, the documented columns and a download name', async () => {
    const { res, bytes, text } = await download('/api/relationships?format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.slice(1, text.indexOf('\r\n'))).toBe(
      'customerId,companyName,domain,role,status,delegatedAdminStatus,roles,endsAt,establishedAt,removedAt',
    );
    const rows = rowsOf(text);
    expect(rows).toHaveLength(MANY + 5);
    expect(rows.filter((r) => r.companyName === 'Bulk other partner')).toEqual([]);
    const bulk = rows.filter((r) => r.companyName!.startsWith('Bulk '));
    expect(bulk.map((r) => r.companyName)).toEqual(Array.from({ length: MANY }, (_, i) => `Bulk ${String(i).padStart(4, '0')}`));
    expect(bulk[0]).toMatchObject({ role: 'reseller', status: 'active', delegatedAdminStatus: 'granted', removedAt: '' });
    expect(bulk[0]!.roles).toMatch(/^[0-9a-f-]{36}( [0-9a-f-]{36})*$/);
  });

  it('formula injection: cells starting with = + - @ get a leading apostrophe; quotes, commas and semicolons survive', async () => {
    const rows = rowsOf((await download('/api/relationships?format=csv&q=')).text);
    const names = rows.map((r) => r.companyName);
    expect(names).toContain(`'=HYPERLINK("http://evil.example","click")`);
    expect(names).toContain(`'+Plus`);
    expect(names).toContain(`'-Minus`);
    expect(names).toContain(`'@At`);
    expect(names).toContain('Núñez; "Quoted", Ltd');
  });

  it('the list filters apply (q, status), Accept: text/csv works as format=csv, semicolons for Spanish Excel', async () => {
    const { text } = await download('/api/relationships?q=nun&delimiter=semicolon', { accept: 'text/csv' });
    expect(text.slice(1, text.indexOf('\r\n'))).toBe(
      'customerId;companyName;domain;role;status;delegatedAdminStatus;roles;endsAt;establishedAt;removedAt',
    );
    expect(rowsOf(text, ';').map((r) => r.companyName)).toEqual(['Núñez; "Quoted", Ltd']);
    expect(rowsOf((await download('/api/relationships?format=csv&status=removed')).text)).toEqual([]);
  });

  it('bad filters are problems before any CSV; JSON stays the default and the JSON list is unchanged', async () => {
    const bad = await call(svc, 'GET', '/api/relationships?format=csv&status=nope', { as: adminOf(w.reseller) });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await call(svc, 'GET', '/api/relationships?format=xml', { as: adminOf(w.reseller) })).status).toBe(400);
    expect((await call(svc, 'GET', '/api/relationships?delimiter=tab', { as: adminOf(w.reseller) })).status).toBe(400);
    const json = await call(svc, 'GET', '/api/relationships?pageSize=2', {
      as: adminOf(w.reseller),
      headers: { accept: 'text/csv;q=0, application/json' },
    });
    expect(json.status).toBe(200);
    expect(json.body.items).toHaveLength(2);
    const anon = await fetch(`${svc.url}/api/relationships?format=csv`);
    expect(anon.status).toBe(401);
  });
});

describe('invitations', () => {
  it('every invitation with the status filter, newest first, with the documented columns', async () => {
    const pending: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await call(svc, 'POST', '/api/invitations', {
        as: adminOf(w.reseller),
        body: { customer: { companyName: `Invited ${i}`, email: `it${i}@invited.example` } },
      });
      pending.push(r.body.id as string);
    }
    await call(svc, 'DELETE', `/api/invitations/${pending[0]}`, { as: adminOf(w.reseller) });
    const { res, text } = await download('/api/invitations?format=csv&status=pending');
    expect(res.headers.get('content-disposition')).toMatch(/filename="invitations-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(text.slice(1, text.indexOf('\r\n'))).toBe('id,companyName,email,kind,status,createdAt,expiresAt,acceptedAt,emailStatus');
    const rows = rowsOf(text);
    expect(rows.map((r) => r.id)).toEqual([pending[2], pending[1]]);
    expect(rows[0]).toMatchObject({
      companyName: 'Invited 2',
      email: 'it2@invited.example',
      kind: 'reseller',
      status: 'pending',
      emailStatus: 'notSent',
    });
    const all = rowsOf((await download('/api/invitations?format=csv')).text);
    expect(all.find((r) => r.id === pending[0])?.status).toBe('revoked');
    const other = await fetch(`${svc.url}/api/invitations?format=csv`, {
      headers: { 'x-ms-client-principal': principalHeader(adminOf(w.otherReseller)) },
    });
    expect(rowsOf(await other.text())).toEqual([]);
  });

  it('a partner with no invitations gets the header line alone', async () => {
    const res = await fetch(`${svc.url}/api/invitations?format=csv`, {
      headers: { 'x-ms-client-principal': principalHeader(adminOf(w.provider)) },
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).toString('utf8')).toBe(
      '\ufeffid,companyName,email,kind,status,createdAt,expiresAt,acceptedAt,emailStatus\r\n',
    );
  });
});
