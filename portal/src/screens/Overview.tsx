/**
 * Overview, the first screen after sign-in: GET /api/insights as tiles, the last 12 weeks as a
 * hand-drawn SVG bar chart with its data table and a text alternative, and the customers whose
 * delegated admin ends within 30 days, linked to their records.
 */
import type { Insights } from '../../../src/client';
import { gridValues } from '../chartScale';
import { useSession } from '../context';
import { counted, fill, formatDate, type Lang } from '../i18n';
import type { Catalogue } from '../i18n/en';
import { ErrorAlert, Loading, ScreenHeading } from '../ui';
import { useLoad } from '../useLoad';

type Week = Insights['weeks'][number];
const SERIES = ['invited', 'accepted', 'removed'] as const;

/** Monday of an ISO week ("2026-W49"), as an ISO date. */
export function mondayOf(week: string): string {
  const [year, n] = week.split('-W').map(Number) as [number, number];
  const jan4 = Date.UTC(year, 0, 4);
  const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
  return new Date(monday1 + (n - 1) * 7 * 86_400_000).toISOString();
}

const shortDate = (lang: Lang, iso: string) =>
  new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(iso));

export function Overview() {
  const { t, lang, api } = useSession();
  const { data, error } = useLoad((signal) => api.getInsights({ signal }), [api]);
  const num = new Intl.NumberFormat(lang);
  return (
    <section aria-labelledby="screen-title" class="overview">
      <ScreenHeading>{t.overview.title}</ScreenHeading>
      <ErrorAlert t={t} error={error} />
      {!data && !error ? <Loading t={t} /> : null}
      {data ? (
        <>
          <p class="muted small">{fill(t.overview.asOf, { date: formatDate(lang, data.asOf) })}</p>
          <ul class="tiles">
            <Tile id="tile-active" label={t.overview.active} value={num.format(data.relationships.active)} />
            <Tile id="tile-pending" label={t.overview.pending} value={num.format(data.invitations.pending)} />
            <Tile
              id="tile-rate"
              label={t.overview.rate}
              value={
                data.acceptance.rate === null
                  ? '–'
                  : new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(data.acceptance.rate)
              }
              hint={
                data.acceptance.rate === null
                  ? t.overview.noRate
                  : `${t.overview.rateHint}. ${fill(t.overview.median, {
                      hours: new Intl.NumberFormat(lang, {
                        style: 'unit',
                        unit: 'hour',
                        unitDisplay: 'long',
                        maximumFractionDigits: 1,
                      }).format(data.acceptance.medianHoursToAccept ?? 0),
                    })}`
              }
            />
            <Tile id="tile-ending" label={t.overview.ending} value={num.format(data.delegatedAdmin.endingWithin['30'])} />
          </ul>
          <Weeks t={t} lang={lang} weeks={data.weeks} />
          <section aria-labelledby="ending-title">
            <h2 id="ending-title">{t.overview.endingTitle}</h2>
            {data.endingSoon.length === 0 ? (
              <p class="empty">{t.overview.endingNone}</p>
            ) : (
              <ul class="cards" aria-labelledby="ending-title">
                {data.endingSoon.map((g) => (
                  <li key={g.customerId} class="card">
                    <a class="card-title" href={`#/customers/${g.customerId}`}>
                      {g.companyName}
                    </a>
                    <span class="small">{fill(t.overview.endsOn, { date: formatDate(lang, g.endsAt, false) })}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      ) : null}
    </section>
  );
}

function Tile(props: { id: string; label: string; value: string; hint?: string }) {
  return (
    <li class="tile" aria-labelledby={`${props.id}-label`}>
      <span class="tile-label" id={`${props.id}-label`}>
        {props.label}
      </span>
      <span class="tile-value" id={props.id}>
        {props.value}
      </span>
      {props.hint ? <span class="muted small">{props.hint}</span> : null}
    </li>
  );
}

/** The bar chart (drawn by hand: no library in the bundle) and the same numbers as a table. */
function Weeks({ t, lang, weeks }: { t: Catalogue; lang: Lang; weeks: Week[] }) {
  const num = new Intl.NumberFormat(lang);
  const W = 640;
  const H = 240;
  const left = 36;
  const bottom = 28;
  const top = 12;
  const max = Math.max(1, ...weeks.flatMap((w) => SERIES.map((s) => w[s])));
  const right = 8;
  const band = (W - left - right) / Math.max(1, weeks.length);
  const bar = Math.min(12, (band - 8) / SERIES.length);
  const y = (v: number) => top + (H - top - bottom) * (1 - v / max);
  const total = (s: (typeof SERIES)[number], forms: string) => {
    const n = weeks.reduce((a, w) => a + w[s], 0);
    return counted(lang, n, forms, num.format(n));
  };
  const first = weeks[0];
  const last = weeks.at(-1);
  const summary =
    first && last
      ? fill(t.overview.chartSummary, {
          first: shortDate(lang, mondayOf(first.week)),
          last: shortDate(lang, mondayOf(last.week)),
          invited: total('invited', t.counts.invitations),
          accepted: total('accepted', t.counts.accepted),
          removed: total('removed', t.counts.customersRemoved),
        })
      : '';
  return (
    <section aria-labelledby="chart-title" class="chart">
      <h2 id="chart-title">{t.overview.chartTitle}</h2>
      <p id="chart-summary">{summary}</p>
      <ul class="legend" aria-hidden="true">
        {SERIES.map((s) => (
          <li key={s}>
            <span class={`swatch ${s}`} />
            {t.overview[s]}
          </li>
        ))}
      </ul>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title" aria-describedby="chart-summary" class="bars">
        {gridValues(max).map((v) => (
          <g key={v}>
            <line x1={left} x2={W - right} y1={y(v)} y2={y(v)} class="grid" />
            <text x={left - 6} y={y(v) + 4} text-anchor="end" class="axis">
              {num.format(v)}
            </text>
          </g>
        ))}
        {weeks.map((w, i) => {
          const x0 = left + i * band + (band - bar * SERIES.length) / 2;
          return (
            <g key={w.week}>
              {SERIES.map((s, j) => (
                <rect key={s} class={s} x={x0 + j * bar} y={y(w[s])} width={bar - 1} height={Math.max(0, H - bottom - y(w[s]))} />
              ))}
              {(weeks.length - 1 - i) % 2 === 0 ? (
                <text x={left + i * band + band / 2} y={H - 8} text-anchor="middle" class="axis">
                  {shortDate(lang, mondayOf(w.week))}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="weeks-caption">
        <table class="weeks">
          <caption id="weeks-caption">{t.overview.chartTitle}</caption>
          <thead>
            <tr>
              <th scope="col">{t.overview.week}</th>
              {SERIES.map((s) => (
                <th scope="col" key={s}>
                  {t.overview[s]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((w) => (
              <tr key={w.week} data-week={w.week}>
                <th scope="row">
                  <abbr title={w.week}>{shortDate(lang, mondayOf(w.week))}</abbr>
                </th>
                {SERIES.map((s) => (
                  <td key={s}>{num.format(w[s])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
