import type { Stack } from '../../local/stack';

export const CONTOSO = '22222222-2222-4222-8222-222222222222';
export const PC_APP = 'bbbbbbbb-0000-4000-8000-000000000001';
export const VALID_SECRET = 'contoso-pc-secret-value~valid';
export const TOKEN_PATH = '^POST /[^/]+/oauth2/v2\\.0/token$';

export interface ApiAnswer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

/** Calls the API as a person, recording every answer's text (for checks that no secret leaked). */
export function apiClient(stack: Stack, seen: string[] = []) {
  const call = async (method: string, path: string, token: string | undefined, body?: unknown): Promise<ApiAnswer> => {
    const res = await fetch(`${stack.apiBaseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    seen.push(text);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  return { call, seen };
}

export const until = async (check: () => Promise<boolean>, tries = 300, everyMs = 30): Promise<boolean> => {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
};

/**
 * Drives one registration of Contoso's payer account through the API, as the end-to-end test does:
 * step 1, step 2 with the valid secret, a consent link, the admin's consent at the Entra ID
 * stand-in and the callback; resolves with GET /api/payer-account's answer once registered.
 */
export async function registerContoso(
  stack: Stack,
  token: string,
  seen: string[] = [],
  step2Extras: Record<string, string> = {},
): Promise<any> {
  const { call } = apiClient(stack, seen);
  const registration = async () => (await call('GET', '/payer-account/registration', token)).body;
  const started = await call('POST', '/payer-account/registration', token, { accountName: 'Contoso CSP' });
  if (started.status !== 201) throw new Error(`POST registration answered ${started.status}: ${started.text}`);
  await until(async () => (await registration())?.status === 'awaitingPartnerCenterCredentials');
  const step2 = await call('PUT', '/payer-account/registration/partner-center-credentials', token, {
    applicationId: PC_APP,
    domain: 'contoso.example',
    secret: VALID_SECRET,
    ...step2Extras,
  });
  if (step2.status !== 200) throw new Error(`Step 2 answered ${step2.status}: ${step2.text}`);
  const link = await call('PUT', '/payer-account/registration/partner-api-credentials', token, {
    tenantId: CONTOSO,
    applicationId: PC_APP,
  });
  if (link.status !== 200) throw new Error(`Step 3 answered ${link.status}: ${link.text}`);
  await until(async () => (await registration())?.status === 'awaitingConsent');
  const start = await fetch(link.body.consentLink as string, { redirect: 'manual' });
  const authorizeUrl = start.headers.get('location');
  if (start.status !== 302 || !authorizeUrl) throw new Error(`The consent link answered ${start.status}`);
  const { location } = await stack.entra.authorize({
    authorizeUrl,
    username: 'alice@contoso.example',
    decision: 'accept',
  });
  const callback = await fetch(location, { redirect: 'manual' });
  seen.push(await callback.text());
  await until(async () => (await call('GET', '/payer-account', token)).status === 200);
  const account = await call('GET', '/payer-account', token);
  if (account.status !== 200) throw new Error(`The payer account was not registered: ${account.text}`);
  return account.body;
}
