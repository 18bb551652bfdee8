/** Counted words: "1 day", not "1 days", in every text that carries a number (src/i18n/plural.ts): the portal, the email, the accept page. */
import { describe, expect, it } from 'vitest';
import { buildDraft } from '../../src/domain/drafts';
import { resolveAccess } from '../../src/domain/grant';
import type { Invitation } from '../../src/domain/model';
import { formatExpiry } from '../../src/i18n';
import { counted } from '../../src/i18n/plural';
import { invitationPage } from '../../src/views/pages';
import { en } from '../../portal/src/i18n/en';
import { es } from '../../portal/src/i18n/es';

describe('counted', () => {
  it('chooses one or other by the language: 1 is one, 0 and 2 are other, in English and Spanish', () => {
    expect([0, 1, 2].map((n) => counted('en', n, en.counts.days))).toEqual(['0 days', '1 day', '2 days']);
    expect([0, 1, 2].map((n) => counted('es', n, es.counts.days))).toEqual(['0 días', '1 día', '2 días']);
    expect(counted('es', 1, es.counts.rowsChecked)).toBe('Se comprobó 1 fila');
    expect(counted('es', 500, es.counts.rowsChecked)).toBe('Se comprobaron 500 filas');
  });

  it('reads a category the form does not name as other, and a form without | as both', () => {
    expect(counted('es', 1_000_000, '{n} fila|{n} filas')).toBe('1000000 filas');
    expect(counted('en', 1, '{n} ready')).toBe('1 ready');
    expect(counted('en', 3, '{n} ready')).toBe('3 ready');
  });

  it('every portal count has its forms in both languages, with {n} in each', () => {
    for (const catalogue of [en, es]) {
      for (const forms of Object.values(catalogue.counts)) {
        for (const form of forms.split('|')) expect(form).toContain('{n}');
      }
    }
  });
});

describe('the invitation email', () => {
  it('says 1 day / 1 día for roles that last one day, and 30 days / 30 días otherwise', () => {
    const draft = (locale: 'en' | 'es', duration: string) =>
      buildDraft({
        locale,
        to: 'a@b.example',
        resellerName: 'Fabrikam',
        providerName: undefined,
        companyName: 'Contoso',
        url: 'http://localhost:7071/api/accept/x',
        expiresAt: '2030-01-01T00:00:00.000Z',
        access: resolveAccess({ duration }),
        customerUrl: 'http://localhost:7071/api/customer',
      }).text;
    expect(draft('en', 'P1D')).toContain('These roles last 1 day from the day you accept');
    expect(draft('es', 'P1D')).toContain('Estos roles duran 1 día desde');
    expect(draft('en', 'P30D')).toContain('These roles last 30 days from');
    expect(draft('es', 'P30D')).toContain('Estos roles duran 30 días desde');
  });
});

describe('the accept page', () => {
  it('says how long the roles last, counted, and when they end if accepted now', () => {
    const page = (locale: 'en' | 'es', duration: string) =>
      invitationPage(
        {
          id: 'inv-1',
          partnerId: 'p-1',
          partnerName: 'Fabrikam',
          kind: 'reseller',
          customer: { companyName: 'Contoso', email: 'a@b.example' },
          status: 'pending',
          nonce: 'n',
          expiresAt: '2030-01-10T00:00:00.000Z',
          locale,
          email: { status: 'notSent' },
          createdAt: '2030-01-01T00:00:00.000Z',
          createdBy: { id: 'u-1', name: 'Ana', tenantId: 't-1' },
          access: resolveAccess({ duration }),
        } satisfies Invitation,
        undefined,
        { self: '/api/accept/x', signIn: '/.auth/login/aad', signOut: '/.auth/logout', customerPage: '/api/customer' },
        new Date('2030-01-01T12:00:00.000Z'),
      );
    // The date as the runtime's ICU words it (Node versions differ: "a las 12:00", ", 12:00").
    const day2 = '2030-01-02T12:00:00.000Z';
    expect(page('en', 'P1D')).toContain(`They last 1 day: if you accept now, until ${formatExpiry(day2, 'en')}.`);
    expect(page('es', 'P1D')).toContain(`Duran 1 día: si aceptas ahora, hasta el ${formatExpiry(day2, 'es')}.`);
    expect(page('en', 'P30D')).toContain(`They last 30 days: if you accept now, until ${formatExpiry('2030-01-31T12:00:00.000Z', 'en')}.`);
  });
});
