/**
 * The service with its queue trigger running (webhook delivery) and a loopback receiver, for a
 * test file: `const s = webhookService(scale)` registers the hooks; use `s.svc` and `s.rx`.
 */
import { afterAll, beforeAll } from 'vitest';
import { startWorld, type Service } from './harness';
import { Receiver } from './receiver';

export function webhookService(retryScale: number): { svc: Service; rx: Receiver } {
  const s = { svc: undefined as unknown as Service, rx: new Receiver() };
  beforeAll(async () => {
    ({ svc: s.svc } = await startWorld({ webhooks: { allowPrivateTargets: true, retryScale } }, [], { queues: true }));
    await s.rx.start();
  });
  afterAll(async () => {
    await s.svc?.close();
    await s.rx.close();
  });
  return s;
}
