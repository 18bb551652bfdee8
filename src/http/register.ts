/**
 * One declaration per function feeds both the Functions host (`app.http`) and the local runner.
 * Under the host, `@azure/functions-core` is provided by the worker; anywhere else (the local
 * runner, tests) the host is absent and only the runner's registry is filled.
 */
import {
  app,
  type HttpFunctionOptions,
  type HttpHandler,
  type InvocationContext,
  type StorageQueueHandler,
  type Timer,
  type TimerHandler,
} from '@azure/functions';
import type { Operation } from '../api/operations';
import { getDeps, type AppDeps } from '../deps';
import type { EventMessage, Logger } from '../domain/ports';
import { parseEventMessage } from '../queue/messages';
import { contextLogger } from './endpoint';

export interface RegisteredFunction {
  operation: Operation;
  handler: HttpHandler;
}

const registry = new Map<string, RegisteredFunction>();
const timers = new Map<string, TimerHandler>();

function underFunctionsHost(): boolean {
  try {
    require('@azure/functions-core');
    return true;
  } catch {
    return false;
  }
}

// HTTP streams (Functions host 4.28 or later): request and response bodies pass through as
// streams, so a streamed reply (src/http/endpoint.ts, `Streamed`) reaches the client chunk by
// chunk. Requests still read with text()/json()/arrayBuffer(). Set before any registration:
// the library locks its setup once the app has started.
if (underFunctionsHost()) app.setup({ enableHttpStream: true });

export function register(operation: Operation, handler: HttpHandler): void {
  registry.set(operation.name, { operation, handler });
  if (!underFunctionsHost()) return;
  const options: HttpFunctionOptions = {
    methods: [...operation.methods],
    route: operation.route,
    // App Service Authentication vouches for the caller; the function checks roles itself.
    authLevel: 'anonymous',
    handler,
  };
  app.http(operation.name, options);
}

/**
 * A timer function: registered with the host; the local runner runs it on its own schedule.
 * The work gets the process's dependencies and a logger, as an HTTP handler does.
 */
export function registerTimer(name: string, schedule: string, work: (deps: AppDeps, log: Logger) => Promise<void>): TimerHandler {
  const handler = async (_timer: Timer, context: InvocationContext): Promise<void> =>
    work(getDeps(), contextLogger(context, context.invocationId));
  timers.set(name, handler);
  if (underFunctionsHost()) app.timer(name, { schedule, handler });
  return handler;
}

export function registeredTimers(): [string, TimerHandler][] {
  return [...timers.entries()];
}

export function registeredFunctions(): RegisteredFunction[] {
  return [...registry.values()];
}

/**
 * Takes over the registrations of another copy of this module: the bundle (dist/main.js) has
 * its own, and exports these two functions, so that the local runner can serve what it
 * registered. Nothing is registered with the host here (the bundle did that itself).
 */
export function adoptRegistrations(other: {
  registeredFunctions(): RegisteredFunction[];
  registeredTimers(): [string, TimerHandler][];
  registeredQueueTriggers?(): [string, { queueName: string; handler: StorageQueueHandler }][];
}): void {
  for (const fn of other.registeredFunctions()) registry.set(fn.operation.name, fn);
  for (const [name, handler] of other.registeredTimers()) timers.set(name, handler);
  for (const [name, trigger] of other.registeredQueueTriggers?.() ?? []) queueTriggers.set(name, trigger);
}

// ---------------------------------------------------------------- queue triggers

/** The app setting prefix of the queue trigger's connection (`QUEUES__queueServiceUri` in Azure). */
export const QUEUE_CONNECTION = 'QUEUES';

const queueTriggers = new Map<string, { queueName: string; handler: StorageQueueHandler }>();

/**
 * A queue-triggered function: registered with the host (`app.storageQueue`); the local runner
 * polls the queue itself (src/local/queues.ts). Failing work throws: the host retries the
 * message up to maxDequeueCount (host.json), then moves it to the poison queue.
 */
export function registerQueue(
  name: string,
  queueName: string,
  work: (deps: AppDeps, message: unknown, log: Logger) => Promise<void>,
): StorageQueueHandler {
  const handler = async (message: unknown, context: InvocationContext): Promise<void> =>
    work(getDeps(), message, contextLogger(context, context.invocationId));
  queueTriggers.set(name, { queueName, handler });
  if (underFunctionsHost()) app.storageQueue(name, { queueName, connection: QUEUE_CONNECTION, handler });
  return handler;
}

/** A delivery queue's trigger: its work gets the message parsed; one that names no events is dropped, with a warning. */
export function registerEventQueue(
  name: string,
  queueName: string,
  work: (deps: AppDeps, message: EventMessage, log: Logger) => Promise<void>,
): StorageQueueHandler {
  return registerQueue(name, queueName, async (deps, message, log) => {
    const parsed = parseEventMessage(message);
    if (!parsed) return log.warn(`${name}: dropped a message that names no events`);
    await work(deps, parsed, log);
  });
}

export function registeredQueueTriggers(): [string, { queueName: string; handler: StorageQueueHandler }][] {
  return [...queueTriggers.entries()];
}
