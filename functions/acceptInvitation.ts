import { operations } from '../src/api/operations';
import { apiPath } from '../src/api/paths';
import { answerInvitation } from '../src/domain/acceptance';
import { endpoint } from '../src/http/endpoint';
import { PAGE_HEADERS } from '../src/http/pages';
import { register } from '../src/http/register';
import { isFormPost } from '../src/http/sameSite';
import { acceptResult } from '../src/http/wire';
import { answeredPage } from '../src/views/pages';

/** The customer's global admin accepts or declines. Browsers get pages (errors too), API clients JSON. */
export const acceptInvitation = endpoint(operations.acceptInvitation)(async ({ deps, params, body, principal, request }) => {
  const answer = await answerInvitation(deps, principal, params.token, body.decision);
  if (isFormPost(request))
    return {
      status: 200,
      headers: PAGE_HEADERS,
      html: answeredPage(answer.invitation, answer.status, apiPath(operations.customerPage.route), answer.ended),
    };
  return { status: 200, json: acceptResult(answer) };
});

register(operations.acceptInvitation, acceptInvitation);
