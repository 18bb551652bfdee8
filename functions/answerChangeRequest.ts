import { operations } from '../src/api/operations';
import { apiPath } from '../src/api/paths';
import { answerChangeRequest as answer } from '../src/domain/changeApproval';
import { endpoint } from '../src/http/endpoint';
import { PAGE_HEADERS } from '../src/http/pages';
import { requirePrincipal } from '../src/http/principal';
import { register } from '../src/http/register';
import { isFormPost } from '../src/http/sameSite';
import { changeAnswerView } from '../src/http/changeRequestViews';
import { requestAnsweredPage } from '../src/views/requestPages';

/** The customer's global admin approves (all or some added roles) or declines. Browsers get pages, API clients JSON. */
export const answerChangeRequest = endpoint(operations.answerChangeRequest)(async ({ deps, params, body, request }) => {
  const done = await answer(deps, requirePrincipal(request.headers), params.token, body.decision, body.roles);
  if (isFormPost(request)) {
    return {
      status: 200,
      headers: PAGE_HEADERS,
      html: requestAnsweredPage(done.request, done.relationship, apiPath(operations.customerPage.route)),
    };
  }
  return { status: 200, json: changeAnswerView(done) };
});

register(operations.answerChangeRequest, answerChangeRequest);
