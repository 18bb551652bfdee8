/**
 * The wire shapes of bulk invitations (POST /api/invitations/batch) and of the CSV exports' query.
 * A batch's rows are createInvitation bodies, each validated on its own (src/http/batchRequest.ts).
 */
import { z } from 'zod';
import { EMAIL_STATUSES } from '../domain/model';
import { BATCH_MAX_ROWS, BATCH_ROW_STATUSES } from '../domain/batch';
import { CsvExport, InvitationStatus } from './schemas';

/** A query flag: `true` or `false` (a CSV upload's options travel in the query). */
const Flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

export const BatchQuery = z.object({
  dryRun: Flag.optional().describe('CSV bodies: validate every row and write nothing'),
  send: Flag.optional().describe("CSV bodies: send each created invitation's draft (within the send limits)"),
  delimiter: CsvExport.delimiter.describe('The delimiter of a CSV answer (Accept: text/csv)'),
});

export const BatchRequestBody = z
  .strictObject({
    rows: z
      .array(z.unknown(), { error: 'must be a list of createInvitation bodies' })
      .min(1, `must hold 1 to ${BATCH_MAX_ROWS} rows`)
      .max(BATCH_MAX_ROWS, `must hold 1 to ${BATCH_MAX_ROWS} rows`)
      .describe('createInvitation bodies, each validated on its own'),
    dryRun: z.boolean({ error: 'must be true or false' }).optional().describe('Validate every row and write nothing'),
    send: z.boolean({ error: 'must be true or false' }).optional().describe("Send each created invitation's draft"),
  })
  .meta({ id: 'BatchRequest' });

const RowErrorSchema = z.object({ field: z.string(), message: z.string() });

export const BatchResultSchema = z
  .object({
    summary: z.object({
      rows: z.number().int(),
      valid: z.number().int(),
      created: z.number().int(),
      failed: z.number().int(),
      duplicate: z.number().int(),
      sent: z.number().int(),
    }),
    rows: z.array(
      z.object({
        row: z.number().int().describe('1 for the first row of data'),
        line: z.number().int().optional().describe("CSV bodies: the row's first line in the file (the header is line 1)"),
        status: z.enum(BATCH_ROW_STATUSES),
        companyName: z.string().describe('The row’s company name as given (empty when missing)'),
        email: z.string().describe('The row’s email address as given (empty when missing)'),
        errors: z.array(RowErrorSchema).describe('Named as createInvitation names its fields (customer.email, access.roles, …)'),
        invitation: z
          .object({
            id: z.string(),
            url: z.string().optional(),
            status: InvitationStatus,
            email: z.object({ status: z.enum(EMAIL_STATUSES), error: z.string().optional() }),
          })
          .optional(),
      }),
    ),
  })
  .meta({ id: 'BatchResult' });
