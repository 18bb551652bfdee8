/**
 * The wire shapes of bulk invitations (POST /api/invitations/batch) and of the CSV exports' query.
 * A batch's rows are createInvitation bodies, each validated on its own (src/http/batchRequest.ts).
 */
import * as z from '../zod';
import { BATCH_MAX_ROWS, BATCH_ROW_STATUSES, EMAIL_STATUSES } from '../domain/model';
import { CsvExport, InvitationStatus } from './schemas';

/** A query flag: `true` or `false` (a CSV upload's options travel in the query). */
const Flag = () =>
  z.pipe(
    z.enum(['true', 'false'], { error: 'must be true or false' }),
    z.transform((v: 'true' | 'false') => v === 'true'),
  );

export const BatchQuery = z.lazy(() =>
  z.object({
    dryRun: z.described(z.optional(Flag()), 'CSV bodies: validate every row and write nothing'),
    send: z.described(z.optional(Flag()), "CSV bodies: send each created invitation's draft (within the send limits)"),
    delimiter: z.described(CsvExport().delimiter, 'The delimiter of a CSV answer (Accept: text/csv)'),
  }),
);

const ROWS_RULE = `must hold 1 to ${BATCH_MAX_ROWS} rows`;

export const BatchRequestBody = z.deferred(
  () =>
    z.strictObject({
      rows: z.described(
        z
          .array(z.unknown(), { error: 'must be a list of createInvitation bodies' })
          .check(z.minLength(1, ROWS_RULE), z.maxLength(BATCH_MAX_ROWS, ROWS_RULE)),
        'createInvitation bodies, each validated on its own',
      ),
      dryRun: z.described(z.optional(z.boolean({ error: 'must be true or false' })), 'Validate every row and write nothing'),
      send: z.described(z.optional(z.boolean({ error: 'must be true or false' })), "Send each created invitation's draft"),
    }),
  { id: 'BatchRequest' },
);

const count = () => z.int();

export const BatchResultSchema = z.deferred(
  () =>
    z.object({
      summary: z.object({ rows: count(), valid: count(), created: count(), failed: count(), duplicate: count(), sent: count() }),
      rows: z.array(
        z.object({
          row: z.described(count(), '1 for the first row of data'),
          line: z.described(z.optional(count()), "CSV bodies: the row's first line in the file (the header is line 1)"),
          status: z.enum(BATCH_ROW_STATUSES),
          companyName: z.described(z.string(), 'The row’s company name as given (empty when missing)'),
          email: z.described(z.string(), 'The row’s email address as given (empty when missing)'),
          errors: z.described(
            z.array(z.object({ field: z.string(), message: z.string() })),
            'Named as createInvitation names its fields (customer.email, access.roles, …)',
          ),
          invitation: z.optional(
            z.object({
              id: z.string(),
              url: z.optional(z.string()),
              status: InvitationStatus,
              email: z.object({ status: z.enum(EMAIL_STATUSES), error: z.optional(z.string()) }),
            }),
          ),
        }),
      ),
    }),
  { id: 'BatchResult' },
);
