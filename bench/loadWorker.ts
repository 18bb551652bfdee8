/**
 * Runs autocannon in a worker thread, so that the load generator does not share the event loop
 * of the service it measures (the runner lives in the main thread). The main thread posts jobs,
 * the worker answers each with the latencies it recorded itself (autocannon's own histogram
 * keeps whole milliseconds only, too coarse on loopback).
 */
import autocannon from 'autocannon';
import { parentPort } from 'node:worker_threads';
import type { Sample } from './stats';

export interface HttpCall {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadJob {
  url: string;
  connections: number;
  durationS: number;
  /** The calls to make, in order. */
  calls: HttpCall[];
  /** `cycle`: start again at the end (reads); `once`: each call at most once, stop when used up (pools). */
  mode: 'cycle' | 'once';
}

function run(job: LoadJob): Promise<Sample> {
  return new Promise((resolve, reject) => {
    let next = 0;
    const take = (): HttpCall => {
      const call = job.calls[job.mode === 'cycle' ? next % job.calls.length : Math.min(next, job.calls.length - 1)]!;
      next++;
      return call;
    };
    const latencies: number[] = [];
    const statusCodes: Record<string, number> = {};
    let failures = 0;
    let start = 0;
    let last = 0;
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        pipelining: 1,
        // Notice the end of a run within 100 ms (the default, 1 s, leaves the service idle).
        sampleInt: 100,
        duration: job.durationS,
        timeout: 20,
        // A pool is never reused: every client stops once its share of the pool is spent.
        ...(job.mode === 'once' ? { maxOverallRequests: job.calls.length } : {}),
        requests: [
          {
            setupRequest: (request) => {
              start ||= performance.now();
              const call = take();
              return {
                ...request,
                method: call.method,
                path: call.path,
                headers: call.headers ?? {},
                ...(call.body !== undefined ? { body: call.body } : {}),
              };
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        failures += result.errors;
        resolve({ latencies, failures, elapsedMs: last > start ? last - start : 0, statusCodes });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      last = performance.now();
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else failures++;
    });
  });
}

parentPort?.on('message', (job: LoadJob) => {
  run(job).then(
    (sample) => parentPort?.postMessage({ ok: true, sample }),
    (err: unknown) => parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
