// Writes the deployed portal's config.json from the azd environment (azd exports its values to
// hooks): the Function App's URL and the Entra ID sign-in of the portal's SPA app registration;
// and, beside it, staticwebapp.config.json with the CSP's connect-src narrowed to the portal's
// own origin, the API's origin (SERVICE_API_URI, an output of infra/main.bicep) and Entra ID.
//   node scripts/portal-config.mjs dist/portal/config.json
//   SERVICE_API_URI   the Function App's URL (an output of infra/main.bicep)
//   PORTAL_CLIENT_ID  the portal's SPA app registration (docs/deploy.md, "Portal")
//   AUTH_CLIENT_ID    the API's app registration: the token is for api://<it>/access_as_user
//   PORTAL_AUTHORITY  optional, default https://login.microsoftonline.com/organizations
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { URL } from 'node:url';
import console from 'node:console';
import process from 'node:process';

export function portalConfig(env) {
  const missing = ['SERVICE_API_URI', 'PORTAL_CLIENT_ID', 'AUTH_CLIENT_ID'].filter((k) => !env[k]?.trim());
  if (missing.length) {
    throw new Error(`The portal's config.json needs ${missing.join(', ')} (azd env set NAME value; see docs/deploy.md, "Portal").`);
  }
  return {
    apiBaseUrl: env.SERVICE_API_URI.trim().replace(/\/+$/, ''),
    auth: {
      clientId: env.PORTAL_CLIENT_ID.trim(),
      authority: env.PORTAL_AUTHORITY?.trim() || 'https://login.microsoftonline.com/organizations',
      scopes: [`api://${env.AUTH_CLIENT_ID.trim()}/access_as_user`],
    },
  };
}

/** The Static Web App's config (the template, portal/staticwebapp.config.json) with the API's origin in connect-src. */
export function staticWebAppConfig(env, template) {
  const api = new URL(portalConfig(env).apiBaseUrl).origin;
  const headers = template.globalHeaders ?? {};
  const csp = String(headers['Content-Security-Policy'] ?? '').replace(/connect-src 'self'/, `connect-src 'self' ${api}`);
  return { ...template, globalHeaders: { ...headers, 'Content-Security-Policy': csp } };
}

if (process.argv[1]?.endsWith('portal-config.mjs')) {
  const out = process.argv[2] ?? 'dist/portal/config.json';
  try {
    writeFileSync(out, `${JSON.stringify(portalConfig(process.env), null, 2)}\n`);
    console.log(`Wrote ${out}`);
    const swa = join(dirname(out), 'staticwebapp.config.json');
    const template = JSON.parse(readFileSync(swa, 'utf8'));
    writeFileSync(swa, `${JSON.stringify(staticWebAppConfig(process.env, template), null, 2)}\n`);
    console.log(`Wrote ${swa}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
