import { operations } from '../src/api/operations';
import { apiPath } from '../src/api/paths';
import { requestPageState } from '../src/domain/changeApproval';
import { endpoint } from '../src/http/endpoint';
import { PAGE_HEADERS, signInUrl, signOutUrl } from '../src/http/pages';
import { register } from '../src/http/register';
import { requestAnsweredPage, requestInvalidPage, requestPage } from '../src/views/requestPages';

const customerPage = apiPath(operations.customerPage.route);

/** An access request link's page. GET and HEAD change nothing: mail scanners open links. */
export const changeRequestPage = endpoint(operations.changeRequestPage)(async ({ deps, params, principal, request }) => {
  const state = await requestPageState(deps, params.token);
  const headers = PAGE_HEADERS;
  switch (state.kind) {
    case 'invalid':
      return { status: 410, headers, html: requestInvalidPage(state.locale) };
    case 'answered':
      return { status: 200, headers, html: requestAnsweredPage(state.request, state.relationship, customerPage) };
    case 'open': {
      const self = new URL(request.url).pathname;
      const links = { self, signIn: signInUrl(self), signOut: signOutUrl(self), customerPage };
      return { status: 200, headers, html: requestPage(state.request, principal, links, deps.clock.now()) };
    }
  }
});

register(operations.changeRequestPage, changeRequestPage);
