import { performance } from 'node:perf_hooks';
import type { Stack } from './stack';

/**
 * The API driven as people do, over HTTP against a stack: the person registering (their bearer token) and the
 * partner's admin (the consent link, the sign-in at the Entra ID stand-in, Microsoft's redirect to the callback).
 * Shared by the integration tests (test/support/registration-driver.ts) and the API load bench (bench/api-load.ts).
 */

/** An answer of the API; `Body` is what its JSON is read as (tests: `any`, to assert on it directly). */
export interface ApiAnswer<Body = unknown> {
  status: number;
  body: Body;
  text: string;
  headers: Headers;
}

/** An answer from the host as the driver saw it; `poll` when it was one look while waiting for a state. */
export interface ObservedAnswer {
  poll: boolean;
  status: number;
  ms: number;
}

export interface ApiClientOptions {
  /** Aborts a request that has no answer after this long (default: none). */
  timeoutMs?: number;
  onAnswer?(answer: ObservedAnswer): void;
}

/** Calls the API as a person, recording every answer's text (for checks that no secret leaked). */
export function apiClient<Body = unknown>(
  stack: Pick<Stack, 'apiBaseUrl'>,
  seen: string[] = [],
  options: ApiClientOptions = {},
) {
  const call = async (
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
    poll = false,
  ): Promise<ApiAnswer<Body>> => {
    const started = performance.now();
    const res = await fetch(`${stack.apiBaseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined,
    });
    const text = await res.text();
    options.onAnswer?.({ poll, status: res.status, ms: performance.now() - started });
    seen.push(text);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed as Body, text, headers: res.headers };
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

/** A wait for a state: a first pause of `firstMs`, doubling up to `maxMs`; given up after `timeoutMs`. */
export interface Polling {
  firstMs: number;
  maxMs: number;
  timeoutMs: number;
}

/** The tests' polling: every 30 ms for 9 s. */
export const TEST_POLLING: Polling = { firstMs: 30, maxMs: 30, timeoutMs: 9_000 };

/** A partner's payer account as the person registering it types it in. */
export interface RegisteringOrganization {
  accountName: string;
  tenantId: string;
  domain: string;
  /** The partner's Partner Center app and its secret (step 2). */
  applicationId: string;
  secret: string;
  /** The admin who consents (Admin agent, MFA), a user of the Entra ID stand-in. */
  admin: string;
}

export type RegistrationStep = 'step 1' | 'step 2' | 'step 3' | 'consent';

/** A registration that did not go as expected: the step, and what was answered instead. */
export class RegistrationStepError extends Error {
  constructor(
    readonly step: RegistrationStep,
    readonly reason: string,
  ) {
    super(`${step}: ${reason}`);
    this.name = 'RegistrationStepError';
  }
}

export interface RegisterOptions {
  seen?: string[];
  step2Extras?: Record<string, string>;
  polling?: Polling;
  requestTimeoutMs?: number;
  /** Each step's time once done: its request until the registration can go on (consent: until the admin's page). */
  onStep?(step: RegistrationStep, ms: number): void;
  /** Every answer from the host: the API's and the admin's pages. */
  onAnswer?(answer: ObservedAnswer): void;
}

/** The fields of GET /api/payer-account's answer that the driver's callers read (the rest as answered). */
export interface RegisteredAccount {
  registrationId: string;
  tenantId: string;
  applicationId: string;
  [field: string]: unknown;
}

/** What a registration's steps answer that the driver reads: a status to wait for, the consent link. */
interface DriverBody {
  status?: string;
  verified?: unknown;
  error?: unknown;
  consentLink?: string;
}

export interface Registered {
  /** GET /api/payer-account's answer. */
  account: RegisteredAccount;
  /** The title of the admin's page after Microsoft's redirect ('Registered' once the checks passed). */
  adminPage: string;
  /** Step 2 answered 202 (the verification outlasted the trigger's wait) and the driver waited as the wizard does. */
  step2Pending: boolean;
  /** Wrong answers the registration got past (the driver waited on where a person would have been misled). */
  unexpected: { step: RegistrationStep; reason: string }[];
}

const brief = (answer: { status: number; text: string }) => `HTTP ${answer.status} ${answer.text.slice(0, 300)}`;

/**
 * One registration through the API, as the end-to-end test drives it: step 1, step 2 with the app's valid secret,
 * a consent link (step 3), the admin's consent at the Entra ID stand-in and the callback; resolves once GET
 * /api/payer-account answers the registered account. Any other answer throws a RegistrationStepError, but for the
 * wrong answers it can wait past, which it lists as `unexpected`.
 */
export async function registerOrganization(
  stack: Pick<Stack, 'apiBaseUrl' | 'entra'>,
  organization: RegisteringOrganization,
  token: string,
  options: RegisterOptions = {},
): Promise<Registered> {
  const { call } = apiClient<DriverBody | undefined>(stack, options.seen, {
    timeoutMs: options.requestTimeoutMs,
    onAnswer: options.onAnswer,
  });
  const polling = options.polling ?? TEST_POLLING;
  const unexpected: Registered['unexpected'] = [];
  const step = async <T>(name: RegistrationStep, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run().catch((error: unknown) => {
      if (error instanceof RegistrationStepError) throw error;
      throw new RegistrationStepError(name, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    });
    options.onStep?.(name, performance.now() - started);
    return result;
  };
  type Answer = ApiAnswer<DriverBody | undefined>;
  const waitFor = async (name: RegistrationStep, path: string, done: (answer: Answer) => boolean, what: string) => {
    const deadline = performance.now() + polling.timeoutMs;
    for (let pause = polling.firstMs; ; pause = Math.min(polling.maxMs, pause * 2)) {
      const answer = await call('GET', path, token, undefined, true);
      if (done(answer)) return answer;
      if (performance.now() + pause > deadline)
        throw new RegistrationStepError(name, `not ${what} after ${polling.timeoutMs} ms: ${brief(answer)}`);
      await new Promise((r) => setTimeout(r, pause));
    }
  };
  const atStatus = (status: string) => (answer: Answer) => answer.status === 200 && answer.body?.status === status;

  await step('step 1', async () => {
    const started = await call('POST', '/payer-account/registration', token, {
      accountName: organization.accountName,
    });
    if (started.status !== 201) throw new RegistrationStepError('step 1', brief(started));
    await waitFor('step 1', '/payer-account/registration', atStatus('awaitingPartnerCenterCredentials'), 'at step 2');
  });
  const step2Pending = await step('step 2', async () => {
    const verified = await call('PUT', '/payer-account/registration/partner-center-credentials', token, {
      applicationId: organization.applicationId,
      domain: organization.domain,
      secret: organization.secret,
      ...options.step2Extras,
    });
    if (verified.status === 200) return false;
    if (verified.status !== 202) throw new RegistrationStepError('step 2', brief(verified));
    // Still verifying: the wizard reads the registration until the verification is over. Back at step 2 with neither
    // a verdict nor an error, the submission has not reached the workflow yet: the wizard would show step 2's form
    // again. An error, but the driver waits on for the verdict.
    let stale: Answer | undefined;
    const over = await waitFor(
      'step 2',
      '/payer-account/registration',
      (answer) => {
        const unsettled = atStatus('awaitingPartnerCenterCredentials')(answer) && !answer.body?.error;
        if (unsettled) stale ??= answer;
        return !unsettled && !atStatus('verifyingPartnerCenterCredentials')(answer);
      },
      'verified',
    );
    if (stale)
      unexpected.push({
        step: 'step 2',
        reason: `after its 202 the registration read as not submitted (the wizard shows step 2 again): ${brief(stale)}`,
      });
    if (!atStatus('awaitingPartnerApiCredentials')(over) || !over.body?.verified)
      throw new RegistrationStepError('step 2', `after a 202: ${brief(over)}`);
    return true;
  });
  const consentLink = await step('step 3', async () => {
    const link = await call('PUT', '/payer-account/registration/partner-api-credentials', token, {
      tenantId: organization.tenantId,
      applicationId: organization.applicationId,
    });
    if (link.status !== 200) throw new RegistrationStepError('step 3', brief(link));
    await waitFor('step 3', '/payer-account/registration', atStatus('awaitingConsent'), 'awaiting consent');
    if (!link.body?.consentLink) throw new RegistrationStepError('step 3', `no consent link: ${brief(link)}`);
    return link.body.consentLink;
  });
  const adminPage = await step('consent', async () => {
    const browse = async (url: string) => {
      const started = performance.now();
      const res = await fetch(url, {
        redirect: 'manual',
        signal: options.requestTimeoutMs ? AbortSignal.timeout(options.requestTimeoutMs) : undefined,
      });
      const text = await res.text();
      options.onAnswer?.({ poll: false, status: res.status, ms: performance.now() - started });
      options.seen?.push(text);
      return { status: res.status, text, location: res.headers.get('location') };
    };
    const start = await browse(consentLink);
    if (start.status !== 302 || !start.location)
      throw new RegistrationStepError('consent', `the consent link answered ${brief(start)}`);
    const { location } = await stack.entra.authorize({
      authorizeUrl: start.location,
      username: organization.admin,
      decision: 'accept',
    });
    const callback = await browse(location);
    if (callback.status !== 200) throw new RegistrationStepError('consent', `the callback answered ${brief(callback)}`);
    return /<h1>([^<]*)<\/h1>/.exec(callback.text)?.[1] ?? '(no title)';
  });
  const account = await waitFor('consent', '/payer-account', (answer) => answer.status === 200, 'registered');
  return { account: account.body as unknown as RegisteredAccount, adminPage, step2Pending, unexpected };
}
