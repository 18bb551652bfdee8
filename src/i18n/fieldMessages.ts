/**
 * The per-field messages of a bulk invitation's rows (createInvitation's checks, the CSV's own,
 * repeats, send outcomes) in the partner's language. The service words them in English, and the
 * API's contract stays English everywhere else; a batch's rows are read in a table by people, so
 * the batch answers them in the language of its Accept-Language (the portal sends its own).
 *
 * Each rule matches one English message the service or zod writes, its variable parts captured
 * (`$1`); a message no rule matches stays as it is (English), never garbled. The rules' coverage is
 * tested against every check a row goes through (test/unit/fieldMessages.test.ts).
 */
import type { Locale } from '../domain/model';
import { counted } from './plural';

/** zod's units (always plural in its words), as counted Spanish forms. */
const UNITS: Record<string, string> = { characters: '{n} carácter|{n} caracteres', items: '{n} elemento|{n} elementos' };
const TYPES: Record<string, string> = {
  string: 'un texto',
  boolean: 'true o false',
  object: 'un objeto',
  array: 'una lista',
  number: 'un número',
};

type Rule = [RegExp, string | ((...groups: string[]) => string)];

const es = (n: string, forms: string) => counted('es', Number(n), forms);
const own = (table: Record<string, string>, key: string) => (Object.hasOwn(table, key) ? table[key] : undefined);

const ES: Rule[] = [
  // The service's own words (src/api/schemas.ts, src/domain/grant.ts, src/domain/text.ts, …).
  [/^must be an email address$/, 'debe ser una dirección de correo electrónico'],
  [/^must be a UUID$/, 'debe ser un GUID (UUID)'],
  [/^must be a hostname such as contoso\.com$/, 'debe ser un nombre de dominio, como contoso.com'],
  [/^must not be empty$/, 'no puede estar vacío'],
  [/^must be at most (\d+) characters$/, (n: string) => `admite como máximo ${es(n, UNITS.characters!)}`],
  [
    /^must be at most (\d+) characters once normalised$/,
    (n: string) => `admite como máximo ${es(n, UNITS.characters!)} una vez normalizado`,
  ],
  [/^must name at least one role$/, 'debe nombrar al menos un rol'],
  [/^must name at least one role \(see GET \/api\/roles\)$/, 'debe nombrar al menos un rol (vea GET /api/roles)'],
  [/^unknown role template IDs: (.+) \(see GET \/api\/roles\)$/, 'Id. de plantilla de rol desconocidos: $1 (vea GET /api/roles)'],
  [
    /^must be an ISO 8601 number of days from P(\d+)D to P(\d+)D, such as P90D$/,
    'debe ser un número de días ISO 8601 de P$1D a P$2D, como P90D',
  ],
  [/^cannot be true when Global Administrator is among the roles$/, 'no puede ser true si Administrador global está entre los roles'],
  [/^is not an indirect provider linked to your organisation$/, 'no es un proveedor indirecto vinculado a su organización'],
  [/^is a suspended indirect provider$/, 'es un proveedor indirecto suspendido'],
  [/^is a partner of this invitation$/, 'es un partner de esta invitación'],
  [/^Customer (\S+) already has an active relationship with you\.$/, 'El cliente $1 ya tiene una relación activa con usted.'],
  [
    /^must not contain line breaks, control, bidirectional or zero-width characters \(found (.+)\)$/,
    'no puede contener saltos de línea ni caracteres de control, bidireccionales o de ancho cero (contiene $1)',
  ],
  [/^has (\d+) cells; the header has (\d+)$/, (n: string, h: string) => `tiene ${es(n, '{n} celda|{n} celdas')}; el encabezado tiene ${h}`],
  [/^must be true or false$/, 'debe ser true o false'],
  [
    /^repeats row (\d+) \(the same tenant ID\); only the first is created$/,
    'repite la fila $1 (el mismo Id. de inquilino); solo se crea la primera',
  ],
  [
    /^repeats row (\d+) \(the same email and company name\); only the first is created$/,
    'repite la fila $1 (el mismo correo y nombre de empresa); solo se crea la primera',
  ],
  [
    /^Your organisation has sent (\d+) invitation emails today \(UTC\), the most allowed per day; sending starts again at 00:00 UTC\. The draft stays usable: copy it and send it yourself\.$/,
    'Su organización ha enviado hoy (UTC) $1 correos de invitación, el máximo diario; el envío se reanuda a las 00:00 UTC. El borrador sigue disponible: cópielo y envíelo usted.',
  ],
  [
    /^Azure Communication Services did not accept the email: (.+)\. The invitation is still pending; its link and draft remain usable\.$/,
    'Azure Communication Services no aceptó el correo: $1. La invitación sigue pendiente; su vínculo y su borrador siguen disponibles.',
  ],
  // zod's own words, for the checks without a message of the service's.
  [/^Invalid input: expected \w+, received undefined$/, 'es obligatorio'],
  [/^Invalid input: expected (\w+), received (\w+)$/, (t: string) => `debe ser ${own(TYPES, t) ?? t}`],
  [/^Invalid option: expected one of (.+)$/, 'debe ser uno de: $1'],
  [/^Unrecognized key: (.+)$/, 'campo desconocido: $1'],
  [/^Unrecognized keys: (.+)$/, 'campos desconocidos: $1'],
  [/^Too big: expected \w+ to have <=(\d+) (characters|items)$/, (n: string, u: string) => `admite como máximo ${es(n, UNITS[u]!)}`],
  [/^Too small: expected \w+ to have >=(\d+) (characters|items)$/, (n: string, u: string) => `necesita al menos ${es(n, UNITS[u]!)}`],
];

/** The message in the locale: Spanish by its rule, else as written. */
export function fieldMessage(message: string, locale: Locale): string {
  if (locale !== 'es') return message;
  for (const [pattern, to] of ES) {
    const m = pattern.exec(message);
    if (m) return typeof to === 'string' ? message.replace(pattern, to) : to(...m.slice(1));
  }
  return message;
}

/** A batch's outcome with its rows' messages in the locale. */
export function localizedBatch<R extends { errors: { field: string; message: string }[] }, T extends { rows: R[] }>(
  result: T,
  locale: Locale,
): T {
  if (locale === 'en') return result;
  return {
    ...result,
    rows: result.rows.map((r) => ({ ...r, errors: r.errors.map((e) => ({ ...e, message: fieldMessage(e.message, locale) })) })),
  };
}
