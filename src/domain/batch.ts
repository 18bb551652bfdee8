/**
 * Bulk invitations: up to 500 createInvitation bodies at once. Rows are independent: each is
 * validated and created by createInvitation itself (its checks, its commit, its idempotency), a
 * bad row stops no other, and a row that repeats an earlier one is not created. Under an
 * Idempotency-Key each row is created under a key derived from the batch's key and the row, so a
 * retried batch (even one cut off half way) replays what was created and creates the rest.
 */
import { AppError } from './errors';
import { assertIdempotencyKey, canonicalJson, sha256 } from './idempotency';
import { assertReseller, createInvitation, prepareInvitation, type NewInvitation } from './invitationCreate';
import { emailNotConfigured, sendInvitation } from './invitationSending';
import { getInvitation, type InvitationView } from './invitationViews';
import { foldName, type BatchRowStatus, type Locale, type Partner, type Principal } from './model';
import type { Deps } from './ports';

/** Rows in flight at once: each is a few storage round trips, so 500 rows take ~60 rounds, not 500. */
export const BATCH_CONCURRENCY = 8;

export interface RowError {
  /** The field as createInvitation names it (customer.email, access.roles, …), or `(row)`. */
  field: string;
  message: string;
}

/** One row as read from the request: a valid createInvitation body, or why it is not one. */
export interface BatchRow {
  /** 1 for the first row of data. */
  row: number;
  /** CSV: the line the row starts on (the header is line 1). */
  line?: number | undefined;
  input?: NewInvitation | undefined;
  errors?: RowError[] | undefined;
  /** The row's company name and email as given (for the results CSV), valid or not. */
  label: { companyName: string; email: string };
}

export interface BatchOptions {
  dryRun: boolean;
  send: boolean;
  idempotencyKey?: string | undefined;
}

export interface BatchRowResult {
  row: number;
  line?: number | undefined;
  status: BatchRowStatus;
  errors: RowError[];
  invitation?: Pick<InvitationView, 'id' | 'url' | 'status' | 'email'> | undefined;
  label: BatchRow['label'];
}

export interface BatchResult {
  summary: { rows: number; valid: number; created: number; failed: number; duplicate: number; sent: number };
  rows: BatchRowResult[];
}

/** An AppError of one row as the row's errors: its per-field errors, else its detail on the field it is about. */
export function rowErrors(err: AppError): RowError[] {
  if (err.errors && Object.keys(err.errors).length) {
    return Object.entries(err.errors).flatMap(([field, messages]) => messages.map((message) => ({ field, message })));
  }
  const field = err.code === 'relationship-exists' ? 'customer.tenantId' : '(row)';
  return [{ field, message: err.detail }];
}

/** The keys a row is a repeat by: the same tenant, or the same email and company name. */
function identities(input: NewInvitation): { key: string; field: string }[] {
  const c = input.customer;
  return [
    ...(c.tenantId ? [{ key: `tenant:${c.tenantId}`, field: 'customer.tenantId' }] : []),
    { key: `email:${c.email.toLowerCase()}|${foldName(c.companyName)}`, field: 'customer.email' },
  ];
}

/** Marks the rows that repeat an earlier row of the batch; returns the error of each repeat by row number. */
function findDuplicates(rows: BatchRow[]): Map<number, RowError[]> {
  const firstSeen = new Map<string, number>();
  const repeats = new Map<number, RowError[]>();
  for (const r of rows) {
    if (!r.input) continue;
    const ids = identities(r.input);
    const earlier = ids.map((id) => ({ ...id, at: firstSeen.get(id.key) })).find((id) => id.at !== undefined);
    if (earlier) {
      const what = earlier.field === 'customer.tenantId' ? 'the same tenant ID' : 'the same email and company name';
      repeats.set(r.row, [{ field: earlier.field, message: `repeats row ${earlier.at} (${what}); only the first is created` }]);
      continue;
    }
    for (const id of ids) firstSeen.set(id.key, r.row);
  }
  return repeats;
}

async function mapBounded<T, R>(items: T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/** The key a row is created under: the batch's key and the row's own content (so a retried batch replays it). */
const rowKey = (batchKey: string, input: NewInvitation) => `batch-${sha256(batchKey)}-${sha256(canonicalJson(input))}`;

const brief = (v: InvitationView): BatchRowResult['invitation'] => ({
  id: v.id,
  ...(v.url ? { url: v.url } : {}),
  status: v.status,
  email: { status: v.email.status, ...(v.email.error ? { error: v.email.error } : {}) },
});

/** The errors a send may end in that leave the created invitation as the row's answer. */
const SEND_OUTCOMES = new Set(['send-limit', 'email-send-failed', 'invitation-not-pending']);

export async function inviteBatch(
  deps: Deps,
  partner: Partner,
  principal: Principal,
  rows: BatchRow[],
  options: BatchOptions,
  acceptLanguageLocale: Locale,
): Promise<BatchResult> {
  // What would fail every row fails the request, before anything is written.
  assertReseller(partner);
  if (options.idempotencyKey !== undefined) assertIdempotencyKey(options.idempotencyKey);
  const wantsSend = (r: BatchRow) => options.send || r.input?.send === true;
  if (!options.dryRun && !deps.mailer && rows.some(wantsSend)) throw emailNotConfigured();

  const repeats = findDuplicates(rows);
  const one = async (r: BatchRow): Promise<BatchRowResult> => {
    const base = { row: r.row, ...(r.line !== undefined ? { line: r.line } : {}), label: r.label };
    if (!r.input) return { ...base, status: 'failed', errors: r.errors ?? [] };
    const repeat = repeats.get(r.row);
    if (repeat) return { ...base, status: 'duplicate', errors: repeat };
    // The send happens after the creation, so that a row over a send limit keeps its invitation.
    const body: NewInvitation = { ...r.input, send: false };
    try {
      if (options.dryRun) {
        await prepareInvitation(deps, partner, principal, body, acceptLanguageLocale);
        return { ...base, status: 'valid', errors: [] };
      }
      const key = options.idempotencyKey === undefined ? undefined : rowKey(options.idempotencyKey, body);
      const created = await createInvitation(deps, partner, principal, body, acceptLanguageLocale, key);
      if (!wantsSend(r)) return { ...base, status: 'created', errors: [], invitation: brief(created) };
      try {
        return {
          ...base,
          status: 'created',
          errors: [],
          invitation: brief(await sendInvitation(deps, partner, principal, created.id, {})),
        };
      } catch (err) {
        if (!(err instanceof AppError) || !SEND_OUTCOMES.has(err.code)) throw err;
        const now = brief(await getInvitation(deps, partner, created.id));
        return { ...base, status: 'created', errors: [{ field: 'send', message: err.detail }], invitation: now };
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return { ...base, status: 'failed', errors: rowErrors(err) };
    }
  };
  const results = await mapBounded(rows, BATCH_CONCURRENCY, one);
  const count = (s: BatchRowStatus) => results.filter((r) => r.status === s).length;
  return {
    summary: {
      rows: results.length,
      // Rows that passed every check: in a dry run the ones that would be created.
      valid: count('valid') + count('created'),
      created: count('created'),
      failed: count('failed'),
      duplicate: count('duplicate'),
      sent: results.filter((r) => r.invitation?.email.status === 'sent').length,
    },
    rows: results,
  };
}
