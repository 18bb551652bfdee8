/** The use cases' dependencies on the memory adapter: no Azurite, no HTTP, a clock the test moves. */
import { randomUUID } from 'node:crypto';
import type { Partner, Principal } from '../../src/domain/model';
import type { Deps, EmailMessage, Mailer, SendOutcome } from '../../src/domain/ports';
import { enrolPartners } from '../../src/domain/operator';
import { memoryStorage } from '../../src/storage';
import type { MemoryRows } from '../../src/storage/memoryRows';

export class FakeMailer implements Mailer {
  readonly sent: EmailMessage[] = [];
  outcome: (m: EmailMessage) => SendOutcome = (m) => ({ status: 'sent', operationId: m.operationId });
  send(message: EmailMessage): Promise<SendOutcome> {
    this.sent.push(message);
    return Promise.resolve(this.outcome(message));
  }
}

export interface TestWorld {
  deps: Deps & { clock: { now(): Date; set(d: Date): void } };
  /** The rows under the store (tests that look at the layout). */
  rows: MemoryRows;
  mailer: FakeMailer;
  reseller: Partner;
  provider: Partner;
  agent: Principal;
}

export async function world(options: { email?: boolean } = {}): Promise<TestWorld> {
  const storage = memoryStorage();
  let now = new Date('2026-03-01T10:00:00Z');
  const mailer = new FakeMailer();
  const deps = {
    store: storage.store,
    directory: storage.directory,
    ledger: storage.ledger,
    warnings: storage.warnings,
    mailer: options.email === false ? undefined : mailer,
    clock: { now: () => new Date(now), set: (d: Date) => (now = d) },
    settings: {
      signingKey: 'unit-test-key',
      invitationTtlDays: 30,
      sendLimits: { perInvitation: 5, perPartnerPerDay: 200 },
      acceptUrl: (t: string) => `https://rr.example/api/accept/${t}`,
      customerPageUrl: 'https://rr.example/api/customer',
    },
  };
  const provider: Partner = { id: randomUUID(), name: 'Northwind', kind: 'indirectProvider', indirectProviderIds: [] };
  const reseller: Partner = { id: randomUUID(), name: 'Fabrikam <Resellers>', kind: 'reseller', indirectProviderIds: [provider.id] };
  await enrolPartners(deps, [reseller, provider]);
  const agent: Principal = { tenantId: reseller.id, userId: 'u-ana', name: 'ana@fabrikam.example', roles: ['AdminAgent'] };
  return { deps, mailer, reseller, provider, agent, rows: storage.rows };
}

export const customerAdmin = (tenantId: string = randomUUID()): Principal => ({
  tenantId,
  userId: `ga-${tenantId.slice(0, 4)}`,
  name: 'ga@contoso.example',
  roles: ['GlobalAdmin'],
});

export const newCustomer = (over: Record<string, unknown> = {}) => ({
  customer: { companyName: 'Contoso', email: 'it@contoso.example', ...over },
  send: false,
});

/** The token at the end of an invitation's link. */
export const tokenOf = (url: string | undefined) => url!.split('/').pop()!;
