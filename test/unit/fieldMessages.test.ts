/**
 * A bulk invitation's row messages in Spanish (src/i18n/fieldMessages.ts): every check a row goes
 * through, driven for real, has its Spanish words; a message no rule knows stays as written.
 */
import { describe, expect, it } from 'vitest';
import { validateRow } from '../../src/http/batchRequest';
import { fieldMessage, localizedBatch } from '../../src/i18n/fieldMessages';
import { resolveAccess } from '../../src/domain/grant';
import { AppError } from '../../src/domain/errors';
import { singleLineProblem } from '../../src/domain/text';

/** The messages the checks write for rows that break each rule. */
function messages(): string[] {
  const rows: unknown[] = [
    {},
    { customer: { companyName: '', email: 'x' } },
    { customer: { companyName: ' ', email: 'a@b.example' } },
    {
      customer: { companyName: 'a'.repeat(300), email: 'x@y', tenantId: 'nope', domain: 'bad domain' },
      locale: 'fr',
      indirectProviderId: 'zz',
      access: { roles: [], duration: 'P0D', autoExtend: 'yes' },
    },
    { customer: { companyName: 'a\u0007b', email: 'a@b.example', extra: 1 }, send: 'y', other: 2 },
    { customer: { companyName: 'Contoso', email: 'a@b.example' }, access: { roles: ['x'.repeat(65)] } },
    { customer: { companyName: 7, email: 'a@b.example' } },
  ];
  const fromRows = rows.flatMap((r) => (validateRow(r, 1).errors ?? []).map((e) => e.message));
  const fromAccess = [
    { roles: ['nope'] },
    { duration: 'P9999D' },
    { roles: ['62e90394-69f5-4237-9190-012177145e10'], autoExtend: true },
  ].flatMap((request) => {
    try {
      resolveAccess(request);
      return [];
    } catch (err) {
      return Object.values((err as AppError).errors ?? {}).flat();
    }
  });
  return [
    ...fromRows,
    ...fromAccess,
    singleLineProblem('a\nb')!,
    // The domain's own (src/domain/invitationCreate.ts, batch.ts, invitationSending.ts, the CSV reader).
    'is not an indirect provider linked to your organisation',
    'is a suspended indirect provider',
    'is a partner of this invitation',
    'Customer 0f0e6f6e-1b3a-4a7e-9a55-3b3b8f3c2a11 already has an active relationship with you.',
    'repeats row 2 (the same tenant ID); only the first is created',
    'repeats row 3 (the same email and company name); only the first is created',
    'has 3 cells; the header has 2',
    'must be true or false',
    'Your organisation has sent 500 invitation emails today (UTC), the most allowed per day; sending starts again at 00:00 UTC. The draft stays usable: copy it and send it yourself.',
    'Azure Communication Services did not accept the email: EmailDroppedAllRecipientsSuppressed. The invitation is still pending; its link and draft remain usable.',
  ];
}

describe('row messages in Spanish', () => {
  it('every check a row goes through has its Spanish words (no English left)', () => {
    const all = [...new Set(messages())];
    expect(all.length).toBeGreaterThan(25);
    for (const m of all) {
      const es = fieldMessage(m, 'es');
      expect(es, m).not.toBe(m);
      expect(es, m).not.toMatch(/\b(must|Invalid|expected|received|Unrecognized|Too big|Too small|repeats|already)\b/);
    }
  });

  it('keeps the variable parts: numbers, characters found, IDs', () => {
    expect(fieldMessage('must be at most 256 characters', 'es')).toBe('admite como máximo 256 caracteres');
    expect(fieldMessage('repeats row 7 (the same tenant ID); only the first is created', 'es')).toContain('fila 7');
    expect(fieldMessage(singleLineProblem('a\u0007b')!, 'es')).toContain('U+0007');
    expect(fieldMessage('Invalid input: expected boolean, received string', 'es')).toBe('debe ser true o false');
    expect(fieldMessage('Invalid input: expected string, received undefined', 'es')).toBe('es obligatorio');
    // Counted where a number is (Spanish agrees): one cell, one character; one key or several.
    expect(fieldMessage('has 1 cells; the header has 2', 'es')).toBe('tiene 1 celda; el encabezado tiene 2');
    expect(fieldMessage('has 3 cells; the header has 2', 'es')).toBe('tiene 3 celdas; el encabezado tiene 2');
    expect(fieldMessage('Too small: expected string to have >=1 characters', 'es')).toBe('necesita al menos 1 carácter');
    expect(fieldMessage('must be at most 1 characters', 'es')).toBe('admite como máximo 1 carácter');
    expect(fieldMessage('Unrecognized keys: "a", "b"', 'es')).toBe('campos desconocidos: "a", "b"');
    expect(fieldMessage('Invalid input: expected constructor, received string', 'es')).toBe('debe ser constructor');
  });

  it('English stays as written, and a message no rule knows stays English rather than garbled', () => {
    expect(fieldMessage('must be an email address', 'en')).toBe('must be an email address');
    expect(fieldMessage('something new the service says', 'es')).toBe('something new the service says');
  });

  it("localizes a batch's rows, nothing else", () => {
    const result = { summary: { rows: 1 }, rows: [{ row: 1, errors: [{ field: 'customer.email', message: 'must be an email address' }] }] };
    expect(localizedBatch(result, 'es')).toEqual({
      summary: { rows: 1 },
      rows: [{ row: 1, errors: [{ field: 'customer.email', message: 'debe ser una dirección de correo electrónico' }] }],
    });
    expect(localizedBatch(result, 'en')).toBe(result);
  });
});
