/**
 * Reads a bulk invitation request: JSON `{ rows, dryRun, send }` or a CSV file as people have
 * them (Excel's UTF-8 with a BOM, semicolons in Spanish locales, RFC 4180 quoting, columns in
 * any order), up to 1 MiB. What is wrong with the whole request is a 400/413/415 before anything
 * is written; what is wrong with a row is that row's errors, named as createInvitation names its
 * fields (each row is checked against createInvitation's own schema).
 */
import type { HttpRequest } from '@azure/functions';
import { parse } from 'csv-parse/sync';
import { BATCH_CSV_COLUMNS, type BatchCsvColumn } from '../api/batchColumns';
import { BatchRequestBody } from '../api/batchSchemas';
import { CreateInvitationBody } from '../api/schemas';
import type { BatchRow, RowError } from '../domain/batch';
import { BATCH_MAX_ROWS } from '../domain/model';
import { badRequest, payloadTooLarge, unsupportedMediaType } from '../domain/errors';
import { isJson, mediaType } from './cors';
import { readWithin } from './endpoint';
import { fieldErrors } from './problem';

export const BATCH_MAX_BYTES = 1024 * 1024;

export const CSV_COLUMNS = BATCH_CSV_COLUMNS;
type Column = BatchCsvColumn;
const REQUIRED: readonly Column[] = ['companyName', 'email'];

export interface BatchRequest {
  rows: BatchRow[];
  dryRun: boolean;
  send: boolean;
}

const rowsOutOfRange = (n: number) =>
  badRequest(`A batch holds 1 to ${BATCH_MAX_ROWS} rows; this one has ${n}.`, { rows: [`must hold 1 to ${BATCH_MAX_ROWS} rows`] });

/** Checks one row against createInvitation's body. */
export function validateRow(raw: unknown, row: number, line?: number, extra: RowError[] = []): BatchRow {
  const fields = (raw ?? {}) as { customer?: { companyName?: unknown; email?: unknown } };
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const label = { companyName: text(fields.customer?.companyName), email: text(fields.customer?.email) };
  const parsed = CreateInvitationBody.safeParse(raw);
  const errors = [
    ...extra,
    ...(parsed.success
      ? []
      : Object.entries(fieldErrors(parsed.error)).flatMap(([field, messages]) => messages.map((message) => ({ field, message })))),
  ];
  const where = { row, ...(line !== undefined ? { line } : {}), label };
  return parsed.success && errors.length === 0 ? { ...where, input: parsed.data } : { ...where, errors };
}

export async function readBatch(
  request: HttpRequest,
  query: { dryRun?: boolean | undefined; send?: boolean | undefined },
): Promise<BatchRequest> {
  if (Number(request.headers.get('content-length') ?? '0') > BATCH_MAX_BYTES) throw payloadTooLarge(BATCH_MAX_BYTES);
  const bytes = await readWithin(request, BATCH_MAX_BYTES);
  const type = mediaType(request.headers.get('content-type'));
  const csv = type === 'text/csv';
  if (!csv && !isJson(type)) {
    throw unsupportedMediaType('Send the rows as application/json ({ "rows": [...] }) or as a text/csv file.');
  }
  if (bytes.length === 0) {
    throw badRequest(
      `The request body is empty; send ${csv ? 'a CSV file with a header line and 1 to 500 rows' : 'a JSON object with rows'}.`,
      {
        '(body)': ['is required'],
      },
    );
  }
  const text = decodeUtf8(bytes, csv);
  if (csv) return { rows: csvRows(bytes), dryRun: query.dryRun ?? false, send: query.send ?? false };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON.', { '(body)': ['is not valid JSON'] }, 'malformed-json');
  }
  if (json && typeof json === 'object' && Array.isArray((json as { rows?: unknown }).rows)) {
    const n = (json as { rows: unknown[] }).rows.length;
    if (n === 0 || n > BATCH_MAX_ROWS) throw rowsOutOfRange(n);
  }
  const body = BatchRequestBody.parse(json);
  return { rows: body.rows.map((raw, i) => validateRow(raw, i + 1)), dryRun: body.dryRun ?? false, send: body.send ?? false };
}

function decodeUtf8(bytes: Buffer, csv: boolean): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const hint = csv ? ' In Excel, choose "Save as" and "CSV UTF-8 (Comma delimited)".' : '';
    throw badRequest(`The body is not UTF-8 text.${hint}`, { '(body)': ['is not UTF-8'] }, 'not-utf8');
  }
}

const CR = 0x0d;
const LF = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The delimiter of the header line, as Excel writes it: `;` in Spanish locales, else `,` (quoted text ignored). */
export function headerDelimiter(bytes: Buffer): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const b of bytes) {
    if (b === 0x22) quoted = !quoted;
    else if (!quoted && (b === CR || b === LF)) break;
    else if (!quoted && b === 0x2c) commas++;
    else if (!quoted && b === 0x3b) semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** The line (from 1) of the first non-empty line at or after byte `offset`. */
function lineAt(bytes: Buffer, offset: number, from: { offset: number; line: number }): number {
  let line = from.line;
  let i = from.offset;
  while (i < bytes.length && (i < offset || bytes[i] === CR || bytes[i] === LF)) {
    if (bytes[i] === LF || (bytes[i] === CR && bytes[i + 1] !== LF)) line++;
    i++;
  }
  from.offset = i;
  from.line = line;
  return line;
}

function csvRows(bytes: Buffer): BatchRow[] {
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    // csv-parse's types do not model `info: true` (records come as { record, info }).
    records = parse(bytes, {
      bom: true,
      delimiter: headerDelimiter(bytes),
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (err) {
    const line = (err as { lines?: unknown }).lines;
    const at = typeof line === 'number' ? ` (line ${line})` : '';
    const reason = err instanceof Error ? err.message.replace(/^[^:]*: /, '') : 'it cannot be read';
    throw badRequest(`The CSV file cannot be read${at}: ${reason}`, { '(body)': [`is not valid CSV${at}`] }, 'malformed-csv');
  }
  const [header, ...data] = records;
  if (!header) throw rowsOutOfRange(0);
  const columns = headerColumns(header.record);
  // Lines that hold only delimiters (Excel writes them for rows it thinks are used) are not rows.
  const rows = data.filter((r) => r.record.some((cell) => cell.trim() !== ''));
  if (rows.length === 0 || rows.length > BATCH_MAX_ROWS) throw rowsOutOfRange(rows.length);
  const cursor = { offset: bytes.subarray(0, 3).equals(BOM) ? 3 : 0, line: 1 };
  let previousEnd = header.info.bytes;
  const lineOf = new Map<(typeof data)[number], number>();
  for (const r of data) {
    lineOf.set(r, lineAt(bytes, previousEnd, cursor));
    previousEnd = r.info.bytes;
  }
  return rows.map((r, i) => rowOf(columns, r.record, i + 1, lineOf.get(r)!));
}

function headerColumns(cells: string[]): Column[] {
  const byName = new Map(CSV_COLUMNS.map((c) => [c.toLowerCase(), c]));
  const names = cells.map((c) => c.trim());
  const unknown = names.filter((n) => !byName.has(n.toLowerCase()));
  const header = (message: string) => badRequest(message, { '(header)': [message] }, 'csv-columns');
  if (unknown.length) {
    throw header(`Unknown columns: ${unknown.map((n) => `"${n}"`).join(', ')}. The columns are ${CSV_COLUMNS.join(', ')}.`);
  }
  const columns = names.map((n) => byName.get(n.toLowerCase())!);
  const twice = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (twice.length) throw header(`Columns named more than once: ${[...new Set(twice)].join(', ')}.`);
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length) throw header(`Missing columns: ${missing.join(', ')} (every row needs them).`);
  return columns;
}

/** A CSV row as the createInvitation body it stands for (empty cells are left out). */
function rowOf(columns: Column[], cells: string[], row: number, line: number): BatchRow {
  const cell: Partial<Record<Column, string>> = {};
  columns.forEach((c, i) => {
    const v = cells[i]?.trim() ?? '';
    if (v !== '') cell[c] = v;
  });
  const extra: RowError[] = [];
  if (cells.slice(columns.length).some((c) => c.trim() !== '')) {
    extra.push({ field: '(row)', message: `has ${cells.length} cells; the header has ${columns.length}` });
  }
  let autoExtend: boolean | undefined;
  if (cell.autoExtend !== undefined) {
    if (/^(true|false)$/i.test(cell.autoExtend)) autoExtend = cell.autoExtend.toLowerCase() === 'true';
    else extra.push({ field: 'access.autoExtend', message: 'must be true or false' });
  }
  const access = {
    ...(cell.roles !== undefined ? { roles: cell.roles.split(/\s+/) } : {}),
    ...(cell.duration !== undefined ? { duration: cell.duration } : {}),
    ...(autoExtend !== undefined ? { autoExtend } : {}),
  };
  const body = {
    customer: {
      companyName: cell.companyName ?? '',
      email: cell.email ?? '',
      ...(cell.domain !== undefined ? { domain: cell.domain } : {}),
      ...(cell.tenantId !== undefined ? { tenantId: cell.tenantId } : {}),
    },
    ...(cell.indirectProviderId !== undefined ? { indirectProviderId: cell.indirectProviderId } : {}),
    ...(cell.locale !== undefined ? { locale: cell.locale } : {}),
    ...(Object.keys(access).length ? { access } : {}),
  };
  return validateRow(body, row, line, extra);
}
