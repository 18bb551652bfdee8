/**
 * The infrastructure checked against the code: the app settings the Bicep gives the Function
 * App must be exactly the settings src/config.ts reads (plus a short list of platform
 * settings), and the Bicep must stay identity-only. There is no Bicep compiler here, so the
 * files are read as text; the parsing is deliberately small (comment stripping, brace
 * matching, regexes) and every check would fail on the mistakes it names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES, eventQueueName, loadConfig, waitingQueueName } from '../../src/config';
import { QUEUE_CONNECTION } from '../../src/http/register';
import type { TableName } from '../../src/storage/rows';
import { tableName } from '../../src/storage/tableRows';

const ROOT = resolve(__dirname, '../..');
/** The least a deployed app's settings hold, for config checks. */
const AZURE_ENV = {
  TABLES_ENDPOINT: 'https://a.table.core.windows.net',
  QUEUES_ENDPOINT: 'https://a.queue.core.windows.net',
  PUBLIC_BASE_URL: 'https://x.example',
  INVITATION_SIGNING_KEY: 'k'.repeat(40),
};
const INFRA = join(ROOT, 'infra');

/** Settings the code knows that must NOT be set in Azure: local-only alternatives. */
const LOCAL_ONLY = [
  'TABLES_CONNECTION_STRING',
  'ACS_CONNECTION_STRING',
  'QUEUES_CONNECTION_STRING',
  // Never in Azure: webhooks to http and private addresses; a shrunken retry schedule.
  'WEBHOOK_ALLOW_PRIVATE_TARGETS',
  'WEBHOOK_RETRY_SCALE',
];

/** Platform settings the Bicep may set besides the service's own. */
const PLATFORM_SETTINGS = [
  'AzureWebJobsStorage__blobServiceUri',
  'AzureWebJobsStorage__queueServiceUri',
  'AzureWebJobsStorage__tableServiceUri',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  // The deliverEvents queue trigger's identity-based connection (src/http/register.ts QUEUE_CONNECTION).
  'QUEUES__queueServiceUri',
  'QUEUES__credential',
  'QUEUES__clientId',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
];

/** Settings that must never appear among the app settings in Azure. */
const FORBIDDEN_SETTINGS = [
  ...LOCAL_ONLY,
  'CORS_ALLOWED_ORIGINS',
  'FUNCTIONS_WORKER_RUNTIME',
  'FUNCTIONS_EXTENSION_VERSION',
  'AzureWebJobsStorage',
];

function bicepFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return bicepFiles(p);
    return e.name.endsWith('.bicep') ? [p] : [];
  });
}

/** Removes // line comments and /* block comments *\/, leaving strings such as 'https://x' alone. */
function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    if (inString) {
      out += c;
      if (c === '\\') {
        out += next ?? '';
        i++;
      } else if (c === "'") {
        inString = false;
      }
      continue;
    }
    if (c === "'") {
      inString = true;
      out += c;
    } else if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** The text between the `{` at `open` and its matching `}` (exclusive). */
function braceBody(text: string, open: number): string {
  if (text[open] !== '{') throw new Error(`expected "{" at ${open}`);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  throw new Error(`unbalanced braces after ${open}`);
}

/** The top-level keys of an object literal body (`KEY: value` lines at depth 0). */
function topLevelKeys(body: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (const line of body.split('\n')) {
    if (depth === 0) {
      const m = /^\s*(?:'([^']+)'|([A-Za-z_][A-Za-z0-9_]*))\s*:/.exec(line);
      if (m) keys.push((m[1] ?? m[2]) as string);
    }
    for (const ch of line) {
      if (ch === '{' || ch === '[' || ch === '(') depth++;
      else if (ch === '}' || ch === ']' || ch === ')') depth--;
    }
  }
  return keys;
}

/** The body of `var <name> = { ... }` in a Bicep text, or undefined. */
function objectVar(text: string, name: string): string | undefined {
  const m = new RegExp(`^var\\s+${name}\\s*=\\s*\\{`, 'm').exec(text);
  if (!m) return undefined;
  return braceBody(text, m.index + m[0].length - 1);
}

/** Every `resource <sym> '<type>@<version>' ... = ... {` with its body, for one resource type. */
function resourcesOfType(text: string, type: string): { symbol: string; body: string }[] {
  const re = new RegExp(`^resource\\s+(\\w+)\\s+'${type.replace(/[./]/g, '\\$&')}@[^']+'[^{\\n]*=[^{\\n]*\\{`, 'gm');
  const found: { symbol: string; body: string }[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    found.push({ symbol: m[1] as string, body: braceBody(text, m.index + m[0].length - 1) });
  }
  return found;
}

/** The value expression of `key:` at the top level of an object body. */
function topLevelValue(body: string, key: string): string | undefined {
  let depth = 0;
  for (const line of body.split('\n')) {
    if (depth === 0) {
      const m = new RegExp(`^\\s*${key}\\s*:\\s*(.*)$`).exec(line);
      if (m) return (m[1] as string).trim();
    }
    for (const ch of line) {
      if (ch === '{' || ch === '[' || ch === '(') depth++;
      else if (ch === '}' || ch === ']' || ch === ')') depth--;
    }
  }
  return undefined;
}

const files = bicepFiles(INFRA).map((path) => ({
  path: relative(ROOT, path),
  text: stripComments(readFileSync(path, 'utf8')),
}));
const file = (rel: string) => {
  const f = files.find((x) => x.path === rel);
  if (!f) throw new Error(`${rel} is missing`);
  return f.text;
};
const main = file('infra/main.bicep');
const apiBicep = file('infra/app/api.bicep');
const rbac = file('infra/app/rbac.bicep');
const allText = files.map((f) => f.text).join('\n');

const appSettingsBody = objectVar(apiBicep, 'appSettings');
const bicepSettings = appSettingsBody ? topLevelKeys(appSettingsBody) : [];

describe('the parsing helpers', () => {
  it('strip comments but not URLs in strings', () => {
    expect(stripComments("a: 'https://x' // note\n/* b: 1 */c: 2")).toBe("a: 'https://x' \nc: 2");
  });
  it('read top-level keys only', () => {
    const body = braceBody("{\n  A: 'x'\n  B: {\n    C: 1\n  }\n  'D': f(\n    E: 2\n  )\n}", 0);
    expect(topLevelKeys(body)).toEqual(['A', 'B', 'D']);
  });
});

describe('infra app settings match src/config.ts', () => {
  const required = SETTING_NAMES.filter((n) => !LOCAL_ONLY.includes(n));

  it('api.bicep declares the app settings in one object, `var appSettings = {...}`', () => {
    expect(appSettingsBody, 'var appSettings = { ... } not found in infra/app/api.bicep').toBeDefined();
    expect(bicepSettings.length).toBeGreaterThanOrEqual(required.length);
  });

  it('that object is what the Function App gets, and nothing else sets app settings', () => {
    const configs = [...apiBicep.matchAll(/name:\s*'appsettings'/g)];
    expect(configs, 'exactly one appsettings config').toHaveLength(1);
    expect(apiBicep).toMatch(/name:\s*'appsettings'\s*\n\s*properties:\s*appSettings\s*\n/);
    for (const f of files) {
      expect(f.text, `${f.path} sets app settings another way`).not.toMatch(/appSettingsKeyValuePairs|\bappSettings\s*:\s*\[/);
      if (f.path !== 'infra/app/api.bicep') expect(f.text, `${f.path} writes appsettings`).not.toMatch(/'appsettings'/);
    }
  });

  it.each(required)('sets %s, which the code reads', (name) => {
    expect(bicepSettings).toContain(name);
  });

  it('sets no setting the code does not know (platform settings excepted)', () => {
    const known = new Set<string>([...SETTING_NAMES, ...PLATFORM_SETTINGS]);
    expect(bicepSettings.filter((s) => !known.has(s))).toEqual([]);
  });

  it('sets no local-only or legacy setting', () => {
    expect(bicepSettings.filter((s) => FORBIDDEN_SETTINGS.includes(s))).toEqual([]);
  });

  it('sets each setting once', () => {
    expect(bicepSettings.filter((s, i) => bicepSettings.indexOf(s) !== i)).toEqual([]);
  });

  it('takes INVITATION_SIGNING_KEY from Key Vault with the user-assigned identity', () => {
    expect(topLevelValue(appSettingsBody ?? '', 'INVITATION_SIGNING_KEY')).toMatch(/^'@Microsoft\.KeyVault\(SecretUri=\$\{[^}]+\}\)'$/);
    expect(apiBicep).toMatch(/keyVaultAccessIdentityResourceId:\s*identityId/);
  });

  it('uses identity-based host storage with the user-assigned identity', () => {
    expect(topLevelValue(appSettingsBody ?? '', 'AzureWebJobsStorage__credential')).toBe("'managedidentity'");
    expect(topLevelValue(appSettingsBody ?? '', 'AzureWebJobsStorage__clientId')).toBe('identityClientId');
    expect(topLevelValue(appSettingsBody ?? '', 'AZURE_CLIENT_ID')).toBe('identityClientId');
  });

  it('points TABLES_ENDPOINT at the table service and PUBLIC_BASE_URL at the app, over https', () => {
    expect(topLevelValue(appSettingsBody ?? '', 'TABLES_ENDPOINT')).toMatch(/^'https:\/\/\$\{[^}]+\}\.table\./);
    expect(topLevelValue(appSettingsBody ?? '', 'PUBLIC_BASE_URL')).toMatch(/^'https:\/\/\$\{api\.outputs\.defaultHostname\}'$/);
  });
});

describe('infra is identity-only', () => {
  it('never lists keys', () => {
    for (const f of files) expect(f.text, f.path).not.toMatch(/listKeys\s*\(|AccountKey=|listConnectionStrings/i);
  });

  it('runs Node 22, the version the bundle is built for and package.json engines names', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=22');
    expect(readFileSync(join(ROOT, 'scripts', 'build.mjs'), 'utf8')).toMatch(/NODE_TARGET = 'node22'/);
    for (const [text, param] of [
      [main, 'nodeVersion'],
      [apiBicep, 'runtimeVersion'],
    ] as const) {
      expect(text, param).toMatch(
        new RegExp(`@allowed\\(\\[\\s*'22'\\s*\\]\\)\\s*\\n(?:@[^\\n]*\\n)*param\\s+${param}\\s+string\\s*=\\s*'22'`),
      );
    }
    expect(main).toMatch(/^\s*runtimeVersion:\s*nodeVersion\s*$/m);
    const params = JSON.parse(readFileSync(join(INFRA, 'main.parameters.json'), 'utf8')) as {
      parameters: Record<string, { value: string }>;
    };
    expect(params.parameters.nodeVersion?.value).toBe('${NODE_VERSION=22}');
  });

  it('never sets FUNCTIONS_WORKER_RUNTIME (Flex takes the runtime from functionAppConfig)', () => {
    for (const f of files) expect(f.text, f.path).not.toMatch(/FUNCTIONS_WORKER_RUNTIME/);
    expect(apiBicep).toMatch(/runtime:\s*\{\s*name:\s*'node'\s*version:\s*runtimeVersion\s*\}/);
  });

  it('turns shared-key access off on the storage account', () => {
    expect(main).toMatch(/allowSharedKeyAccess:\s*false/);
    expect(allText).not.toMatch(/allowSharedKeyAccess:\s*true/);
  });

  it('runs on Flex Consumption (FC1) and deploys the package with the user-assigned identity', () => {
    expect(main).toMatch(/skuName:\s*'FC1'/);
    expect(apiBicep).toMatch(/type:\s*'UserAssignedIdentity'\s*\n\s*userAssignedIdentityResourceId:\s*identityId/);
  });

  it('creates the webhook delivery queue, the waiting queue and their poison queues, named as the code names them', () => {
    expect(main).toMatch(/var eventQueueName = '\$\{toLower\(tablePrefix\)\}webhook-events'/);
    expect(eventQueueName({ TABLE_PREFIX: '' })).toBe('webhook-events');
    expect(main).toMatch(/var waitingQueueName = '\$\{toLower\(tablePrefix\)\}webhook-waiting'/);
    expect(waitingQueueName({ TABLE_PREFIX: '' })).toBe('webhook-waiting');
    expect(main).toMatch(
      /queueServices:\s*\{\s*queues:\s*\[\s*\{ name: eventQueueName \}\s*\{ name: '\$\{eventQueueName\}-poison' \}\s*\{ name: waitingQueueName \}\s*\{ name: '\$\{waitingQueueName\}-poison' \}/,
    );
  });

  it('connects the queue trigger by identity (QUEUES__*) and QUEUES_ENDPOINT to the same queue service, over https', () => {
    const body = appSettingsBody ?? '';
    expect(topLevelValue(body, 'QUEUES_ENDPOINT')).toMatch(/^'https:\/\/\$\{stg\.name\}\.queue\./);
    expect(topLevelValue(body, 'QUEUES__queueServiceUri')).toBe('stg.properties.primaryEndpoints.queue');
    expect(topLevelValue(body, 'QUEUES__credential')).toBe("'managedidentity'");
    expect(topLevelValue(body, 'QUEUES__clientId')).toBe('identityClientId');
    expect(QUEUE_CONNECTION).toBe('QUEUES');
  });

  it('creates every table the code uses, with the optional prefix, in the storage account', () => {
    // The tables the adapter knows (src/storage/tableRows.ts), named as tableName() names them.
    const store = readFileSync(join(ROOT, 'src', 'storage', 'tableRows.ts'), 'utf8');
    const declared = /const TABLES\b[^=]*=\s*\{([^}]*)\}/.exec(store);
    expect(declared, 'const TABLES = { ... } in src/storage/tableRows.ts').not.toBeNull();
    const codeTables = [...declared![1]!.matchAll(/(\w+):\s*'[^']*'/g)].map((m) => tableName('${tablePrefix}', m[1] as TableName));
    expect(codeTables.length).toBeGreaterThanOrEqual(2);

    // ...and the tables of the storage module's table service, variables resolved.
    const at = /^module\s+storage\s+'br\/public:avm\/res\/storage\/storage-account:[^']+'\s*=\s*\{/m.exec(main);
    expect(at, 'module storage (avm storage-account)').not.toBeNull();
    const storageParams = braceBody(main, at!.index + at![0].length - 1);
    const tableServices = /tableServices:\s*\{/.exec(storageParams);
    expect(tableServices, 'storage tableServices').not.toBeNull();
    const tablesBody = braceBody(storageParams, tableServices!.index + tableServices![0].length - 1);
    const vars = new Map([...main.matchAll(/^var\s+(\w+)\s*=\s*'([^']*)'\s*$/gm)].map((m) => [m[1], m[2]]));
    const bicepTables = [...tablesBody.matchAll(/name:\s*(\w+|'[^']*')/g)].map((m) => {
      const ref = m[1] as string;
      return ref.startsWith("'") ? ref.slice(1, -1) : vars.get(ref);
    });
    expect(bicepTables.sort()).toEqual(codeTables.sort());
  });

  it('gives the app the same TABLE_PREFIX the tables are named with, within the limits config accepts', () => {
    expect(topLevelValue(appSettingsBody ?? '', 'TABLE_PREFIX')).toBe('tablePrefix');
    expect(main).toMatch(/^\s*tablePrefix:\s*tablePrefix\s*$/m);
    expect(main).toMatch(/@maxLength\(32\)\s*\n(?:@[^\n]*\n)*param\s+tablePrefix\s+string\s*=\s*''/);
    expect(() => loadConfig({ ...AZURE_ENV, TABLE_PREFIX: 'p'.repeat(32) })).not.toThrow();
    expect(() => loadConfig({ ...AZURE_ENV, TABLE_PREFIX: 'p'.repeat(33) })).toThrow(/TABLE_PREFIX/);
  });

  it('pins every Azure Verified Module to an explicit version', () => {
    const refs = [...allText.matchAll(/br\/public:[^\s'"]*/g)].map((m) => m[0]);
    expect(refs.length).toBeGreaterThanOrEqual(8);
    for (const ref of refs) expect(ref).toMatch(/^br\/public:avm\/[a-z0-9/-]+:\d+\.\d+\.\d+$/);
  });
});

describe('role assignments', () => {
  const assignments = files.flatMap((f) =>
    resourcesOfType(f.text, 'Microsoft.Authorization/roleAssignments').map((r) => ({ ...r, path: f.path })),
  );

  it('live in app/rbac.bicep', () => {
    expect(assignments.length).toBeGreaterThanOrEqual(5);
    expect(assignments.every((a) => a.path === 'infra/app/rbac.bicep')).toBe(true);
  });

  it('are named guid(scope, principal, role)', () => {
    for (const a of assignments) expect(topLevelValue(a.body, 'name'), a.symbol).toMatch(/^guid\(\s*\w+\.id\s*,\s*\w+\s*,\s*[\w.]+\s*\)$/);
  });

  it('state their principalType', () => {
    for (const a of assignments) expect(a.body, a.symbol).toMatch(/\n\s*principalType:\s*\S+/);
  });

  it('grant the roles the app needs, each on its own resource', () => {
    const roleIds = {
      blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
      tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
      keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
      monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
      queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    };
    for (const id of Object.values(roleIds)) expect(rbac).toContain(id);
    const scopes = assignments.map((a) => topLevelValue(a.body, 'scope'));
    expect(scopes).toEqual(
      expect.arrayContaining(['storageAccount', 'tableService', 'queueService', 'keyVault', 'applicationInsights', 'communicationService']),
    );
    expect(scopes).not.toContain('resourceGroup()');
    expect(scopes.every((s) => s !== undefined)).toBe(true);
  });
});

describe('CORS and sign-in', () => {
  it('feeds the portalOrigins parameter to the Function App CORS allowed origins', () => {
    expect(main).toMatch(/^param\s+portalOrigins\s+(string\[\]|array)(?=\s|$)/m);
    // The given origins and the portal's own Static Web App (infra/app/portal.bicep).
    expect(main).toMatch(/^var\s+apiCorsOrigins\s*=\s*union\(portalOrigins,\s*\[portal\.outputs\.SERVICE_PORTAL_URI\]\)\s*$/m);
    expect(main).toMatch(/^\s*portalOrigins:\s*apiCorsOrigins\s*$/m);
    expect(apiBicep).toMatch(/^param\s+portalOrigins\s+(string\[\]|array)(?=\s|$)/m);
    expect(apiBicep).toMatch(/cors:\s*\{\s*allowedOrigins:\s*portalOrigins\s*supportCredentials:\s*false\s*\}/);
  });

  it('configures App Service Authentication with Entra ID, anonymous requests allowed through', () => {
    expect(apiBicep).toMatch(/name:\s*'authsettingsV2'/);
    expect(apiBicep).toMatch(/unauthenticatedClientAction:\s*'AllowAnonymous'/);
    expect(apiBicep).toMatch(/azureActiveDirectory:\s*\{\s*enabled:\s*true/);
    expect(main).toMatch(/common\/v2\.0/);
  });
});

describe('azd wiring', () => {
  const params = JSON.parse(readFileSync(join(INFRA, 'main.parameters.json'), 'utf8')) as {
    parameters: Record<string, unknown>;
  };

  it('main.parameters.json only sets parameters main.bicep declares', () => {
    const declared = new Set([...main.matchAll(/^param\s+(\w+)/gm)].map((m) => m[1]));
    expect(Object.keys(params.parameters).filter((p) => !declared.has(p))).toEqual([]);
  });

  it('keeps the signing key a @secure() parameter, out of the parameters file and the outputs', () => {
    const at = main.search(/^param\s+invitationSigningKey\s+string\s*$/m);
    expect(at, 'param invitationSigningKey string').toBeGreaterThan(0);
    expect(main.slice(main.lastIndexOf('\n\n', at), at)).toMatch(/^@secure\(\)$/m);
    expect(Object.keys(params.parameters)).not.toContain('invitationSigningKey');
    for (const f of files) expect(f.text, f.path).not.toMatch(/^output\s.*(invitationSigningKey|SIGNING_KEY)/m);
  });

  it('deploys the api service to a Function App', () => {
    const yaml = readFileSync(join(ROOT, 'azure.yaml'), 'utf8');
    expect(yaml).toMatch(/^\s+api:\s*\n(?:\s+.*\n)*?\s+host:\s*function\s*$/m);
    expect(apiBicep).toMatch(/'azd-service-name':\s*serviceName/);
  });

  it('deploys the portal service to a Static Web App', () => {
    const yaml = readFileSync(join(ROOT, 'azure.yaml'), 'utf8');
    expect(yaml).toMatch(/^\s+portal:\s*\n(?:\s+.*\n)*?\s+host:\s*staticwebapp\s*$/m);
    const portalBicep = readFileSync(join(INFRA, 'app', 'portal.bicep'), 'utf8');
    expect(portalBicep).toMatch(/'Microsoft\.Web\/staticSites@/);
    expect(portalBicep).toMatch(/'azd-service-name':\s*serviceName/);
    expect(main).toMatch(/^module\s+portal\s+'app\/portal\.bicep'/m);
  });

  it("the portal's CSP connects to the API's origin the Bicep outputs: the portal hook writes it from SERVICE_API_URI", () => {
    const yaml = readFileSync(join(ROOT, 'azure.yaml'), 'utf8');
    expect(main).toMatch(/^output SERVICE_API_URI string = api\.outputs\.SERVICE_API_URI$/m);
    expect(yaml).toMatch(/prepackage:[\s\S]*node scripts\/portal-config\.mjs dist\/portal\/config\.json/);
    const swa = readFileSync(join(ROOT, 'portal', 'staticwebapp.config.json'), 'utf8');
    expect(swa).not.toMatch(/azurewebsites\.net|\*\./);
  });

  it('config rejects an unresolved Key Vault reference as INVITATION_SIGNING_KEY', () => {
    const env = {
      TABLES_ENDPOINT: 'https://a.table.core.windows.net',
      QUEUES_ENDPOINT: 'https://a.queue.core.windows.net',
      PUBLIC_BASE_URL: 'https://x.example',
    };
    expect(() =>
      loadConfig({
        ...env,
        INVITATION_SIGNING_KEY: '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/invitation-signing-key/)',
      }),
    ).toThrow(/INVITATION_SIGNING_KEY.*Key Vault/);
  });
});
