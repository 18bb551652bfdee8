/**
 * Hostile input: thousands of generated requests through the local runner over raw HTTP
 * (node:http, so paths, headers and bodies reach the server exactly as generated): random and
 * deeply nested JSON, huge strings, wrong types, prototype-pollution keys, bodies around the
 * 64 KiB limit, odd content types, query strings, route parameters (encoded slashes, unicode,
 * invalid percent-encoding, very long), and principals that are garbage, mis-shaped or huge.
 *
 * Every answer must be < 500, carry an x-request-id, and every error must be a problem+json
 * document (or, on /api/accept, one of the customer's HTML pages). Afterwards the data is
 * intact: the storage invariants hold, a partner never used for writes is untouched row for
 * row, no prototype was polluted, and the runner logged no unexpected error.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner } from '../../src/domain/model';
import { enrolPartners } from '../../src/domain/operator';
import { MAX_BODY_BYTES } from '../../src/http/endpoint';
import { adminOf, call, customerAdmin, principalHeader, seedWorld, startService, type Service, type World } from '../support/harness';
import { Recorder, checkStorage, problemShapeErrors, report, snapshot } from './support';

let svc: Service;
let w: World;
let sentinel: Partner;
let rec: Recorder;
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** Ids and tokens the generators aim at. */
const known = {
  pendingId: '',
  pendingToken: '',
  acceptedToken: '',
  sentinelInvitationId: '',
  sentinelToken: '',
  customerOfReseller: '',
  sentinelCustomer: '',
};

beforeAll(async () => {
  svc = await startService();
  w = await seedWorld(svc.deps);
  rec = new Recorder(svc);
  sentinel = { id: randomUUID(), name: 'Sentinel <b>&</b>', kind: 'reseller', indirectProviderIds: [] };
  await enrolPartners(svc.deps, [sentinel]);
  const make = async (partner: Partner) => {
    const r = await call(svc, 'POST', '/api/invitations', {
      as: adminOf(partner),
      body: { customer: { companyName: 'Fuzz Target', email: 'f@fuzz.example', domain: 'fuzz.example' } },
    });
    expect(r.status).toBe(201);
    return { id: r.body.id as string, token: String(r.body.url).split('/').pop()! };
  };
  const accepted = await make(w.reseller);
  const ga = customerAdmin();
  expect((await call(svc, 'POST', `/api/accept/${accepted.token}`, { as: ga, body: {} })).status).toBe(200);
  const pending = await make(w.reseller);
  const s1 = await make(sentinel);
  const sga = customerAdmin();
  expect((await call(svc, 'POST', `/api/accept/${s1.token}`, { as: sga, body: {} })).status).toBe(200);
  const s2 = await make(sentinel);
  Object.assign(known, {
    pendingId: pending.id,
    pendingToken: pending.token,
    acceptedToken: accepted.token,
    sentinelInvitationId: s2.id,
    // Only a tampered link of the sentinel's: a genuine one could be accepted by a fuzzed customer.
    sentinelToken: s2.token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    customerOfReseller: ga.tenantId,
    sentinelCustomer: sga.tenantId,
  });
});

afterAll(async () => {
  agent.destroy();
  await svc.close();
});

// ------------------------------------------------------------------ raw HTTP

interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function send(req: RawRequest): Promise<RawResponse> {
  // An explicit length: Node's client frames neither a DELETE's nor an OPTIONS's body by itself.
  const headers = req.body ? { ...req.headers, 'content-length': String(req.body.length) } : req.headers;
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: svc.runner.port, method: req.method, path: req.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(req.body);
  });
}

/** What is wrong with an answer (empty when it is acceptable). */
function judge(req: RawRequest, res: RawResponse): string[] {
  const problems: string[] = [];
  const path = req.path.toLowerCase();
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  if (res.status >= 500 || res.status < 100) problems.push(`status ${res.status}`);
  if (!preflight && !res.headers['x-request-id']) problems.push('no x-request-id');
  if (res.status >= 400 && req.method !== 'HEAD') {
    const type = String(res.headers['content-type'] ?? '');
    if (type.startsWith('text/html')) {
      if (!/^\/api\/accept\//.test(path)) problems.push('HTML error outside /api/accept');
      if (!res.text.includes('<html')) problems.push('empty HTML page');
    } else {
      let body: unknown;
      try {
        body = JSON.parse(res.text);
      } catch {
        body = undefined;
      }
      problems.push(...problemShapeErrors(res.status, type || null, body));
    }
  }
  return problems;
}

// ------------------------------------------------------------------ generators

const b64 = (s: string) => Buffer.from(s).toString('base64');
/** Percent-encodes anything, lone surrogates included (encodeURIComponent throws on those). */
const enc = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
};
const TENANT_CLAIM = 'http://schemas.microsoft.com/identity/claims/tenantid';
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    '<script>alert(1)</script>',
    "' or 1 eq 1 or '",
    '${7*7}',
    '%00',
    '\u0000',
    '\uffff',
    '\ud800',
    'A'.repeat(300),
    '../../etc/passwd',
    'null',
    'true',
    '-1',
    '1e309',
    'NaN',
  ),
);

/** Principals: none, real ones, garbage, wrong shapes, huge claim lists (kept under Node's 16 KiB header limit). */
const principal: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({}) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom('reseller', 'provider', 'other', 'customer', 'sentinel', 'noRole')
      .map((who) => ({ 'x-ms-client-principal': realPrincipal(who) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary-ascii', maxLength: 200 })
      .map((s) => ({ 'x-ms-client-principal': s.replace(/[^\x20-\x7e]/g, 'A') || 'A' })),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ 'x-ms-client-principal': b64(s) })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((j) => ({ 'x-ms-client-principal': b64(JSON.stringify(j)) })) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        claims: fc.oneof(
          fc.constant('claims'),
          fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
          fc.array(
            fc.record({
              typ: fc.constantFrom(TENANT_CLAIM, 'tid', 'roles', 'oid', 'name', 'wids'),
              val: fc.oneof(hostileText, fc.uuid(), fc.integer(), fc.constant(null)),
            }),
            { maxLength: 8 },
          ),
        ),
        role_typ: fc.option(fc.oneof(hostileText, fc.constant('roles')), { nil: undefined }),
        poison: fc.boolean(),
      })
      .map(({ poison, ...p }) => {
        const json = JSON.stringify(p);
        return {
          'x-ms-client-principal': b64(
            poison ? json.replace(/^\{/, '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},') : json,
          ),
        };
      }),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 100, max: 5000 }).map((n) => ({ 'x-ms-client-principal': b64('['.repeat(n) + ']'.repeat(n)) })),
  },
  // The local runner's stand-in bearer token (`Bearer local.<principal>`), good and bad.
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('Bearer local.', 'bearer   local.', 'Bearer ', 'Basic ', 'Bearer local.local.', ''),
        fc.oneof(
          fc.constantFrom('reseller', 'customer', 'sentinel').map((who) => realPrincipal(who)),
          fc.jsonValue({ maxDepth: 3 }).map((j) => b64(JSON.stringify(j))),
          fc.string({ unit: 'binary-ascii', maxLength: 120 }).map((x) => x.replace(/[^\x20-\x7e]/g, '')),
        ),
        fc.boolean(),
      )
      .map(([scheme, token, withHeader]) => ({
        authorization: `${scheme}${token}`,
        ...(withHeader ? { 'x-ms-client-principal': 'garbage' } : {}),
      })),
  },
  {
    weight: 1,
    // Hundreds of claims, with a valid tenant so that the rest is parsed too.
    arbitrary: fc.integer({ min: 100, max: 420 }).map((n) => ({
      'x-ms-client-principal': b64(
        JSON.stringify({
          role_typ: 'roles',
          claims: [
            { typ: TENANT_CLAIM, val: w.reseller.id },
            { typ: 'oid', val: 'u' },
            ...Array.from({ length: n }, (_, i) => ({ typ: 'roles', val: i % 50 ? `R${i}` : 'AdminAgent' })),
          ],
        }),
      ),
    })),
  },
  {
    weight: 1,
    arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 100 }).map((s) => ({
      'x-ms-client-principal': realPrincipal('reseller'),
      'x-ms-client-principal-id': s.replace(/[^\x20-\x7e]/g, ''),
      'x-ms-client-principal-name': '<b>',
    })),
  },
);

function realPrincipal(who: string): string {
  switch (who) {
    case 'reseller':
      return principalHeader(adminOf(w.reseller));
    case 'provider':
      return principalHeader(adminOf(w.provider, ['GlobalAdmin']));
    case 'other':
      return principalHeader(adminOf(w.otherReseller));
    case 'sentinel':
      return principalHeader(adminOf(sentinel));
    case 'noRole':
      return principalHeader({ tenantId: w.reseller.id, roles: ['Reader'] });
    default:
      return principalHeader({ ...customerAdmin(), name: '<img src=x onerror=alert(1)>' });
  }
}

/** Route parameters: real ids, near misses, encodings and junk. */
const param: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .constantFrom(
        () => known.pendingId,
        () => known.sentinelInvitationId,
        () => known.customerOfReseller,
        () => known.sentinelCustomer,
        () => known.pendingToken,
        () => known.acceptedToken,
        () => known.sentinelToken,
      )
      .map((f) => f()),
  },
  fc.uuid().map((u) => u),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.constantFrom(
    '%2F',
    '..%2F..%2Fhealth',
    '%2e%2e',
    '%00',
    '%E0%A4%A',
    '%ZZ',
    '%',
    'a%2Fb',
    '__proto__',
    'constructor',
    '%5F%5Fproto%5F%5F',
    '%C3%A9',
    '%F0%9F%98%80',
    '%EF%BF%BF',
    '%ED%A0%80',
    'null',
    '-1',
    '0',
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => enc(s) || 'x'),
  hostileText.map((s) => enc(s) || 'x'),
  fc.integer({ min: 100, max: 3000 }).map((n) => 'A'.repeat(n)),
  fc
    .constantFrom(() => known.pendingToken)
    .map((f) => f())
    .chain((t) =>
      fc.constantFrom(
        t.slice(0, -1),
        `${t}A`,
        t.toLowerCase(),
        t.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        `${t}%2F`,
        t.replaceAll('-', '+'),
        `${t.slice(0, 43)}${'A'.repeat(43)}`,
      ),
    ),
);

const queryValue = fc.oneof(
  fc.constantFrom('active', 'removed', 'all', 'pending', 'accepted', '0', '1', '500', '501', '-1', '1.5', '1e3', ' 5', 'abc', ''),
  hostileText,
  fc.integer({ min: 100, max: 1500 }).map((n) => 'q'.repeat(n)),
);
const query = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          'status',
          'pageSize',
          'q',
          'continuationToken',
          'customerId',
          '__proto__',
          'constructor[prototype][polluted]',
          '__proto__[polluted]',
          'toString',
          'hasOwnProperty',
        ),
        hostileText,
      ),
      queryValue,
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}` : ''));

/** Bodies: valid-looking ones with a twist, random JSON, nesting, sizes around the limit, bytes. */
const validCreate = () => ({
  customer: { companyName: 'Fuzz Co', email: 'a@fuzz.example', domain: 'fuzz.example' },
  locale: 'en',
  send: false,
});
const mutate = <T extends Record<string, unknown>>(base: T) =>
  fc
    .tuple(
      fc.constantFrom(
        ...Object.keys(base),
        'customer.companyName',
        'customer.email',
        'customer.tenantId',
        'extra',
        '__proto__',
        'constructor',
      ),
      fc.oneof(fc.jsonValue({ maxDepth: 3 }), hostileText),
    )
    .map(([k, v]) => {
      const copy = JSON.parse(JSON.stringify(base)) as Record<string, any>;
      if (k.startsWith('customer.') && copy.customer) copy.customer[k.slice(9)] = v;
      else copy[k] = v;
      // JSON.stringify drops a literal __proto__ key set through assignment: write it in the text.
      const text = JSON.stringify(copy);
      return k === '__proto__' ? text.replace(/^\{/, `{"__proto__":${JSON.stringify(v) ?? 'null'},`) : text;
    });

const jsonBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: mutate(validCreate()) },
  { weight: 2, arbitrary: mutate({ attestGoodFaith: true, reason: 'x' }) },
  { weight: 2, arbitrary: mutate({ decision: 'accept' }) },
  { weight: 1, arbitrary: mutate({ subject: 'Hi', text: 'see http://x', html: '<p>x</p>' }) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((j) => JSON.stringify(j)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
      '{"customer":{"__proto__":{"companyName":"x"}}}',
      '[]',
      'null',
      '0',
      '"x"',
      '{',
      '{"a":1,}',
      '\ufeff{}',
      '{"decision":"accept","decision":"decline"}',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 32_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 500, max: 9_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1_000, max: 63_000 })
      .map((n) => JSON.stringify({ customer: { companyName: 'x'.repeat(n), email: 'a@b.example' } })),
  },
  // Exactly around the limit: the same body padded to limit-1, limit and limit+1 bytes.
  {
    weight: 2,
    arbitrary: fc.integer({ min: -2, max: 2 }).map((d) => pad(JSON.stringify({ attestGoodFaith: true, reason: '' }), MAX_BODY_BYTES + d)),
  },
);

function pad(json: string, size: number): string {
  const spaces = size - Buffer.byteLength(json);
  return spaces > 0 ? json.replace('{', `{${' '.repeat(spaces)}`) : json;
}

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/JSON',
  'application/problem+json',
  'application/merge-patch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json;;;',
  'garbage',
  '',
);

const body: fc.Arbitrary<{ bytes?: Buffer; type?: string }> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({}) },
  { weight: 8, arbitrary: fc.tuple(jsonBody, contentType).map(([b, t]) => ({ bytes: Buffer.from(b), ...(t ? { type: t } : {}) })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        'decision=accept',
        'decision=decline&decision=accept',
        '__proto__=x&decision=accept',
        'decision=%ZZ',
        'a=1&'.repeat(5000),
      )
      .map((b) => ({ bytes: Buffer.from(b), type: 'application/x-www-form-urlencoded' })),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((u) => ({ bytes: Buffer.from(u), type: 'application/json' })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), Buffer.from([0xc3, 0x28]), Buffer.from('{"a":"\\ud800"}'))
      .map((b) => ({ bytes: b, type: 'application/json' })),
  },
);

/** Other headers a hostile client controls, each present now and then. */
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const extraHeaders = fc
  .record({
    'if-match': sometimes(
      fc.oneof(
        fc.constantFrom('*', '"x"', 'W/"x"', '"a", "b"', ''),
        hostileText.map((s) => s.replace(/[^\x20-\x7e]/g, '')),
      ),
    ),
    'accept-language': sometimes(
      fc.oneof(
        fc.constantFrom('es', 'es-MX,es;q=0.9', 'fr', '*', 'q=0.5;es', ';;;,,,', 'es;q=abc', 'en;q=-1'),
        hostileText.map((s) => s.replace(/[^\x20-\x7e]/g, '')),
      ),
    ),
    origin: sometimes(fc.constantFrom('null', 'https://evil.example', 'http://localhost', 'file://')),
    'sec-fetch-site': sometimes(fc.constantFrom('cross-site', 'same-site', 'same-origin', 'none', 'garbage')),
    'x-request-id': sometimes(
      fc.oneof(
        fc.constantFrom('abc', '<script>', 'a'.repeat(500)),
        hostileText.map((s) => s.replace(/[^\x20-\x7e]/g, '')),
      ),
    ),
    'access-control-request-method': sometimes(fc.constantFrom('POST', 'DELETE')),
    host: sometimes(fc.constantFrom('evil.example', 'localhost:1', '[::1]', 'a b', '%00', 'localhost:99999', '[', 'user@host', '')),
    cookie: sometimes(fc.constantFrom('AppServiceAuthSession=nope', 'AppServiceAuthSession=%ZZ', '=;=;', 'a'.repeat(2000))),
  })
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>);

const routes: [string[], string][] = [
  [['POST'], '/api/invitations'],
  [['GET'], '/api/invitations'],
  [['GET', 'DELETE'], '/api/invitations/{p}'],
  [['POST'], '/api/invitations/{p}/send'],
  [['GET', 'HEAD', 'POST'], '/api/accept/{p}'],
  [['GET'], '/api/relationships'],
  [['GET'], '/api/relationships/{p}'],
  [['POST'], '/api/relationships/{p}/remove'],
  [['GET'], '/api/audit'],
  [['GET'], '/api/partners/me'],
  [['GET'], '/api/health'],
  [['GET'], '/api/openapi.json'],
];
const anyMethod = fc.constantFrom('GET', 'POST', 'DELETE', 'HEAD', 'PUT', 'PATCH', 'OPTIONS');

const shapedPath = fc
  .tuple(
    fc.constantFrom(...routes),
    fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    param,
    query,
    fc.constantFrom('', '', '', '', '', '', '/', '//', '/x'),
  )
  .chain(([[methods, route], realMethod, p, q, tail]) =>
    (realMethod ? fc.constantFrom(...methods) : anyMethod).map((method) => ({
      method,
      path: `${route.replace('{p}', p)}${tail === '/' ? '/' : tail === '//' ? '//' : tail === '/x' ? '/x' : ''}${q}`,
    })),
  );
const oddPath = fc
  .tuple(
    anyMethod,
    fc.array(param, { minLength: 0, maxLength: 4 }),
    query,
    fc.constantFrom('/api/', '/API/', '/api//', '/', '//', '/api/ACCEPT/', '/.auth/x/'),
  )
  .map(([method, parts, q, prefix]) => ({ method, path: `${prefix}${parts.join('/')}${q}` }));

const hostileRequest: fc.Arbitrary<RawRequest> = fc
  .tuple(fc.oneof({ weight: 5, arbitrary: shapedPath }, { weight: 1, arbitrary: oddPath }), principal, body, extraHeaders)
  .map(([{ method, path }, who, b, extra]) => {
    // The sentinel partner is never used to change anything: its data must come out untouched.
    const sentinelWrites = method !== 'GET' && Object.values(who).some((v) => v.includes(realPrincipal('sentinel')));
    const headers: Record<string, string> = { ...extra, ...(sentinelWrites ? {} : who) };
    if (b.type !== undefined) headers['content-type'] = b.type;
    // Keep the request line and headers under Node's own 16 KiB limit (tested separately below).
    const size = path.length + Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
    if (size > 14_000) {
      delete headers['x-ms-client-principal'];
      delete headers.authorization;
    }
    return { method, path, headers, body: method === 'GET' || method === 'HEAD' ? undefined : b.bytes };
  });

// ------------------------------------------------------------------ the test

describe('hostile requests', () => {
  it('3,000 generated requests: never a 5xx, never a crash, every error a problem, the data intact', async () => {
    const before = await snapshot(svc.rows, [sentinel.id]);
    const sentinelView = (await call(svc, 'GET', `/api/relationships/${known.sentinelCustomer}`, { as: adminOf(sentinel) })).body;
    let sent = 0;
    /** The bad answers of the latest failing batch (after shrinking: of the smallest one). */
    let failures: string[] = [];
    const seed = process.env.RELIABILITY_SEED ? Number(process.env.RELIABILITY_SEED) : undefined;
    const outcome = await fc.check(
      fc.asyncProperty(fc.array(hostileRequest, { minLength: 10, maxLength: 10 }), async (batch) => {
        // A connection the server breaks is a failure like any other.
        const answers = await Promise.all(
          batch.map((req) =>
            send(req).catch((err: Error): RawResponse => ({ status: -1, headers: {}, text: `connection error: ${err.message}` })),
          ),
        );
        const bad: string[] = [];
        answers.forEach((res, i) => {
          const req = batch[i]!;
          sent++;
          rec.note(req.method, req.path, res.status, res.text, 0);
          const problems = judge(req, res);
          if (problems.length)
            bad.push(
              `${req.method} ${req.path.slice(0, 160)} ${JSON.stringify(req.headers).slice(0, 300)} ${req.body ? `${req.body.length}B` : ''} -> ${res.status} ${problems.join('; ')} ${res.text.slice(0, 200)}`,
            );
        });
        if (bad.length) failures = bad;
        return bad.length === 0;
      }),
      { numRuns: 300, ...(seed !== undefined ? { seed } : {}) },
    );
    // On failure: fast-check's seed and path (to replay) and the bad answers themselves.
    expect(outcome.failed ? [`seed ${outcome.seed} path ${outcome.counterexamplePath}`, ...failures] : []).toEqual([]);

    // Nothing leaked into prototypes of this process (the runner runs in it).
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Array.prototype)).toEqual([]);
    // The runner is alive and storage answers.
    expect((await call(svc, 'GET', '/api/health')).status).toBe(200);
    // No unexpected error was logged (a 500 would have been).
    expect(svc.logs.filter((l) => /unexpected error|runner:/.test(l))).toEqual([]);
    // The sentinel partner's partition is untouched, row for row; its customer is still listed, unchanged.
    const after = await snapshot(svc.rows, [sentinel.id]);
    expect(after.get(sentinel.id)).toEqual(before.get(sentinel.id));
    expect((await call(svc, 'GET', `/api/relationships/${known.sentinelCustomer}`, { as: adminOf(sentinel) })).body).toEqual(sentinelView);
    const list = await call(svc, 'GET', '/api/relationships?q=fuzz', { as: adminOf(sentinel) });
    expect(list.body.items).toEqual([sentinelView]);
    // Whatever the fuzz did to the other partners (it may accept, revoke or remove), it is consistent.
    expect(await checkStorage(svc.rows, [w.reseller.id, w.provider.id, w.otherReseller.id, w.otherProvider.id, sentinel.id])).toEqual([]);
    report('fuzz', { cases: sent, statuses: rec.statusSummary(), serverErrors: rec.serverErrors.length });
  }, 90_000);

  it('beyond what the Node HTTP parser takes (headers over 16 KiB, raw non-ASCII targets) or far over 64 KiB: refused, and the runner keeps serving', async () => {
    const huge = b64(JSON.stringify({ claims: Array.from({ length: 900 }, () => ({ typ: 'roles', val: 'AdminAgent' })) }));
    const big = await send({ method: 'GET', path: '/api/partners/me', headers: { 'x-ms-client-principal': huge } });
    expect(big.status).toBe(431); // Node's parser refuses it; the runner words it as problem+json (clientError)
    const long = await send({ method: 'GET', path: `/api/relationships/${'a'.repeat(20_000)}`, headers: {} });
    expect(long.status).toBe(431);
    // A raw (not percent-encoded) non-ASCII byte in the request target: Node's parser refuses it.
    const raw = await send({ method: 'GET', path: '/api/é', headers: {} });
    expect(raw.status).toBe(400);
    const body = await send({
      method: 'POST',
      path: '/api/invitations',
      headers: { 'x-ms-client-principal': realPrincipal('reseller'), 'content-type': 'application/json' },
      body: Buffer.alloc(2 * 1024 * 1024, 0x20),
    });
    expect(body.status).toBe(413);
    expect(judge({ method: 'POST', path: '/api/invitations', headers: {} }, body)).toEqual([]);
    expect((await call(svc, 'GET', '/api/health')).status).toBe(200);
  });
});
