/** The local sign-in form, the runner's stand-in for Microsoft Entra ID's sign-in page. */
import * as z from '../zod';
import { escapeHtml } from '../domain/text';

/** The sign-in form's tenant rule is the principal parser's (zod's UUID), also as an HTML pattern. */
const TENANT_PATTERN = z.regexes.uuid().source.replace(/^\^/, '').replace(/\$$/, '');

export interface SignInValues {
  tenantId: string;
  name: string;
  roles: string;
}

const DEFAULT_VALUES: SignInValues = { tenantId: '', name: 'admin@customer.example', roles: 'GlobalAdmin' };

export const SIGN_IN_PAGE_HEADERS = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' };

export function signInPage(redirect: string, error?: string, values: SignInValues = DEFAULT_VALUES): string {
  const r = escapeHtml(redirect);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local sign-in</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;font-size:1rem}button{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem}.note{color:#555}.err{color:#a00}</style></head>
<body><main><h1>Local sign-in</h1><p class="note">This form stands in for Microsoft Entra ID sign-in when the service runs locally. It is never part of a deployment.</p>
${error ? `<p class="err" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(redirect)}">
<label for="tenantId">Tenant ID</label><input id="tenantId" name="tenantId" required pattern="${escapeHtml(TENANT_PATTERN)}" title="A tenant ID: a UUID such as 3f1d5b7a-2c4e-4a6b-8d9f-0e1a2b3c4d5e" placeholder="3f1d5b7a-2c4e-4a6b-8d9f-0e1a2b3c4d5e" value="${escapeHtml(values.tenantId)}">
<label for="name">User name</label><input id="name" name="name" required value="${escapeHtml(values.name)}">
<label for="roles">Roles (comma-separated)</label><input id="roles" name="roles" value="${escapeHtml(values.roles)}">
<button type="submit">Sign in</button></form><p class="note">After sign-in you return to <code>${r}</code>.</p></main></body></html>`;
}
