/**
 * Streamed response bodies through the local runner: an endpoint answers
 * `{ status, body: AsyncIterable<Uint8Array>, headers }` (src/http/endpoint.ts, `Streamed`), and the
 * runner pipes it to the socket with backpressure. A slow reader of 50 MB must not make the
 * runner hold the body in memory; a client that disconnects must stop the producer; a producer
 * that fails mid-way must cut the connection rather than end a truncated body cleanly.
 *
 * The test functions are handed to their own runner (`startRunner({ functions })`), so they are
 * registered nowhere else: no other test, nor the OpenAPI document, sees them.
 */
import type { HttpHandler } from '@azure/functions';
import { request, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Operation } from '../../src/api/operations';
import { endpoint } from '../../src/http/endpoint';
import { startRunner, type RunningServer } from '../../src/local/runner';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
const TOTAL = 50 * MiB;

// A forced collection before each memory sample, so that garbage does not pass for a leak.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const memory = async () => {
  // Freed buffers' memory is returned by a background sweep: collect, let it run, collect again.
  gc();
  await sleep(5);
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** What the producer of the current request has done (one streamed request at a time). */
const producer = { produced: 0, started: false, stopped: false };

async function* produce(total: number, failAt = Infinity): AsyncGenerator<Uint8Array> {
  Object.assign(producer, { produced: 0, started: true, stopped: false });
  try {
    for (let i = 0; producer.produced < total; i++) {
      if (producer.produced >= failAt) throw new Error('the export’s storage went away');
      // A fresh buffer each time, as a CSV page would be: nothing is reused that could hide a copy.
      const chunk = Buffer.alloc(CHUNK, i % 251);
      producer.produced += chunk.length;
      yield chunk;
    }
  } finally {
    producer.stopped = true;
  }
}

const streamOp = {
  name: 'testStream',
  methods: ['GET', 'HEAD'],
  route: 'test/stream',
  access: 'anonymous',
  summary: 'test only',
  query: z.object({ mib: z.coerce.number().int().positive(), failAtMib: z.coerce.number().int().positive().optional() }),
  responses: { 200: { description: 'test only', json: z.unknown() } },
} as const satisfies Operation;

const streamHandler: HttpHandler = endpoint(streamOp)(async ({ query }) => ({
  status: 200,
  headers: { 'Content-Type': 'application/octet-stream' },
  body: produce(query.mib * MiB, query.failAtMib === undefined ? Infinity : query.failAtMib * MiB),
}));

let runner: RunningServer;
const logs: string[] = [];

beforeAll(async () => {
  runner = await startRunner({
    port: 0,
    functions: [{ operation: streamOp, handler: streamHandler }],
    log: (level, message) => logs.push(`[${level}] ${message}`),
    logRequests: true,
  });
});
afterAll(() => runner.close());

function get(path: string, method = 'GET'): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(`${runner.url}${path}`, { method }, resolve);
    req.on('error', reject);
    req.end();
  });
}

const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!what() && Date.now() < end) await sleep(10);
  return what();
};

describe('streamed response bodies through the runner', () => {
  it('pipes 50 MB to a slow reader with the runner at most a few MB ahead, and without the heap growing with the body', async () => {
    // A first, small request loads what any first request loads (the dependencies, the SDKs).
    (await get('/api/test/stream?mib=1')).resume();
    expect(await until(() => producer.stopped)).toBe(true);
    const before = await memory();
    const res = await get(`/api/test/stream?mib=${TOTAL / MiB}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['x-request-id']).toBeTruthy();
    let received = 0;
    let maxAhead = 0;
    const samples: number[] = [];
    let nextPause = MiB;
    let nextSample = 5 * MiB;
    let bytesOk = true;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      // Every byte of the i-th 64 KiB chunk is i % 251: in order, nothing lost or repeated.
      const first = Math.floor(received / CHUNK) % 251;
      const last = Math.floor((received + chunk.length - 1) / CHUNK) % 251;
      if (chunk[0] !== first || chunk[chunk.length - 1] !== last) bytesOk = false;
      received += chunk.length;
      maxAhead = Math.max(maxAhead, producer.produced - received);
      if (received >= nextPause) {
        nextPause += MiB;
        await sleep(15); // a slow reader: about 1 s of pauses over the body
      }
      if (received >= nextSample) {
        nextSample += 5 * MiB;
        samples.push((await memory()) - before);
      }
    }
    const peak = Math.max(...samples);
    console.log(`heap+buffers over the body, MiB: ${samples.map((b) => (b / MiB).toFixed(1)).join(' ')}`);
    expect(bytesOk).toBe(true);
    expect(received).toBe(TOTAL);
    expect(producer.stopped).toBe(true);
    // Backpressure: the producer runs ahead of the reader by the sockets' buffers only.
    expect(maxAhead).toBeLessThan(12 * MiB);
    // The runner (same process) holds no copy of the body: growth stays far below 50 MB.
    expect(peak).toBeLessThan(12 * MiB);
    console.log(
      `streamed ${TOTAL / MiB} MiB: producer at most ${(maxAhead / MiB).toFixed(1)} MiB ahead, heap+buffers peak +${(peak / MiB).toFixed(1)} MiB`,
    );
  });

  it('stops the producer (its finally runs) when the client disconnects mid-body, and logs the request as aborted', async () => {
    const res = await get(`/api/test/stream?mib=1024`);
    let received = 0;
    await new Promise<void>((resolve) => {
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= 2 * MiB) {
          res.destroy();
          resolve();
        }
      });
    });
    expect(await until(() => producer.stopped)).toBe(true);
    const producedAtStop = producer.produced;
    await sleep(200);
    expect(producer.produced).toBe(producedAtStop);
    // Of the 1 GiB asked for, the producer made what the reader took plus the sockets' buffers.
    expect(producedAtStop).toBeLessThan(received + 16 * MiB);
    expect(await until(() => logs.some((l) => /GET \/api\/test\/stream aborted/.test(l)))).toBe(true);
  });

  it('cuts the connection when the producer fails after the head is sent, and logs the failure', async () => {
    const res = await get(`/api/test/stream?mib=8&failAtMib=3`);
    expect(res.statusCode).toBe(200);
    let received = 0;
    const outcome = await new Promise<string>((resolve) => {
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('end', () => resolve('ended'));
      res.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      res.on('aborted', () => resolve('aborted'));
    });
    // Never a clean end: the client can tell the body is incomplete.
    expect(outcome).not.toBe('ended');
    expect(received).toBeLessThan(8 * MiB);
    expect(producer.stopped).toBe(true);
    expect(logs.some((l) => l.includes('streamed body failed') && l.includes('the export’s storage went away'))).toBe(true);
  });

  it('answers HEAD with the head only, never starting the producer', async () => {
    producer.started = false;
    const res = await get(`/api/test/stream?mib=8`, 'HEAD');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    res.resume();
    await new Promise((resolve) => res.on('end', resolve));
    expect(producer.started).toBe(false);
  });

  it('refuses bad input before streaming anything (a problem, not a truncated body)', async () => {
    producer.started = false;
    const res = await fetch(`${runner.url}/api/test/stream?mib=lots`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(producer.started).toBe(false);
  });
});
