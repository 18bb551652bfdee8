/** The wire shape of GET /api/insights (src/domain/insights.ts). */
import * as z from '../zod';
import { IsoDate } from './schemas';

const count = () => z.int().check(z.nonnegative());

const insights = () =>
  z.object({
    asOf: z.described(IsoDate, 'The moment every count is exact at'),
    invitations: z.object({
      pending: count(),
      accepted: count(),
      declined: count(),
      expired: z.described(count(), 'Including pending invitations whose expiry has passed'),
      revoked: count(),
      emailed: z.described(count(), 'Invitations whose draft was sent through the service'),
    }),
    relationships: z.object({ active: count(), removed: count() }),
    delegatedAdmin: z.object({
      granted: count(),
      endingWithin: z.described(
        z.object({ '7': count(), '30': count(), '90': count() }),
        'Granted delegated admin that ends within 7, 30 and 90 days of asOf',
      ),
      expired: count(),
      revoked: count(),
    }),
    acceptance: z.described(
      z.object({
        rate: z.described(
          z.nullable(z.number().check(z.gte(0), z.lte(1))),
          'accepted / (accepted + declined + expired), null when none ended',
        ),
        medianHoursToAccept: z.described(
          z.nullable(z.number().check(z.gte(0))),
          'Whole hours from invitation to acceptance; null when none',
        ),
      }),
      'Over the last 90 UTC days, today included',
    ),
    weeks: z.described(
      z.array(
        z.object({
          week: z.described(z.string(), 'ISO 8601 week, e.g. 2026-W49'),
          invited: count(),
          accepted: count(),
          declined: count(),
          removed: count(),
        }),
      ),
      'The last 12 ISO weeks, oldest first',
    ),
    endingSoon: z.described(
      z.array(z.object({ customerId: z.string(), companyName: z.string(), endsAt: IsoDate })),
      'The first customers whose delegated admin ends within 30 days, soonest first (at most 20)',
    ),
  });

export const InsightsSchema = z.deferred(insights, { id: 'Insights' });
