import { operations } from '../src/api/operations';
import { pageState } from '../src/domain/acceptance';
import { PAGE_HEADERS, alreadyAcceptedPage, invalidLinkPage, invitationPage } from '../src/domain/pages';
import { endpoint } from '../src/http/endpoint';
import { register } from '../src/http/register';

/** The invitation link's page. GET and HEAD change nothing: mail scanners open links. */
export const acceptPage = endpoint(operations.acceptPage, async ({ deps, params, principal, request }) => {
  const state = await pageState({ store: deps.store, clock: deps.clock, signingKey: deps.config.signingKey }, params.token);
  const headers = PAGE_HEADERS;
  switch (state.kind) {
    case 'invalid':
      return { status: 410, headers, html: invalidLinkPage(state.locale) };
    case 'accepted':
      return { status: 200, headers, html: alreadyAcceptedPage(state.invitation) };
    case 'open':
      return { status: 200, headers, html: invitationPage(state.invitation, principal, new URL(request.url).pathname) };
  }
});

register(operations.acceptPage, acceptPage);
