/**
 * CSV answers (exports, a batch's results), written with csv-stringify as Excel reads them: a
 * BOM (so that Excel takes the file as UTF-8), CRLF line ends, `,` or `;` (Spanish Excel), and
 * every cell that a spreadsheet would run as a formula neutralised (OWASP "CSV Injection").
 * Records are pulled from an async iterable as the client reads, so memory does not grow with
 * the number of rows.
 */
import { stringify } from 'csv-stringify';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { HttpRequest } from '@azure/functions';

export type Delimiter = ',' | ';';

/** One column: its header and its cell (absent values are empty cells). */
export interface CsvColumn<T> {
  header: string;
  cell(item: T): string | number | boolean | undefined;
}

/** A cell starting with = + - @, a tab or a carriage return is prefixed with ' so that no spreadsheet runs it. */
export const neutralise = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** The CSV document of `items`, produced as it is read. */
export function csvOf<T>(items: AsyncIterable<T> | Iterable<T>, columns: CsvColumn<T>[], delimiter: Delimiter): AsyncIterable<Uint8Array> {
  const out = stringify({ bom: true, delimiter, record_delimiter: 'windows', header: true, columns: columns.map((c) => c.header) });
  const records = async function* () {
    for await (const item of items) {
      yield columns.map((c) => {
        const v = c.cell(item);
        return v === undefined ? '' : neutralise(String(v));
      });
    }
  };
  // Errors of the source (storage failing mid-export) end the stream with that error.
  pipeline(Readable.from(records()), out).catch(() => undefined);
  return out;
}

/** True when the client asked for CSV: `format=csv` or an Accept header that names text/csv. */
export function wantsCsv(request: HttpRequest, format?: string): boolean {
  if (format === 'csv') return true;
  return (request.headers.get('accept') ?? '').split(',').some((range) => {
    const [type, ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    return type === 'text/csv' && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

/** The headers of a CSV download named `name`-YYYY-MM-DD.csv. */
export function csvHeaders(name: string, now: Date): { 'Content-Type': string; 'Content-Disposition': string } {
  return {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${name}-${now.toISOString().slice(0, 10)}.csv"`,
  };
}

/** The `delimiter` query parameter of an export. */
export const delimiterOf = (query: { delimiter: 'comma' | 'semicolon' }): Delimiter => (query.delimiter === 'semicolon' ? ';' : ',');
