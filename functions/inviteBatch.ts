import { operations } from '../src/api/operations';
import { inviteBatch as invite } from '../src/domain/batch';
import { readBatch } from '../src/http/batchRequest';
import { csvHeaders, csvOf, delimiterOf, wantsCsv } from '../src/http/csv';
import { BATCH_RESULT_COLUMNS } from '../src/http/csvViews';
import { batchView } from '../src/http/wire';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';
import { localeFromAcceptLanguage } from '../src/i18n';
import { localizedBatch } from '../src/i18n/fieldMessages';

export const inviteBatch = endpoint(operations.inviteBatch)(async ({ deps, partner, principal, query, request }) => {
  const batch = await readBatch(request, query);
  const locale = localeFromAcceptLanguage(request.headers.get('accept-language'));
  const idempotencyKey = request.headers.get('idempotency-key') ?? undefined;
  // The rows' messages in the partner's language (the invitations' own language is each row's `locale`, else this one).
  const result = localizedBatch(await invite(deps, partner, principal, batch.rows, { ...batch, idempotencyKey }, locale), locale);
  if (wantsCsv(request)) {
    return {
      status: 200,
      headers: csvHeaders('invitations-batch', deps.clock.now()),
      body: csvOf(result.rows, BATCH_RESULT_COLUMNS, delimiterOf(query)),
    };
  }
  return { status: 200, json: batchView(result) };
});

register(operations.inviteBatch, inviteBatch);
