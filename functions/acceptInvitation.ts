import { operations } from '../src/api/operations';
import { answerInvitation, resolveToken } from '../src/domain/acceptance';
import { AppError } from '../src/domain/errors';
import { PAGE_HEADERS, answeredPage, errorPage, invalidLinkPage } from '../src/domain/pages';
import { toView } from '../src/domain/relationships';
import { endpoint } from '../src/http/endpoint';
import { requirePrincipal } from '../src/http/principal';
import { register } from '../src/http/register';
import { assertSameSite, isFormPost } from '../src/http/sameSite';

/** The customer's global admin accepts or declines. Browsers get a page, API clients JSON. */
export const acceptInvitation = endpoint(operations.acceptInvitation, async ({ deps, params, body, request }) => {
  const acceptDeps = { store: deps.store, clock: deps.clock, signingKey: deps.config.signingKey };
  const browser = isFormPost(request);
  try {
    assertSameSite(request, deps.config.publicBaseUrl);
    const answer = await answerInvitation(acceptDeps, requirePrincipal(request.headers), params.token, body.decision);
    if (browser) return { status: 200, headers: PAGE_HEADERS, html: answeredPage(answer.invitation, answer.status) };
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
  } catch (err) {
    if (!browser || !(err instanceof AppError) || err.status >= 500) throw err;
    // The page speaks the invitation's language when the token is genuine.
    const locale = (await resolveToken(acceptDeps, params.token).catch(() => undefined))?.invitation.locale ?? 'en';
    const html = err.status === 410 ? invalidLinkPage(locale) : errorPage(locale, err.detail);
    return { status: err.status, headers: PAGE_HEADERS, html };
  }
});

register(operations.acceptInvitation, acceptInvitation);
