/**
 * The ACS mailer with the real EmailClient against the loopback fake of the email service,
 * which checks every request's HMAC signature like the service does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { createMailer, toOperationId, type MailerOptions } from '../../src/email/acsMailer';
import type { EmailMessage, Mailer, SendOutcome } from '../../src/domain/ports';
import { startFakeAcs, type FakeAcs } from '../support/fakeAcs';

const SENDER = 'DoNotReply@contoso.example';
const FAST: MailerOptions = { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 50, timeoutMs: 3000 };

let fake: FakeAcs;

beforeAll(async () => {
  fake = await startFakeAcs();
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => fake.reset());

function mailer(connectionString = fake.connectionString(), options: MailerOptions = FAST): Mailer {
  const m = createMailer({ kind: 'connectionString', connectionString, sender: SENDER }, options);
  if (!m) throw new Error('expected a mailer');
  return m;
}

function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return {
    operationId: randomUUID(),
    to: 'admin@customer.example',
    subject: 'Fabrikam invites you to a reseller relationship',
    text: 'Accept here: https://app.example/api/accept/abc',
    html: '<p>Accept <a href="https://app.example/api/accept/abc">here</a></p>',
    ...overrides,
  };
}

function expectFailed(outcome: SendOutcome): Extract<SendOutcome, { status: 'failed' }> {
  if (outcome.status !== 'failed') throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome;
}

const posts = () => fake.log.filter((r) => r.method === 'POST');

describe('createMailer', () => {
  it('is undefined when email is not configured', () => {
    expect(createMailer({ kind: 'none' })).toBeUndefined();
  });

  it('rejects a plain http endpoint that is not loopback, at construction', () => {
    const key = randomBytes(32).toString('base64');
    expect(() =>
      createMailer({ kind: 'connectionString', connectionString: `endpoint=http://acs.example.com/;accesskey=${key}`, sender: SENDER }),
    ).toThrow(/ACS_CONNECTION_STRING.*https/);
    expect(() => createMailer({ kind: 'endpoint', endpoint: 'http://acs.example.com', sender: SENDER })).toThrow(/ACS_ENDPOINT.*https/);
  });

  it('never puts the access key in a construction error', () => {
    const key = randomBytes(32).toString('base64');
    let thrown = '';
    try {
      createMailer({ kind: 'connectionString', connectionString: `endpoint=http://acs.example.com/;accesskey=${key}`, sender: SENDER });
    } catch (e) {
      thrown = String(e);
    }
    expect(thrown).not.toBe('');
    expect(thrown).not.toContain(key);
  });

  it('accepts https and loopback http endpoints without network calls', () => {
    const key = randomBytes(32).toString('base64');
    expect(
      createMailer({ kind: 'connectionString', connectionString: `endpoint=https://acs.example.com/;accesskey=${key}`, sender: SENDER }),
    ).toBeDefined();
    expect(
      createMailer({ kind: 'connectionString', connectionString: `endpoint=http://localhost:1/;accesskey=${key}`, sender: SENDER }),
    ).toBeDefined();
    expect(createMailer({ kind: 'endpoint', endpoint: 'https://acs.example.com', sender: SENDER })).toBeDefined();
  });
});

describe('AcsMailer.send against the fake service', () => {
  it('sends the message once the service accepts it, with a valid HMAC signature', async () => {
    const msg = message();
    const outcome = await mailer().send(msg);

    expect(outcome).toEqual({ status: 'sent', operationId: msg.operationId });
    expect(fake.sends).toHaveLength(1);
    const [sent] = fake.sends;
    expect(sent?.operationId).toBe(msg.operationId);
    expect(sent?.body.senderAddress).toBe(SENDER);
    expect(sent?.body.content).toEqual({ subject: msg.subject, plainText: msg.text, html: msg.html });
    expect(sent?.body.recipients?.to).toEqual([{ address: msg.to }]);
    // beginSend = the POST, then one GET of the operation; both signed, both with Operation-Id.
    expect(fake.log.map((r) => `${r.method} ${r.status} ${r.auth}`)).toEqual(['POST 202 valid', 'GET 200 valid']);
    expect(fake.log.every((r) => r.operationId === msg.operationId)).toBe(true);
    expect(fake.log[0]?.path).toMatch(/^\/emails:send\?api-version=\d{4}-\d{2}-\d{2}$/);
  });

  it('records a message sent twice with the same operationId once', async () => {
    const m = mailer();
    const msg = message();
    const first = await m.send(msg);
    const second = await m.send(msg);

    expect(first).toEqual({ status: 'sent', operationId: msg.operationId });
    expect(second).toEqual(first);
    expect(posts()).toHaveLength(2);
    expect(fake.sends).toHaveLength(1);
  });

  it('maps a key that is not a UUID to the same UUID Operation-Id every time', async () => {
    const m = mailer();
    const msg = message({ operationId: 'invitation-42:draft-1' });
    const first = await m.send(msg);
    const second = await m.send(msg);

    const expected = toOperationId('invitation-42:draft-1');
    expect(expected).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first).toEqual({ status: 'sent', operationId: expected });
    expect(second).toEqual(first);
    expect(fake.sends.map((s) => s.operationId)).toEqual([expected]);
    expect(toOperationId('invitation-42:draft-2')).not.toBe(expected);
  });

  it('reports a refused access key as a failure, without throwing', async () => {
    const wrongKey = randomBytes(32).toString('base64');
    const outcome = expectFailed(await mailer(fake.connectionString(wrongKey)).send(message()));

    expect(outcome.retryable).toBe(false);
    expect(outcome.error).toMatch(/HTTP 401 Denied/);
    expect(outcome.error).not.toContain(wrongKey);
    expect(fake.sends).toHaveLength(0);
    expect(fake.log.map((r) => r.auth)).toEqual(['invalid']);
  });

  it('retries transient 503s and then sends', async () => {
    fake.failNext(2, 503);
    const msg = message();
    const outcome = await mailer().send(msg);

    expect(outcome).toEqual({ status: 'sent', operationId: msg.operationId });
    expect(posts().map((r) => r.status)).toEqual([503, 503, 202]);
    expect(fake.sends).toHaveLength(1);
  });

  it('retries 500s with its own back-off and gives up as a retryable failure', async () => {
    fake.alwaysFail(500, { retryAfter: null });
    const outcome = expectFailed(await mailer().send(message()));

    expect(outcome.retryable).toBe(true);
    expect(outcome.error).toMatch(/HTTP 500/);
    expect(posts()).toHaveLength(1 + (FAST.maxRetries ?? 0));
  });

  it('gives up on persistent throttling after the SDK retries: retryable, with a clear reason', async () => {
    fake.alwaysFail(429);
    const outcome = expectFailed(await mailer().send(message()));

    expect(outcome.retryable).toBe(true);
    expect(outcome.error).toMatch(/HTTP 429 TooManyRequests.*throttled/);
    expect(posts()).toHaveLength(1 + (FAST.maxRetries ?? 0));
    expect(fake.sends).toHaveLength(0);
  });

  it('does not wait out a long Retry-After: one attempt, then a retryable failure', async () => {
    fake.alwaysFail(429, { retryAfter: '3600' });
    const started = Date.now();
    const outcome = expectFailed(await mailer().send(message()));

    expect(Date.now() - started).toBeLessThan(1000);
    expect(outcome.retryable).toBe(true);
    expect(posts()).toHaveLength(1);
  });

  it('reports other 4xx answers as permanent failures, never echoing the recipient', async () => {
    const msg = message();
    fake.failNext(1, 400, { code: 'InvalidRecipient', message: `Recipient ${msg.to} is not valid; other@elsewhere.example too` });
    const outcome = expectFailed(await mailer().send(msg));

    expect(outcome).toMatchObject({ status: 'failed', operationId: msg.operationId, retryable: false });
    expect(outcome.error).toMatch(/HTTP 400 InvalidRecipient/);
    expect(outcome.error).not.toContain(msg.to);
    expect(outcome.error).not.toContain('other@elsewhere.example');
    expect(posts()).toHaveLength(1);
  });

  it('reports an unreachable service as a retryable failure', async () => {
    const port = await closedPort();
    const unreachable = `endpoint=http://127.0.0.1:${port}/;accesskey=${fake.accessKey}`;
    const outcome = expectFailed(await mailer(unreachable).send(message()));

    expect(outcome.retryable).toBe(true);
    expect(outcome.error).toMatch(/could not be reached/);
  });

  it('stops at its deadline when the service does not answer', async () => {
    fake.hangNext(1);
    const outcome = expectFailed(await mailer(undefined, { ...FAST, timeoutMs: 300 }).send(message()));

    expect(outcome.retryable).toBe(true);
    expect(outcome.error).toMatch(/did not answer within 300 ms/);
  });

  it('counts the send as sent once accepted, even when the follow-up poll fails', async () => {
    fake.alwaysFail(503, { target: 'poll' });
    const msg = message();
    const outcome = await mailer().send(msg);

    expect(outcome).toEqual({ status: 'sent', operationId: msg.operationId });
    expect(fake.sends).toHaveLength(1);
  });

  it('reports a message the service has already marked Failed as a permanent failure', async () => {
    fake.setOperationStatus('Failed');
    const outcome = expectFailed(await mailer().send(message()));

    expect(outcome.retryable).toBe(false);
    expect(outcome.error).toMatch(/reported it Failed \(EmailDroppedAllRecipientsSuppressed\)/);
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
