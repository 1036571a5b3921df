/**
 * `node dist/tools/write-web-config.js` (azure.yaml's prepackage hook of the `web` service, after `npm run build:web`):
 * writes web/dist/config.json, the wizard's runtime configuration, from the deployment's outputs, which azd hands
 * every hook as environment variables: WEB_AUTHORITY, WEB_CLIENT_ID, WEB_API_SCOPE and WEB_API_BASE_URL
 * (infra/main.bicep). It refuses, naming each, values that are missing or malformed: a wizard with a wrong
 * configuration deploys green and then fails every sign-in.
 */
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface WebConfig {
  authority: string;
  clientId: string;
  apiScope: string;
  apiBaseUrl: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const httpsUrl = (value: string) => {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
};

const RULES: { key: keyof WebConfig; variable: string; valid: (value: string) => boolean; expected: string }[] = [
  {
    key: 'authority',
    variable: 'WEB_AUTHORITY',
    valid: httpsUrl,
    expected: 'an https URL such as https://login.microsoftonline.com/organizations',
  },
  {
    key: 'clientId',
    variable: 'WEB_CLIENT_ID',
    valid: (v) => GUID.test(v),
    expected: "the wizard app registration's Application (client) ID, a GUID",
  },
  {
    key: 'apiScope',
    variable: 'WEB_API_SCOPE',
    valid: (v) => /^\S+\/[^/\s]+$/.test(v) && !v.endsWith('/.default'),
    expected: 'a named scope the API exposes, such as api://<API app ID>/access_as_user (not /.default)',
  },
  {
    key: 'apiBaseUrl',
    variable: 'WEB_API_BASE_URL',
    valid: (v) => httpsUrl(v) && !v.endsWith('/'),
    expected: 'the API base URL, https://<function app>/api',
  },
];

/** The wizard's configuration from the deployment's outputs, or one message per missing or malformed value. */
export function webConfigFromEnvironment(env: NodeJS.ProcessEnv): { config: WebConfig } | { errors: string[] } {
  const errors: string[] = [];
  const config: Partial<WebConfig> = {};
  for (const rule of RULES) {
    const value = env[rule.variable]?.trim() ?? '';
    if (!value) errors.push(`${rule.variable} is not set: expected ${rule.expected} (an output of \`azd provision\`)`);
    else if (!rule.valid(value)) errors.push(`${rule.variable} is '${value}': expected ${rule.expected}`);
    else config[rule.key] = value;
  }
  return errors.length > 0 ? { errors } : { config: config as WebConfig };
}

function main(): void {
  const dist = path.resolve(process.argv[2] ?? path.join(__dirname, '..', '..', 'web', 'dist'));
  if (!existsSync(path.join(dist, 'index.html')))
    throw new Error(`${dist} holds no built wizard: run \`npm run build:web\` first`);
  const result = webConfigFromEnvironment(process.env);
  if ('errors' in result) throw new Error(`cannot write the wizard's config.json:\n  ${result.errors.join('\n  ')}`);
  writeFileSync(path.join(dist, 'config.json'), `${JSON.stringify(result.config, null, 2)}\n`);
  process.stdout.write(`wrote ${path.join(dist, 'config.json')} (API ${result.config.apiBaseUrl})\n`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`write-web-config: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
