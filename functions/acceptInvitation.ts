import type { HttpRequest } from '@azure/functions';
import { operations } from '../src/api/operations';
import { answerInvitation, resolveToken } from '../src/domain/acceptance';
import { AppError } from '../src/domain/errors';
import { PAGE_HEADERS, answeredPage, errorPage, invalidLinkPage } from '../src/domain/pages';
import { toView } from '../src/domain/relationships';
import { getDeps } from '../src/deps';
import { endpoint, type Reply } from '../src/http/endpoint';
import { requirePrincipal } from '../src/http/principal';
import { register } from '../src/http/register';
import { isFormPost } from '../src/http/sameSite';
import { z } from 'zod';

/** The customer's global admin accepts or declines. Browsers get a page, API clients JSON. */
export const acceptInvitation = endpoint(
  operations.acceptInvitation,
  async ({ deps, params, body, request }) => {
    const acceptDeps = { store: deps.store, clock: deps.clock, signingKey: deps.config.signingKey };
    const answer = await answerInvitation(acceptDeps, requirePrincipal(request.headers), params.token, body.decision);
    if (isFormPost(request)) return { status: 200, headers: PAGE_HEADERS, html: answeredPage(answer.invitation, answer.status) };
    return {
      status: 200,
      json: {
        status: answer.status,
        invitationId: answer.invitation.id,
        ...(answer.status === 'accepted' ? { customerId: answer.invitation.customerId } : {}),
        relationships: answer.relationships.map((r) => {
          const { etag: _etag, ...rest } = toView(r);
          return rest;
        }),
      },
    };
  },
  { renderError: errorAsPage },
);

/** A browser's form gets every refusal (cross-site, sign-in, role, tenant, closed link, bad input) as a page. */
async function errorAsPage(err: unknown, request: HttpRequest): Promise<Reply | undefined> {
  if (!isFormPost(request)) return undefined;
  const known =
    err instanceof AppError
      ? err
      : err instanceof z.ZodError
        ? new AppError({ status: 400, code: 'validation-failed', title: 'Invalid', detail: 'The answer must be accept or decline.' })
        : undefined;
  if (!known || known.status >= 500) return undefined;
  // The page speaks the invitation's language when the token is genuine.
  const deps = getDeps();
  const token = request.params.token ?? '';
  const found = await resolveToken({ store: deps.store, clock: deps.clock, signingKey: deps.config.signingKey }, token).catch(
    () => undefined,
  );
  const locale = found?.invitation.locale ?? 'en';
  return {
    status: known.status,
    headers: PAGE_HEADERS,
    html: known.status === 410 ? invalidLinkPage(locale) : errorPage(locale, known.code, known.detail),
  };
}

register(operations.acceptInvitation, acceptInvitation);
