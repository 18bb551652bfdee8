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
            { typ: 'roles', val: 'NotCountedBecauseRoleTypIsLong' },
          ],
        }),
        'x-ms-client-principal-id': 'oid-from-header',
        'x-ms-client-principal-name': 'bob@contoso.example',
      }),
    );
    expect(p).toEqual({ tenantId: T, userId: 'oid-from-header', name: 'bob@contoso.example', roles: ['GlobalAdmin'] });
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
