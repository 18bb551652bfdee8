/** The benchmark's results: their shape (latest.json) and their Markdown (latest.md). */
import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem, type } from 'node:os';
import type { StartupResult } from './startup';
import type { Summary } from './stats';

/** The largest parts of the main bundle listed one by one; the rest are summed. */
const BUNDLE_PARTS_SHOWN = 12;

export interface RoundTrips {
  /** Storage round trips of one request (the one-time createTable excluded). */
  total: number;
  /** e.g. "2 get + 1 commit". */
  detail: string;
  /** Entities the storage answered with. */
  entitiesRead: number;
  /** Entities storage passed over to answer (more than it answered with when a range has a filter). */
  entitiesExamined: number;
  /** Writes in each commit. */
  writes: number[];
}

export interface Measured {
  id: string;
  endpoint: string;
  customers: number | undefined;
  kind: 'read' | 'write';
  connections: number;
  http: Summary;
  statusCodes: Record<string, number>;
  floorLabel: string;
  floor: Summary;
  ratioP50: number;
  roundTrips?: RoundTrips;
}

export interface Machine {
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
  os: string;
  node: string;
  azurite: string;
  dataTables: string;
  autocannon: string;
  /** The commit measured, and the files of src/ and functions/ changed from it when measured. */
  commit: string;
  uncommitted: string[];
}

export interface BenchResult {
  at: string;
  machine: Machine;
  settings: { sizes: number[]; secondsPerRun: number; connections: number[]; startupRuns: number; page: number; searchPrefix: string };
  measured: Measured[];
  rawOps: { name: string; connections: number; summary: Summary }[];
  startup: StartupResult;
  runnerErrors: number;
  totalSeconds: number;
}

export const TARGETS = {
  readRatio: 1.2,
  pageGrowth: 1.2,
  acceptRoundTrips: 3,
  /** The deployed bundle's cold import and first response, each against the floor's. */
  coldStartRatio: 1.3,
};

const version = (pkg: string): string => {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd();
  } catch {
    return '';
  }
}

export function machineInfo(): Machine {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cpuCount: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    azurite: version('azurite'),
    dataTables: version('@azure/data-tables'),
    autocannon: version('autocannon'),
    commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    uncommitted: git(['status', '--porcelain', '--', 'src', 'functions'])
      .split('\n')
      .map((l) => l.slice(3).trim())
      .filter(Boolean),
  };
}

const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
const verdict = (ok: boolean) => (ok ? 'pass' : '**FAIL**');
/** A Markdown table; a column whose every cell is a number (or ×, →, %) is right-aligned. */
function table(head: string[], rows: string[][]): string {
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+\d.,×→% ]*$/.test(r[i] ?? '')));
  return [
    `| ${head.join(' | ')} |`,
    `|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The "a page costs the same at every size" comparisons, smallest size against largest. */
export function pageGrowth(result: BenchResult) {
  const sizes = result.settings.sizes;
  if (sizes.length < 2) return [];
  const small = Math.min(...sizes);
  const large = Math.max(...sizes);
  const rows = [];
  for (const id of ['list.first', 'list.deep', 'list.search']) {
    // At 1 connection: at 10, every request queues behind Azurite's single thread and the p50 is that queue.
    for (const connections of [1]) {
      const a = result.measured.find((m) => m.id === `${id}@${small}` && m.connections === connections);
      const b = result.measured.find((m) => m.id === `${id}@${large}` && m.connections === connections);
      if (!a || !b) continue;
      const rtA = a.roundTrips?.total ?? NaN;
      const rtB = b.roundTrips?.total ?? NaN;
      const enA = a.roundTrips?.entitiesExamined ?? NaN;
      const enB = b.roundTrips?.entitiesExamined ?? NaN;
      const normalized = b.ratioP50 / a.ratioP50;
      const absolute = b.http.p50 / a.http.p50;
      const storageOk = rtB <= rtA * TARGETS.pageGrowth && enB <= enA * TARGETS.pageGrowth;
      rows.push({
        endpoint: a.endpoint,
        connections,
        small,
        large,
        a,
        b,
        rtA,
        rtB,
        enA,
        enB,
        normalized,
        absolute,
        ok: storageOk && normalized <= TARGETS.pageGrowth,
      });
    }
  }
  return rows;
}

export function renderMarkdown(r: BenchResult): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`# Benchmark results`, '');
  out.push(
    `Run ${r.at} on ${m.cpuCount} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}; Azurite ${m.azurite} (in memory); @azure/data-tables ${m.dataTables}; autocannon ${m.autocannon}. ` +
      `Code: commit ${m.commit}${m.uncommitted.length ? ` with uncommitted changes to ${m.uncommitted.join(', ')}` : ''}. ${r.settings.secondsPerRun} s per run, loopback; whole run ${f0(r.totalSeconds)} s. Latencies in ms; the floor is the raw @azure/data-tables work the endpoint needs, measured on the same Azurite and partition in alternating slices with the endpoint (eight at 1 connection, two at 10), with the same loop (1 connection: one call at a time; 10: ten at once). n: successful requests measured.`,
    '',
  );

  out.push('## Endpoints against their raw storage floor', '');
  out.push(
    table(
      [
        'endpoint',
        'customers',
        'conns',
        'n',
        'p50',
        'p99',
        'req/s',
        'floor',
        'floor p50',
        'floor p99',
        'floor ops/s',
        'p50 − floor p50',
        'ratio p50',
        `target (read p50 ≤ ${TARGETS.readRatio}× floor)`,
      ],
      r.measured.map((x) => [
        x.endpoint,
        x.customers === undefined ? '' : String(x.customers),
        String(x.connections),
        String(x.http.count),
        f2(x.http.p50),
        f2(x.http.p99),
        f0(x.http.throughput),
        x.floorLabel,
        f2(x.floor.p50),
        f2(x.floor.p99),
        f0(x.floor.throughput),
        `${x.http.p50 >= x.floor.p50 ? '+' : ''}${f2(x.http.p50 - x.floor.p50)}`,
        `${f2(x.ratioP50)}×`,
        x.kind === 'read' ? verdict(x.ratioP50 <= TARGETS.readRatio) : '(write: reported)',
      ]),
    ),
    '',
  );
  const failed = r.measured.filter((x) => x.http.failures > 0);
  if (failed.length)
    out.push(`Failed requests: ${failed.map((x) => `${x.endpoint} c=${x.connections}: ${JSON.stringify(x.statusCodes)}`).join('; ')}.`, '');

  out.push('## Storage round trips per request', '');
  out.push(
    'One request of each kind, partner lookup cached (it is cached 30 s per process; a cold one adds 1 get), the one-time createTable excluded. ' +
      '"Entities examined": the rows storage passes over to answer; a range with a filter (a search longer than its bucket) passes over more rows than it returns. ' +
      'Counted afterwards with a raw query of the same key range, up to the last row returned.',
    '',
  );
  const seen = new Set<string>();
  out.push(
    table(
      ['endpoint', 'customers', 'round trips', 'of which', 'entities read', 'entities examined', 'writes per commit', 'target'],
      r.measured
        .filter((x) => x.roundTrips && !seen.has(x.id) && seen.add(x.id))
        .map((x) => {
          const rt = x.roundTrips!;
          return [
            x.endpoint,
            x.customers === undefined ? '' : String(x.customers),
            String(rt.total),
            rt.detail,
            String(rt.entitiesRead),
            String(rt.entitiesExamined ?? ''),
            rt.writes.length ? rt.writes.join(', ') : '',
            x.id === 'accept' ? `≤ ${TARGETS.acceptRoundTrips}: ${verdict(rt.total <= TARGETS.acceptRoundTrips)}` : '',
          ];
        }),
    ),
    '',
  );

  const growth = pageGrowth(r);
  if (growth.length) {
    const g0 = growth[0]!;
    out.push(`## A page of ${r.settings.page} at ${g0.large} customers against ${g0.small}`, '');
    out.push(
      `Target: the same cost within ${Math.round((TARGETS.pageGrowth - 1) * 100)}%. Judged on what storage does (round trips, and entities examined: those it passes over to find the page, which is what Azure Table Storage spends its time on) and on the endpoint's p50 relative to its floor at each size, at 1 connection (at 10, every request queues behind Azurite's single thread). ` +
        'The absolute p50 is shown too but not judged: Azurite (LokiJS) filters and sorts every matching entity of a query before it applies the page size, so its own range page grows with the partition, which Azure Table Storage does not do.',
      '',
    );
    out.push(
      table(
        [
          'endpoint',
          'conns',
          `p50 @${g0.small}`,
          `p50 @${g0.large}`,
          'absolute ×',
          `floor ratio @${g0.small}`,
          `floor ratio @${g0.large}`,
          'normalized ×',
          'round trips',
          'entities examined',
          'result',
        ],
        growth.map((g) => [
          g.endpoint,
          String(g.connections),
          f2(g.a.http.p50),
          f2(g.b.http.p50),
          f2(g.absolute),
          f2(g.a.ratioP50),
          f2(g.b.ratioP50),
          f2(g.normalized),
          `${g.rtA} → ${g.rtB}`,
          `${g.enA} → ${g.enB}`,
          verdict(g.ok),
        ]),
      ),
      '',
    );
  }

  out.push('## Raw operations (reference)', '');
  out.push(
    table(
      ['operation', 'conns', 'p50', 'p99', 'ops/s'],
      r.rawOps.map((x) => [x.name, String(x.connections), f2(x.summary.p50), f2(x.summary.p99), f0(x.summary.throughput)]),
    ),
    '',
  );

  const s = r.startup;
  const floor = s.variants.find((v) => v.name === 'floor')!;
  const bundle = s.variants.find((v) => v.name === 'bundle')!;
  const noConnection = s.connectionsAtImport === 0 && s.variants.every((v) => v.sockets.length === 0);
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? NaN : a / b);
  const importRatio = ratio(bundle.importMs, floor.importMs);
  const firstRatio = ratio(bundle.firstResponseMs, floor.firstResponseMs);
  out.push('## Cold start', '');
  out.push(
    (s.at ? `Measured apart from the rest, at ${s.at} on Node ${s.node ?? 'unknown'} (BENCH_ONLY=coldstart). ` : '') +
      `Median of ${floor.runs} fresh Node processes each (interleaved, after one warm-up round). "import" is the time of the require calls; "since process start" adds Node's own boot; ` +
      '"first response" is the import plus the first `GET /api/partners/me` through the getPartner handler in that process (config, adapters, SDK clients and the partner read on Azurite), as a cold instance would answer. ' +
      'The floor is one function of the same shape (`@azure/functions` + `@azure/data-tables`, one point read, no config or validation), bundled by the same build function with the same options. ' +
      `Storage went through a relay that notes when connections open, email to a local server that counts them: connections opened during the imports: ${s.connectionsAtImport} (storage connections in all, from the first requests: ${s.storageConnections}); ` +
      `sockets open after the imports: ${s.variants.every((v) => v.sockets.length === 0) ? 'none' : s.variants.map((v) => `${v.name}: ${v.sockets.join(', ')}`).join('; ')}.`,
    '',
  );
  out.push(
    table(
      [
        'variant',
        'what is imported',
        'import ms',
        'since process start ms',
        'first response ms',
        'import × floor',
        'first response × floor',
      ],
      s.variants.map((v) => [
        v.name,
        v.description,
        f2(v.importMs),
        f2(v.sinceProcessStartMs),
        v.firstResponseMs === undefined ? '' : f2(v.firstResponseMs),
        v.name === 'bare' ? '' : `${f2(ratio(v.importMs, floor.importMs))}×`,
        v.firstResponseMs === undefined ? '' : `${f2(ratio(v.firstResponseMs, floor.firstResponseMs))}×`,
      ]),
    ),
    '',
  );
  out.push(`No storage or email connection opened at import: ${verdict(noConnection)}.`, '');
  if (bundle.lazyLoaded) {
    out.push(
      `Lazy parts (dist/lazy/) loaded by the bundle's import and first response: ${bundle.lazyLoaded.length ? bundle.lazyLoaded.join(', ') : 'none'}.`,
      '',
    );
  }
  if (s.bundle.parts) {
    const kib = (bytes: number) => (bytes / 1024).toFixed(0);
    const top = s.bundle.parts.slice(0, BUNDLE_PARTS_SHOWN);
    const rest = s.bundle.parts.slice(BUNDLE_PARTS_SHOWN);
    out.push(
      `The main bundle, dist/main.js, by part (esbuild metafile; KiB in the output): ${kib(s.bundle.bytes)} KiB in all.`,
      '',
      table(
        ['part', 'KiB'],
        [...top.map((p) => [p.part, kib(p.bytes)]), [`${rest.length} others`, kib(rest.reduce((n, p) => n + p.bytes, 0))]],
      ),
      '',
    );
  }
  if (s.bundle.lazy) {
    out.push(
      `Loaded on demand, each from its own file: ${s.bundle.lazy.map((p) => `${p.part} (${(p.bytes / 1024).toFixed(0)} KiB)`).join(', ')}.`,
      '',
    );
  }

  out.push('## Targets', '');
  const reads = r.measured.filter((x) => x.kind === 'read');
  const accept = r.measured.find((x) => x.id === 'accept')?.roundTrips;
  out.push(
    table(
      ['target', 'measured', 'result'],
      [
        [
          `each read endpoint's p50 ≤ ${TARGETS.readRatio}× its raw floor`,
          `${reads.filter((x) => x.ratioP50 <= TARGETS.readRatio).length} of ${reads.length} runs; worst ${f2(Math.max(...reads.map((x) => x.ratioP50)))}× (${reads.reduce((w, x) => (x.ratioP50 > w.ratioP50 ? x : w), reads[0]!).endpoint})`,
          verdict(reads.every((x) => x.ratioP50 <= TARGETS.readRatio)),
        ],
        [
          `a page of ${r.settings.page} costs the same at the largest size as at the smallest (±${Math.round((TARGETS.pageGrowth - 1) * 100)}%)`,
          growth.length
            ? growth
                .filter((g) => !g.ok)
                .map((g) => `${g.endpoint} c=${g.connections}`)
                .join(', ') || 'all list pages'
            : 'needs two sizes',
          growth.length ? verdict(growth.every((g) => g.ok)) : 'n/a',
        ],
        [
          `accept makes ≤ ${TARGETS.acceptRoundTrips} storage round trips`,
          accept ? `${accept.total} (${accept.detail})` : 'n/a',
          accept ? verdict(accept.total <= TARGETS.acceptRoundTrips) : 'n/a',
        ],
        [
          `cold start: the deployed bundle's import ≤ ${TARGETS.coldStartRatio}× the floor's`,
          `${f2(bundle.importMs)} ms vs ${f2(floor.importMs)} ms (${f2(importRatio)}×)`,
          verdict(importRatio <= TARGETS.coldStartRatio),
        ],
        [
          `cold start: the deployed bundle's first response ≤ ${TARGETS.coldStartRatio}× the floor's`,
          `${f2(bundle.firstResponseMs ?? NaN)} ms vs ${f2(floor.firstResponseMs ?? NaN)} ms (${f2(firstRatio)}×)`,
          verdict(firstRatio <= TARGETS.coldStartRatio),
        ],
        ['importing opens no storage or email connection', `${s.connectionsAtImport} connection(s) during imports`, verdict(noConnection)],
      ],
    ),
    '',
  );
  return `${out.join('\n')}\n`;
}
