/**
 * An edited draft must really carry the link (issue 18, item 1): in html the href of a visible
 * anchor with visible text, in text the URL delimited as a URL; else 400 `link-missing` naming
 * the field, and nothing is sent. The draft is checked before the invitation's state and the
 * email settings (400 before 409).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminOf, call, startWorldWithEmail, type Service, type World } from '../support/harness';
import { invite } from '../support/fixtures';
import type { FakeAcs } from '../support/fakeAcs';

let svc: Service;
let w: World;
let acs: FakeAcs;
const body = { customer: { companyName: 'Contoso', email: 'admin@contoso.example' } };

let close: () => Promise<void>;

beforeAll(async () => {
  ({ svc, w, acs, close } = await startWorldWithEmail());
});
afterAll(() => close());
beforeEach(() => acs.reset());

const create = () => invite(svc, w.reseller, body);

const send = (id: string, edits: Record<string, string>) =>
  call(svc, 'POST', `/api/invitations/${id}/send`, { as: adminOf(w.reseller), body: edits });

describe('an edited html body', () => {
  it.each<[string, (url: string) => string]>([
    ['the link in a comment, a lookalike visible', (u) => `<!-- <a href="${u}">Accept</a> --><a href="https://evil.example/">Accept</a>`],
    ['the link in a display:none element', (u) => `<div style="display:none"><a href="${u}">Accept</a></div><p>Call us</p>`],
    ['the link hidden with visibility', (u) => `<p style="visibility: hidden"><a href="${u}">Accept</a></p>`],
    ['the link with a zero font size', (u) => `<a href="${u}" style="font-size:0">Accept</a>`],
    ['the link in aria-hidden', (u) => `<span aria-hidden="true"><a href="${u}">Accept</a></span>`],
    ['the link in the head', (u) => `<html><head><a href="${u}">x</a></head><body>Hi</body></html>`],
    ['the link in a template', (u) => `<template><a href="${u}">Accept</a></template>`],
    ['the link with no text', (u) => `<a href="${u}"></a>`],
    ['the URL as text only', (u) => `<p>${u}</p>`],
    ['a broken visible link: URL + X', (u) => `<a href="${u}X">${u}</a>`],
    ['the URL only in a title attribute', (u) => `<a title="${u}" href="https://evil.example/">Accept</a>`],
    // Parser differentials: what a browser builds, not what a hand-written reader guesses.
    [
      'the link split by a nested anchor that takes the text',
      (u) => `<a href="${u}"><div><a href="https://evil.example/">Accept</a></div></a>`,
    ],
    ['the link after a comment that ends early', (u) => `<!--><a href="${u}">Accept</a>-->`],
    ['the link in a noscript', (u) => `<noscript><a href="${u}">Accept</a></noscript>`],
    ['the link in svg foreign content', (u) => `<svg><foreignObject><a href="${u}">Accept</a></foreignObject></svg>`],
    ['the link with a 1px font', (u) => `<a href="${u}" style="font-size:1px">Accept</a>`],
  ])('refuses %s (400 link-missing naming html), and sends nothing', async (_name, html) => {
    const inv = await create();
    const r = await send(inv.id, { html: html(inv.url) });
    expect(r.status).toBe(400);
    expect(r.body.type).toBe('urn:reseller-relationships:problem:link-missing');
    expect(Object.keys(r.body.errors)).toEqual(['html']);
    expect(acs.sends).toHaveLength(0);
  });

  it('sends an edited html body whose visible anchor carries the link', async () => {
    const inv = await create();
    const html = `<html><head><title>Hi</title></head><body><!-- note --><p>Hello!</p><p><a href="${inv.url}" style="color:#0f6cbd">Accept the invitation</a></p></body></html>`;
    const r = await send(inv.id, { html });
    expect(r.status).toBe(200);
    expect(acs.sends[0]!.body.content?.html).toBe(html);
  });
});

describe('an edited text body', () => {
  it.each<[string, (url: string) => string]>([
    ['URL + "X"', (u) => `Accept here: ${u}X`],
    ['URL + a path', (u) => `Accept here: ${u}/../../evil`],
    ['URL + a query', (u) => `Accept here: ${u}?next=https://evil.example/`],
    ['URL inside another URL', (u) => `Accept here: https://evil.example/?u=${u}`],
  ])('refuses %s (400 link-missing naming text)', async (_name, text) => {
    const inv = await create();
    const r = await send(inv.id, { text: text(inv.url) });
    expect(r.status).toBe(400);
    expect(r.body.type).toMatch(/link-missing$/);
    expect(Object.keys(r.body.errors)).toEqual(['text']);
    expect(acs.sends).toHaveLength(0);
  });

  it('sends a text whose link ends a sentence', async () => {
    const inv = await create();
    const r = await send(inv.id, { text: `Hello,\nplease accept here: ${inv.url}.\nThanks` });
    expect(r.status).toBe(200);
  });

  it('names both fields when both lost the link', async () => {
    const inv = await create();
    const r = await send(inv.id, { text: `${inv.url}X`, html: `<!-- ${inv.url} -->` });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.errors).sort()).toEqual(['html', 'text']);
  });
});

describe('order of checks', () => {
  it('a bad edit of a revoked invitation is 400, not 409', async () => {
    const inv = await create();
    expect((await call(svc, 'DELETE', `/api/invitations/${inv.id}`, { as: adminOf(w.reseller) })).status).toBe(200);
    const bad = await send(inv.id, { html: `<!-- <a href="${inv.url}">x</a> -->` });
    expect(bad.status).toBe(400);
    expect(bad.body.type).toMatch(/link-missing$/);
    // A good edit meets the state check.
    const good = await send(inv.id, { text: `Accept: ${inv.url}` });
    expect(good.status).toBe(409);
  });

  it('a bad edit without email configured is 400, not 409 email-not-configured', async () => {
    const inv = await create();
    const mailer = svc.deps.mailer;
    svc.deps.mailer = undefined;
    try {
      const bad = await send(inv.id, { text: `Accept: ${inv.url}X` });
      expect(bad.status).toBe(400);
      expect(bad.body.type).toMatch(/link-missing$/);
      const good = await send(inv.id, { text: `Accept: ${inv.url}` });
      expect(good.status).toBe(409);
      expect(good.body.type).toMatch(/email-not-configured$/);
    } finally {
      svc.deps.mailer = mailer;
    }
  });
});
