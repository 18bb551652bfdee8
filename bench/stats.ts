/** Latency samples and their summary, shared by the HTTP runs and the raw storage runs. */

export interface Sample {
  /** Latencies (ms) of the successful calls, in completion order. */
  latencies: number[];
  /** Calls that failed (non-2xx, connection errors, SDK errors). */
  failures: number;
  /** From the first call started to the last call finished. */
  elapsedMs: number;
  /** Status codes seen (HTTP runs only). */
  statusCodes?: Record<string, number>;
}

export interface Summary {
  count: number;
  failures: number;
  p50: number;
  p99: number;
  mean: number;
  /** Successful calls per second. */
  throughput: number;
  elapsedS: number;
}

/** The q-quantile by the nearest-rank method (q in 0..1). */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function summarize(sample: Sample): Summary {
  const sorted = [...sample.latencies].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    failures: sample.failures,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    throughput: sample.elapsedMs > 0 ? (sorted.length * 1000) / sample.elapsedMs : 0,
    elapsedS: sample.elapsedMs / 1000,
  };
}

export function median(values: number[]): number {
  return quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** Runs `op` for `durationMs`: one call at a time per lane, `lanes` lanes at once. */
export async function closedLoop(
  op: (i: number) => Promise<unknown>,
  lanes: number,
  durationMs: number,
  maxCalls = Infinity,
): Promise<Sample> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  let firstError: unknown;
  const start = performance.now();
  const end = start + durationMs;
  let last = start;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (performance.now() < end && next < maxCalls) {
        const i = next++;
        const t0 = performance.now();
        try {
          await op(i);
          last = performance.now();
          latencies.push(last - t0);
        } catch (err) {
          last = performance.now();
          failures++;
          firstError ??= err;
        }
      }
    }),
  );
  if (failures && latencies.length === 0) throw firstError instanceof Error ? firstError : new Error(String(firstError));
  return { latencies, failures, elapsedMs: last - start };
}
