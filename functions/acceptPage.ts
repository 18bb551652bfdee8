import { operations } from '../src/api/operations';
import { apiPath } from '../src/api/paths';
import { pageState } from '../src/domain/acceptance';
import { endpoint } from '../src/http/endpoint';
import { PAGE_HEADERS, signInUrl, signOutUrl } from '../src/http/pages';
import { register } from '../src/http/register';
import { alreadyAcceptedPage, invalidLinkPage, invitationPage } from '../src/views/pages';

const customerPage = apiPath(operations.customerPage.route);

/** The invitation link's page. GET and HEAD change nothing: mail scanners open links. */
export const acceptPage = endpoint(operations.acceptPage)(async ({ deps, params, principal, request }) => {
  const state = await pageState(deps, params.token);
  const headers = PAGE_HEADERS;
  switch (state.kind) {
    case 'invalid':
      return { status: 410, headers, html: invalidLinkPage(state.locale) };
    case 'accepted':
      return { status: 200, headers, html: alreadyAcceptedPage(state.invitation, customerPage, state.ended) };
    case 'open': {
      const self = new URL(request.url).pathname;
      const links = { self, signIn: signInUrl(self), signOut: signOutUrl(self), customerPage };
      return { status: 200, headers, html: invitationPage(state.invitation, principal, links, deps.clock.now()) };
    }
  }
});

register(operations.acceptPage, acceptPage);
