import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors';
import { STATUS_OF } from '../../src/http/problem';
import { readPrincipal, requirePrincipal } from '../../src/http/principal';

const T = '9d7c2a1e-4b3f-4e8d-a1c2-3b4d5e6f7a8b';
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');
const headers = (h: Record<string, string>) => new Headers(h);

function status(fn: () => unknown): number | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof AppError) return STATUS_OF[err.kind];
    throw err;
  }
}

describe('Easy Auth principal', () => {
  it('reads tenant, object id, name and short role claims', () => {
    const p = readPrincipal(
      headers({
        'x-ms-client-principal': b64({
          auth_typ: 'aad',
          name_typ: 'name',
          role_typ: 'roles',
          claims: [
            { typ: 'http://schemas.microsoft.com/identity/claims/tenantid', val: T.toUpperCase() },
            { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: 'u1' },
            { typ: 'name', val: 'ana@fabrikam.example' },
            { typ: 'roles', val: 'AdminAgent' },
            { typ: 'roles', val: 'GlobalAdmin' },
          ],
        }),
      }),
    );
    expect(p).toEqual({ tenantId: T, userId: 'u1', name: 'ana@fabrikam.example', roles: ['AdminAgent', 'GlobalAdmin'] });
  });

  it('reads the long role claim and tid/oid, with the -id/-name headers as fallbacks', () => {
    const p = readPrincipal(
      headers({
        'x-ms-client-principal': b64({
          auth_typ: 'aad',
          role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
          claims: [
            { typ: 'tid', val: T },
            { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'GlobalAdmin' },
            { typ: 'roles', val: 'AdminAgent' }, // short, under the long role_typ: Easy Auth sends v2.0 tokens' roles so
            { typ: 'groups', val: 'NotARole' },
          ],
        }),
        'x-ms-client-principal-id': 'oid-from-header',
        'x-ms-client-principal-name': 'bob@contoso.example',
      }),
    );
    expect(p).toEqual({ tenantId: T, userId: 'oid-from-header', name: 'bob@contoso.example', roles: ['GlobalAdmin', 'AdminAgent'] });
  });

  it("maps the directory's Global Administrator role (wids) to GlobalAdmin", () => {
    const p = readPrincipal(
      headers({
        'x-ms-client-principal': b64({
          claims: [
            { typ: 'tid', val: T },
            { typ: 'oid', val: 'u' },
            { typ: 'wids', val: '62e90394-69f5-4237-9190-012177145e10' },
          ],
        }),
      }),
    );
    expect(p?.roles).toEqual(['GlobalAdmin']);
  });

  it('absent header: no principal (and 401 where one is required)', () => {
    expect(readPrincipal(headers({}))).toBeUndefined();
    expect(status(() => requirePrincipal(headers({})))).toBe(401);
  });

  it.each([
    ['garbage', '%%%not-base64%%%'],
    ['base64 of text', b64('hello')],
    ['JSON without claims', b64({ auth_typ: 'aad' })],
    ['claims not an array', b64({ claims: 'x' })],
    ['claim with a number', b64({ claims: [{ typ: 'tid', val: 5 }] })],
    ['no tenant', b64({ claims: [{ typ: 'oid', val: 'u' }] })],
    [
      'tenant not a uuid',
      b64({
        claims: [
          { typ: 'tid', val: 'contoso' },
          { typ: 'oid', val: 'u' },
        ],
      }),
    ],
    ['no object id', b64({ claims: [{ typ: 'tid', val: T }] })],
    ['JSON null', b64('null')],
    ['huge', 'A'.repeat(40_000)],
  ])('%s is 401, never a crash', (_label, value) => {
    expect(status(() => readPrincipal(headers({ 'x-ms-client-principal': value })))).toBe(401);
  });
});

/**
 * x-ms-client-principal as App Service Authentication builds it from a v2.0 access token of a
 * multi-tenant Entra ID app: the platform's default claim mapping turns some JWT claims into
 * long URIs (oid, tid, sub, scp) and leaves others short (name, preferred_username, roles, wids,
 * ver), while `name_typ`/`role_typ` are always the long .NET claim types. So a v2 token's app
 * roles arrive as `roles` claims under a long `role_typ`.
 */
describe('a principal shaped as Easy Auth builds it (multi-tenant app, v2.0 tokens)', () => {
  const CUSTOMER_TENANT = '3f1d5b7a-2c4e-4a6b-8d9f-0e1a2b3c4d5e';
  const PARTNER_TENANT = '8c2f4a51-3b7e-4d1a-9f60-2b5e7c9d1a01';
  const API_APP = '6a0c2f6e-1d2b-4c3a-9e8f-7a6b5c4d3e2f';
  const USER_ROLE_TEMPLATE = 'b79fbf4d-3ef9-4689-8143-76b194e85509'; // every member's "User" directory role

  function easyAuth(tenantId: string, oid: string, extra: { typ: string; val: string }[]) {
    return {
      'x-ms-client-principal': b64({
        auth_typ: 'aad',
        claims: [
          { typ: 'aud', val: `api://${API_APP}` },
          { typ: 'iss', val: `https://login.microsoftonline.com/${tenantId}/v2.0` },
          { typ: 'iat', val: '1764626400' },
          { typ: 'nbf', val: '1764626400' },
          { typ: 'exp', val: '1764630300' },
          { typ: 'aio', val: 'AWQAm/8ZAAAA' },
          { typ: 'azp', val: '0b1f9a55-7c3d-4e2a-8f6b-5d4c3b2a1f0e' },
          { typ: 'azpacr', val: '0' },
          { typ: 'name', val: 'Grace Admin' },
          { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: oid },
          { typ: 'preferred_username', val: 'grace@contoso.example' },
          { typ: 'rh', val: '1.AXkA' },
          { typ: 'http://schemas.microsoft.com/identity/claims/scope', val: 'access_as_user' },
          { typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier', val: 'kZ3tq0V1s2' },
          { typ: 'http://schemas.microsoft.com/identity/claims/tenantid', val: tenantId },
          { typ: 'tid', val: tenantId },
          { typ: 'uti', val: 'x1y2z3' },
          { typ: 'ver', val: '2.0' },
          ...extra,
        ],
        name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
        role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
      }),
      'x-ms-client-principal-id': oid,
      'x-ms-client-principal-name': 'grace@contoso.example',
      'x-ms-client-principal-idp': 'aad',
    };
  }

  it("a customer's Global Administrator (wids, no app role) is GlobalAdmin, named by `name`", () => {
    const p = readPrincipal(
      headers(
        easyAuth(CUSTOMER_TENANT, '0f5e4d3c-2b1a-4f9e-8d7c-6b5a4f3e2d1c', [
          { typ: 'wids', val: USER_ROLE_TEMPLATE },
          { typ: 'wids', val: '62E90394-69F5-4237-9190-012177145E10' },
        ]),
      ),
    );
    expect(p).toEqual({
      tenantId: CUSTOMER_TENANT,
      userId: '0f5e4d3c-2b1a-4f9e-8d7c-6b5a4f3e2d1c',
      name: 'Grace Admin',
      roles: ['GlobalAdmin'],
    });
  });

  it("a partner's admin agent: the app role arrives as a short `roles` claim under the long role_typ", () => {
    const p = readPrincipal(
      headers(
        easyAuth(PARTNER_TENANT, 'u-ana', [
          { typ: 'roles', val: 'AdminAgent' },
          { typ: 'wids', val: USER_ROLE_TEMPLATE },
        ]),
      ),
    );
    expect(p).toEqual({ tenantId: PARTNER_TENANT, userId: 'u-ana', name: 'Grace Admin', roles: ['AdminAgent'] });
  });

  it('an app role that is also a directory Global Administrator is counted once', () => {
    const p = readPrincipal(
      headers(
        easyAuth(CUSTOMER_TENANT, 'u-ga', [
          { typ: 'roles', val: 'GlobalAdmin' },
          { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'GlobalAdmin' },
          { typ: 'wids', val: '62e90394-69f5-4237-9190-012177145e10' },
        ]),
      ),
    );
    expect(p?.roles).toEqual(['GlobalAdmin']);
  });

  it('a user with neither an app role nor the Global Administrator role has no roles', () => {
    const p = readPrincipal(headers(easyAuth(CUSTOMER_TENANT, 'u-plain', [{ typ: 'wids', val: USER_ROLE_TEMPLATE }])));
    expect(p?.roles).toEqual([]);
    // preferred_username names the user when the token has no `name`.
    const raw = JSON.parse(Buffer.from(easyAuth(CUSTOMER_TENANT, 'u-plain', [])['x-ms-client-principal'], 'base64').toString()) as {
      claims: { typ: string; val: string }[];
    };
    raw.claims = raw.claims.filter((c) => c.typ !== 'name');
    expect(readPrincipal(headers({ 'x-ms-client-principal': b64(raw) }))?.name).toBe('grace@contoso.example');
  });

  it('the Global Administrator template id must match exactly (no prefix, no other role)', () => {
    for (const val of [
      '62e90394-69f5-4237-9190-012177145e1',
      '62e90394-69f5-4237-9190-012177145e10x',
      'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
    ]) {
      expect(readPrincipal(headers(easyAuth(CUSTOMER_TENANT, 'u', [{ typ: 'wids', val }])))?.roles).toEqual([]);
    }
  });
});
