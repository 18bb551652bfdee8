/** The warning points of a grant or invitation (pure): ahead, entered at the start, and the next after each. */
import { describe, expect, it } from 'vitest';
import { GRANT_WINDOWS, nextPoint } from '../../src/domain/endingSoon';

const DAY = 86_400_000;
const now = new Date('2027-01-10T12:00:00Z');
const base = (days: number) => ({
  kind: 'grant' as const,
  partnerId: 'p',
  subjectId: 'c',
  endsAt: new Date(now.getTime() + days * DAY).toISOString(),
});
const at = (iso: string) => Date.parse(iso);

describe('nextPoint', () => {
  it('P60D: the 30-day point first, then 7, then 1, then none', () => {
    const b = base(60);
    const first = nextPoint(b, GRANT_WINDOWS, now)!;
    expect(first.days).toBe(30);
    expect(at(first.dueAt)).toBe(at(b.endsAt) - 30 * DAY);
    const later = new Date(at(first.dueAt) + 1000);
    expect(nextPoint(b, GRANT_WINDOWS, later, 30)!.days).toBe(7);
    expect(nextPoint(b, GRANT_WINDOWS, later, 7)!.days).toBe(1);
    expect(nextPoint(b, GRANT_WINDOWS, later, 1)).toBeUndefined();
  });

  it('P5D: the 7-day warning now, never the 30-day one; then the 1-day one at its time', () => {
    const b = base(5);
    const first = nextPoint(b, GRANT_WINDOWS, now)!;
    expect(first).toMatchObject({ days: 7, dueAt: now.toISOString() });
    expect(at(nextPoint(b, GRANT_WINDOWS, now, 7)!.dueAt)).toBe(at(b.endsAt) - DAY);
  });

  it('P1D: one warning, now; an end in the past: none', () => {
    expect(nextPoint(base(1), GRANT_WINDOWS, now)).toMatchObject({ days: 1, dueAt: now.toISOString() });
    expect(nextPoint(base(1), GRANT_WINDOWS, now, 1)).toBeUndefined();
    expect(nextPoint(base(-1), GRANT_WINDOWS, now)).toBeUndefined();
  });

  it('a job that ran late past two points emits the narrower one next, not the wider one again', () => {
    const b = base(60);
    const late = new Date(at(b.endsAt) - 2 * DAY);
    expect(nextPoint(b, GRANT_WINDOWS, late, 30)).toMatchObject({ days: 7, dueAt: late.toISOString() });
  });
});
