/** The wire shape of GET /api/insights (src/domain/insights.ts). */
import { z } from 'zod';
import { IsoDate } from './schemas';

const Count = z.number().int().nonnegative();

export const InsightsSchema = z
  .object({
    asOf: IsoDate.describe('The moment every count is exact at'),
    invitations: z.object({
      pending: Count,
      accepted: Count,
      declined: Count,
      expired: Count.describe('Including pending invitations whose expiry has passed'),
      revoked: Count,
      emailed: Count.describe('Invitations whose draft was sent through the service'),
    }),
    relationships: z.object({ active: Count, removed: Count }),
    delegatedAdmin: z.object({
      granted: Count,
      endingWithin: z
        .object({ '7': Count, '30': Count, '90': Count })
        .describe('Granted delegated admin that ends within 7, 30 and 90 days of asOf'),
      expired: Count,
      revoked: Count,
    }),
    acceptance: z
      .object({
        rate: z.number().min(0).max(1).nullable().describe('accepted / (accepted + declined + expired), null when none ended'),
        medianHoursToAccept: z.number().nonnegative().nullable().describe('Whole hours from invitation to acceptance; null when none'),
      })
      .describe('Over the last 90 UTC days, today included'),
    weeks: z
      .array(
        z.object({
          week: z.string().describe('ISO 8601 week, e.g. 2026-W49'),
          invited: Count,
          accepted: Count,
          declined: Count,
          removed: Count,
        }),
      )
      .describe('The last 12 ISO weeks, oldest first'),
    endingSoon: z
      .array(z.object({ customerId: z.string(), companyName: z.string(), endsAt: IsoDate }))
      .describe('The first customers whose delegated admin ends within 30 days, soonest first (at most 20)'),
  })
  .meta({ id: 'Insights' });
