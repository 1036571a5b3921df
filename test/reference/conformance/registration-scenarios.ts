/**
 * The registration's scenarios, each a function that drives one stack (either engine) through the app's API, the
 * stand-ins' faults and the durable management API, and returns what it observed. The suite runs each on both engines
 * and compares the observations.
 */
import type { Stack } from '../../../local/stack';
import type { ApiAnswer } from '../../support/registration-driver';
import { apiClient, CONTOSO, PC_APP, until, VALID_SECRET } from '../../support/registration-driver';
import type { ManagementAnswer, Observation, Scenario } from './observe';
import {
  answerOf,
  CustomStatusWatch,
  foldCoincidentTimers,
  Management,
  Normaliser,
  normaliseHistory,
  observeEnded,
  sleep,
} from './observe';

export interface RegistrationContext {
  stack: Stack;
  /** Bearer tokens: alice (Contoso, may register), carol (Fabrikam, may register) and olivia (ops). */
  alice: string;
  carol: string;
  olivia: string;
  call: (method: string, path: string, token: string | undefined, body?: unknown) => Promise<ApiAnswer>;
  management: Management;
}

export async function registrationContext(stack: Stack): Promise<RegistrationContext> {
  const [alice, carol, olivia] = await Promise.all(
    ['alice@contoso.example', 'carol@fabrikam.example', 'olivia@octo.example'].map((u) => stack.tokenFor(u)),
  );
  return { stack, alice, carol, olivia, call: apiClient(stack).call, management: new Management(stack) };
}

const STEP2 = { applicationId: PC_APP, domain: 'contoso.example', secret: VALID_SECRET };
const STEP3 = { tenantId: CONTOSO, applicationId: PC_APP };
const PARTNER_TOKEN = `^POST /(${CONTOSO}|contoso\\.example)/oauth2/v2\\.0/token$`;
/** The ops timeline with its fired timers due at one instant as one entry (see foldCoincidentTimers). */
function withCoincidentTimersFolded(body: any): unknown {
  if (!Array.isArray(body?.entries)) return body;
  const entries = foldCoincidentTimers(body.entries as any[], (e) =>
    e.kind === 'timer' && e.fireAt ? Date.parse(e.fireAt) : undefined,
  ).map(({ item, coincident }) => (coincident ? { ...item, coincident } : item));
  return { ...body, entries };
}

/** Long enough for the poller (every ~10–30 ms) to see a status published only while an activity runs. */
const HOLD_MS = 400;

/** The pieces every registration scenario shares: its ID, the custom status watch, the normaliser, the answers. */
class Run {
  readonly answers: Record<string, ManagementAnswer> = {};
  readonly api: Record<string, unknown> = {};
  readonly facts: Record<string, unknown> = {};
  readonly n: Normaliser;
  id = '';
  watch?: CustomStatusWatch;
  /** The last consent link's expiry, as step 3 answered it. */
  linkExpiresAt = '';

  constructor(readonly ctx: RegistrationContext) {
    this.n = new Normaliser(ctx.stack);
  }

  /** Step 1, then the published status awaiting step 2 (through the app, as the wizard waits for it). */
  async start(): Promise<string> {
    const started = await this.ctx.call('POST', '/payer-account/registration', this.ctx.alice, {
      accountName: 'Contoso CSP',
    });
    this.api.step1 = started.status;
    if (started.status !== 201) throw new Error(`step 1 answered ${started.status}: ${started.text}`);
    this.id = started.body.registrationId as string;
    this.n.id(this.id);
    this.watch = new CustomStatusWatch(this.ctx.management, this.id);
    if (!(await this.watch.sees(/\/awaitingPartnerCenterCredentials\//)))
      throw new Error('the registration never published awaitingPartnerCenterCredentials');
    return this.id;
  }

  registration = async () => (await this.ctx.call('GET', '/payer-account/registration', this.ctx.alice)).body;

  /** Step 2 with Contoso's valid credentials; Partner Center held HOLD_MS so `verifying…` is seen. */
  async step2(): Promise<ApiAnswer> {
    this.ctx.stack.partnerCenter.faults.inject({
      match: '^GET /v1/profiles/legalbusiness',
      latencyMs: HOLD_MS,
      count: 1,
    });
    const answer = await this.ctx.call(
      'PUT',
      '/payer-account/registration/partner-center-credentials',
      this.ctx.alice,
      STEP2,
    );
    this.api.step2 = { status: answer.status, code: answer.body?.code };
    return answer;
  }

  /**
   * Until the orchestrator waits in a race: its history ends with the race's timer, no activity in flight. The app
   * publishes a step's status before the episode's housekeeping activities end (a replaced secret disabled, a link
   * e-mailed), so a person may go on sooner; an event sent then lands before or after that activity's completion as
   * each engine's queues decide, and the histories would differ by timing alone. The scenarios send their events once
   * the orchestrator waits for them.
   */
  async waiting(): Promise<void> {
    const last = async () => {
      const events = ((await this.ctx.management.history(this.id)).body?.historyEvents ?? []) as any[];
      return events.at(-1)?.EventType as string | undefined;
    };
    if (!(await until(async () => (await last()) === 'TimerCreated', 250, 20)))
      throw new Error(`the orchestrator never came to wait in a race (its history ends with ${await last()})`);
  }

  /** Step 3: a consent link (the person waits until the app has published it). */
  async step3(): Promise<string> {
    // The poller sees what the person saw before going on.
    await this.watch?.sees(/\/awaitingPartnerApiCredentials\//, 5000);
    await this.waiting();
    const link = await this.ctx.call(
      'PUT',
      '/payer-account/registration/partner-api-credentials',
      this.ctx.alice,
      STEP3,
    );
    this.api.step3 = { status: link.status, code: link.body?.code };
    if (link.status !== 200) throw new Error(`step 3 answered ${link.status}: ${link.text}`);
    await this.watch?.sees(/\/awaitingConsent\//, 5000);
    this.linkExpiresAt = link.body.expiresAt as string;
    return link.body.consentLink as string;
  }

  /** The admin opens the link, signs in as alice and accepts; the callback. Partner API held so `redeeming…` is seen. */
  async consent(consentLink: string): Promise<void> {
    const start = await fetch(consentLink, { redirect: 'manual' });
    const authorizeUrl = start.headers.get('location');
    this.api.consentStart = start.status;
    if (start.status !== 302 || !authorizeUrl) throw new Error(`the consent link answered ${start.status}`);
    const { location } = await this.ctx.stack.entra.authorize({
      authorizeUrl,
      username: 'alice@contoso.example',
      decision: 'accept',
    });
    this.ctx.stack.partnerApi.faults.inject({ latencyMs: HOLD_MS, count: 1 });
    await this.waiting();
    const callback = await fetch(location, { redirect: 'manual' });
    this.api.consentCallback = callback.status;
  }

  async cancel(): Promise<void> {
    this.api.cancel = (await this.ctx.call('DELETE', '/payer-account/registration', this.ctx.alice)).status;
  }

  /** Waits for the end, then reads what it left: the answer, the history, the ops timeline. */
  async finish(): Promise<Observation> {
    const ended = await this.ctx.management.settled(this.id);
    const customStatuses = (await this.watch?.stop()) ?? [];
    const { answer, ...common } = observeEnded(ended, this.n);
    this.answers.ended ??= answer;
    const timeline = await this.ctx.call('GET', `/ops/registrations/${this.id}/history`, this.ctx.olivia);
    return {
      ...common,
      customStatuses,
      management: this.answers,
      timeline: { status: timeline.status, body: this.n.value(withCoincidentTimersFolded(timeline.body)) },
      api: this.api,
      ...(Object.keys(this.facts).length ? { facts: this.facts } : {}),
    };
  }

  async statusAnswer(name: string, query: Record<string, string> = {}): Promise<void> {
    this.answers[name] = answerOf(await this.ctx.management.status(this.id, query), this.n);
  }
}

/** The registration's 7-day expiry as the engines hold it while waiting for step 2: its timers from ExecutionStarted. */
async function expiryTimers(run: Run): Promise<string[]> {
  const events = (await run.ctx.management.history(run.id)).body?.historyEvents as any[];
  const started = Date.parse(events.find((e) => e.EventType === 'ExecutionStarted')?.Timestamp);
  return events
    .filter((e) => e.EventType === 'TimerCreated' || e.EventType === 'TimerFired')
    .map((e) => `${e.EventType} +${((Date.parse(e.FireAt) - started) / 86_400_000).toFixed(1)}d`);
}

export const registrationScenarios: Scenario<RegistrationContext>[] = [
  {
    name: 'registration',
    title: 'the registration happy path: steps 1 to 3, consent, a registered payer account',
    expected: { runtimeStatus: 'Completed', output: { outcome: 'registered' } },
    async run(ctx) {
      const run = new Run(ctx);
      await run.start();
      await run.statusAnswer('running');
      await run.statusAnswer('runningWithHistory', { showHistory: 'true' });
      const step2 = await run.step2();
      if (step2.status !== 200) throw new Error(`step 2 answered ${step2.status}: ${step2.text}`);
      await run.consent(await run.step3());
      const observation = await run.finish();
      const account = await ctx.call('GET', '/payer-account', ctx.alice);
      observation.api = { ...observation.api, account: account.status, accountName: account.body?.accountName };
      // What the ops list asks for (showInput=false): the history without any input.
      const withoutInputs = await ctx.management.status(run.id, {
        showHistory: 'true',
        showHistoryOutput: 'true',
        showInput: 'false',
      });
      observation.facts = {
        historyWithoutInputs: normaliseHistory(withoutInputs.body?.historyEvents ?? [], run.n).history,
        answerWithoutInputs: answerOf(withoutInputs, run.n),
      };
      return observation;
    },
  },
  {
    name: 'verification-retries-exhausted',
    title: "an Entra ID outage exhausts the verification's retries: 503, the registration stays at step 2",
    expected: { runtimeStatus: 'Completed', output: { outcome: 'cancelled' } },
    async run(ctx) {
      const run = new Run(ctx);
      await run.start();
      ctx.stack.entra.faults.clearRequests();
      ctx.stack.entra.faults.inject({ match: PARTNER_TOKEN, status: 503, count: 10 });
      const started = Date.now();
      try {
        await run.step2();
      } finally {
        ctx.stack.entra.faults.clear();
      }
      run.facts.step2Answered = Date.now() - started < 6000 ? 'within 6 s' : 'after 6 s';
      run.facts.partnerTokenRequests = ctx.stack.entra.faults
        .requests()
        .filter((r) => new RegExp(PARTNER_TOKEN).test(`${r.method} ${r.path}`)).length;
      run.facts.registrationStatus = (await run.registration())?.status;
      await run.statusAnswer('runningAfterFailures');
      await run.cancel();
      return run.finish();
    },
  },
  {
    name: 'cancellation',
    title: 'cancellation while a consent link waits: the clean-up runs, the registration ends cancelled',
    expected: { runtimeStatus: 'Completed', output: { outcome: 'cancelled' } },
    async run(ctx) {
      const run = new Run(ctx);
      await run.start();
      await run.step2();
      await run.step3();
      await run.cancel();
      const observation = await run.finish();
      observation.api = { ...observation.api, after: (await run.registration())?.status ?? 'none' };
      return observation;
    },
  },
  {
    name: 'event-before-wait',
    title: "step 3's event raised through the management API while step 2's verification still runs",
    expected: { runtimeStatus: 'Completed', output: { outcome: 'cancelled' } },
    async run(ctx) {
      const run = new Run(ctx);
      await run.start();
      // The request's own verification meets a 503 and leaves it to the activity, whose Partner Center call is slow.
      ctx.stack.entra.faults.inject({ match: PARTNER_TOKEN, status: 503, count: 1 });
      ctx.stack.partnerCenter.faults.inject({ match: '^GET /v1/profiles/legalbusiness', latencyMs: 2000, count: 1 });
      const step2 = ctx.call('PUT', '/payer-account/registration/partner-center-credentials', ctx.alice, STEP2);
      if (!(await run.watch?.sees(/\/verifyingPartnerCenterCredentials\//)))
        throw new Error('the verification never started');
      const linkId = '0f0f0f0f-0000-4000-8000-00000000c0de';
      const submission = {
        linkId,
        linkExpiresAt: new Date(Date.now() + 3600_000).toISOString(),
        requestedBy: 'conformance',
        redirectUri: `${ctx.stack.settings.PUBLIC_BASE_URL}/api/consent/callback`,
      };
      run.answers.raise = answerOf(
        await ctx.management.raise(run.id, 'PartnerApiCredentialsSubmitted', submission),
        run.n,
      );
      // The verification still runs (Partner Center answers after 2 s): the activity in flight, the event raised.
      await sleep(500);
      const during = normaliseHistory((await ctx.management.history(run.id)).body?.historyEvents ?? [], run.n).history;
      run.facts.activityInFlight = during.filter((e) => e.type === 'TaskScheduled');
      run.facts.eventShownWhileVerifying = during.some((e) => e.name === 'PartnerApiCredentialsSubmitted');
      const answered = await step2;
      run.api.step2 = { status: answered.status, code: answered.body?.code };
      await run.watch?.sees(/\/awaitingConsent\//, 5000);
      run.facts.linkInForce = (await run.registration())?.consent?.linkId === linkId ? 'the raised one' : 'another';
      await run.cancel();
      return run.finish();
    },
  },
  {
    name: 'terminate',
    title: 'terminate through the management API: Terminated with the reason, then the answers for an ended instance',
    expected: { runtimeStatus: 'Terminated', output: 'conformance: stopped by ops' },
    async run(ctx) {
      const run = new Run(ctx);
      await run.start();
      run.answers.terminate = answerOf(await ctx.management.terminate(run.id, 'conformance: stopped by ops'), run.n);
      const observation = await run.finish();
      run.answers.terminateAgain = answerOf(await ctx.management.terminate(run.id, 'again'), run.n);
      run.answers.raiseAfterEnd = answerOf(await ctx.management.raise(run.id, 'RegistrationCancelled', {}), run.n);
      await run.statusAnswer('failedAs500', { returnInternalServerErrorOnFailure: 'true' });
      // The organization's slot is still claimed (terminate skips the clean-up): cancelling through the app frees it.
      observation.api = {
        ...observation.api,
        registrationAfterTerminate: (await run.registration())?.status ?? 'none',
        cancelAfterTerminate: (await ctx.call('DELETE', '/payer-account/registration', ctx.alice)).status,
      };
      return observation;
    },
  },
  {
    name: 'purge',
    title: 'purge: of an ended instance, of an unknown one, and what every management call answers after it',
    expected: { runtimeStatus: 'Completed', output: { outcome: 'cancelled' } },
    async run(ctx) {
      const run = new Run(ctx);
      await run.start();
      await run.cancel();
      const observation = await run.finish();
      const m = ctx.management;
      const a = (raw: Parameters<typeof answerOf>[0]) => answerOf(raw, run.n);
      run.answers.purge = a(await m.purge(run.id));
      run.answers.statusAfterPurge = a(await m.status(run.id));
      run.answers.purgeAgain = a(await m.purge(run.id));
      run.answers.raiseAfterPurge = a(await m.raise(run.id, 'RegistrationCancelled', {}));
      run.answers.terminateAfterPurge = a(await m.terminate(run.id, 'gone'));
      const timeline = await ctx.call('GET', `/ops/registrations/${run.id}/history`, ctx.olivia);
      observation.api = {
        ...observation.api,
        timelineAfterPurge: { status: timeline.status, code: timeline.body?.code },
      };
      const unknown = 'conformance-unknown-instance';
      run.n.id(unknown);
      run.answers.unknownStatus = a(await m.status(unknown));
      run.answers.unknownPurge = a(await m.purge(unknown));
      run.answers.unknownRaise = a(await m.raise(unknown, 'RegistrationCancelled', {}));
      run.answers.unknownTerminate = a(await m.terminate(unknown, 'unknown'));
      return observation;
    },
  },
  {
    name: 'purge-running',
    title: 'purge of an instance still running, then its status and cancellation through the app',
    expected: {},
    async run(ctx) {
      const run = new Run(ctx);
      await run.start();
      const m = ctx.management;
      run.answers.purgeRunning = answerOf(await m.purge(run.id), run.n);
      await sleep(500);
      run.answers.statusAfterPurgeRunning = answerOf(await m.status(run.id), run.n);
      await run.cancel();
      await sleep(1000);
      const after = await m.history(run.id);
      const customStatuses = (await run.watch?.stop()) ?? [];
      return {
        runtimeStatus: String(after.body?.runtimeStatus ?? `HTTP ${after.status}`),
        output: run.n.value(after.body?.output),
        customStatuses,
        activities: [],
        history: [],
        timeShapes: {},
        management: { ...run.answers, afterCancel: answerOf(after, run.n) },
        api: run.api,
      };
    },
  },
  {
    name: 'listing',
    title: "listing instances page by page: the management API's pages and tokens, and the ops list built on them",
    expected: { runtimeStatus: 'Completed', output: { outcome: 'cancelled' } },
    async run(ctx) {
      const run = new Run(ctx);
      // Only this scenario's instances: created from the next whole second on (the extension keeps whole seconds).
      await sleep(1000 - (Date.now() % 1000) + 100);
      const from = new Date().toISOString();
      await run.start();
      const other = await ctx.call('POST', '/payer-account/registration', ctx.carol, { accountName: 'Fabrikam' });
      const otherId = other.body.registrationId as string;
      await until(async () => (await ctx.management.status(otherId)).body?.customStatus?.status !== undefined);
      const m = ctx.management;
      const list = async (query: Record<string, string>, token?: string) => {
        const res = await fetch(m.url('instances', query), {
          headers: token === undefined ? {} : { 'x-ms-continuation-token': token },
        });
        const text = await res.text();
        const body = text ? JSON.parse(text) : undefined;
        const next = res.headers.get('x-ms-continuation-token');
        return {
          status: res.status,
          items: Array.isArray(body) ? (body as any[]) : [],
          next,
          page: {
            status: res.status,
            count: Array.isArray(body)
              ? body.length
              : body && typeof body === 'object'
                ? `{${Object.keys(body)}}`
                : body,
            continuationToken: next === null ? 'none' : next === '' ? 'empty' : 'present',
          },
        };
      };
      const pages = [];
      const organizations: string[] = [];
      let token: string | undefined;
      for (let i = 0; i < 5; i++) {
        const page = await list({ runtimeStatus: 'Running', createdTimeFrom: from, top: '1' }, token);
        pages.push(page.page);
        organizations.push(...page.items.map((item) => String(item.input?.organizationId)));
        if (!page.next) break;
        token = page.next;
      }
      run.facts.managementPages = pages;
      run.facts.listedOrganizations = organizations.sort();
      run.facts.unknownStatusFilter = (await list({ runtimeStatus: 'NoSuchStatus', createdTimeFrom: from })).page;
      const invalidToken = (await list({ createdTimeFrom: from, top: '1' }, 'not-a-token')).page;
      run.facts.invalidToken = `${invalidToken.status}, ${invalidToken.count}, token ${invalidToken.continuationToken}`;

      const ops = async (query: string) => {
        const res = await ctx.call('GET', `/ops/registrations?${query}`, ctx.olivia);
        return {
          status: res.status,
          count: res.body?.items?.length,
          code: res.body?.code,
          statuses: (res.body?.items ?? []).map((i: any) => i.progress?.status).sort(),
          next: res.body?.continuationToken as string | undefined,
        };
      };
      const opsPages = [];
      let opsToken: string | undefined;
      for (let i = 0; i < 5; i++) {
        const q = `status=Running&createdFrom=${encodeURIComponent(from)}&pageSize=1`;
        const page = await ops(opsToken ? `${q}&continuationToken=${encodeURIComponent(opsToken)}` : q);
        opsPages.push({ ...page, next: page.next ? 'present' : 'none' });
        if (!page.next) break;
        opsToken = page.next;
      }
      run.api.opsPages = opsPages;
      const invalid = await ops('continuationToken=not-a-token');
      run.api.opsInvalidToken = `${invalid.status}${invalid.code ? ` ${invalid.code}` : ''}`;
      await ctx.call('DELETE', '/payer-account/registration', ctx.carol);
      await run.cancel();
      return run.finish();
    },
  },
  {
    name: 'registration-expiry-long-timer',
    title:
      "the registration's 7-day expiry in 3-day timers: the first created while waiting for step 2, cancelled as the registration ends",
    expected: { runtimeStatus: 'Completed', output: { outcome: 'cancelled' } },
    async run(ctx) {
      const run = new Run(ctx);
      await run.start();
      run.facts.timersWhileWaiting = await expiryTimers(run);
      await run.cancel();
      const observation = await run.finish();
      // After the cancellation nothing more of the timer: no TimerFired, and the instance ended.
      observation.facts = { ...run.facts, timersAfterCancel: await expiryTimers(run) };
      return observation;
    },
  },
];

/** Short timers, on a stack with CONSENT_LINK_TTL_HOURS and REGISTRATION_EXPIRY_HOURS of seconds (real time). */
export const SHORT_TIMER_SETTINGS = {
  /** 3.6 s */
  CONSENT_LINK_TTL_HOURS: '0.001',
  /** 18 s: well after the link's expiry, however slow the machine is to reach step 3. */
  REGISTRATION_EXPIRY_HOURS: '0.005',
};

export const shortTimerScenarios: Scenario<RegistrationContext>[] = [
  {
    name: 'consent-link-expiry',
    title:
      'the consent link expires (consentExpired), then the registration itself expires (a short expiry, real time)',
    expected: { runtimeStatus: 'Completed', output: { outcome: 'expired' } },
    async run(ctx) {
      const run = new Run(ctx);
      await run.start();
      await run.step2();
      const link = await run.step3();
      if (!(await run.watch?.sees(/\/consentExpired\//, 15_000))) throw new Error('the consent link never expired');
      // Opened once the link's own expiry (its ticket's exp, whole seconds) has passed: on Azurite the timer may fire
      // up to a second before it.
      await sleep(Math.max(0, Date.parse(run.linkExpiresAt) + 1100 - Date.now()));
      const opened = await fetch(link, { redirect: 'manual' });
      run.api.expiredLinkOpened = opened.status;
      // The admin is told the link expired (410 consent_link_expired), not that it was altered (400).
      if (opened.status !== 410) throw new Error(`the expired consent link answered ${opened.status}, not 410`);
      const observation = await run.finish();
      observation.api = { ...observation.api, after: (await run.registration())?.status ?? 'none' };
      return observation;
    },
  },
];

/**
 * The engines' long timers shrunk (the Azure Storage provider's MaximumDelayTime and LongRunningTimerIntervalLength,
 * 6 and 3 days, as 30 and 3 s), and the registration's expiry and link made seconds long, so that what takes days
 * happens in real time: a timer longer than 30 s would be waited for in 3-s sub-timers. MaximumDelayTime also bounds
 * retry intervals on the extension (a longer maxRetryInterval makes it drop the activity call), hence 30 s, the
 * product's longest.
 */
export const LONG_TIMER_STACK = {
  longTimers: { maximumShortTimer: '00:00:30', interval: '00:00:03' },
  settings: {
    /** 39.6 s: a long timer when raced from the start. */
    REGISTRATION_EXPIRY_HOURS: '0.011',
    /** 18 s: a short one, as the 72-hour link is against 6 days. */
    CONSENT_LINK_TTL_HOURS: '0.005',
  },
};

/** The TimerFired events in the instance's history so far. */
async function timersFired(run: Run): Promise<number> {
  const events = ((await run.ctx.management.history(run.id)).body?.historyEvents ?? []) as any[];
  return events.filter((e) => e.EventType === 'TimerFired').length;
}

export const longTimerScenarios: Scenario<RegistrationContext>[] = [
  {
    name: 'registration-across-expiry-timers',
    title:
      "the registration with the expiry's timers firing between the steps (the local engine hung, Azure failed it as non-deterministic)",
    expected: { runtimeStatus: 'Completed', output: { outcome: 'registered' } },
    async run(ctx) {
      const run = new Run(ctx);
      await run.start();
      const step2 = await run.step2();
      if (step2.status !== 200) throw new Error(`step 2 answered ${step2.status}: ${step2.text}`);
      // The link is asked for once the timer of the race waiting for it has fired (and step 2's, which lost).
      const firedBefore = await timersFired(run);
      if (!(await until(async () => (await timersFired(run)) >= firedBefore + 2, 1000, 50)))
        throw new Error('no timer fired while the registration waited for the link request');
      await sleep(1000);
      run.facts.timersFiredBeforeTheLink = await timersFired(run);
      await run.consent(await run.step3());
      return run.finish();
    },
  },
  {
    name: 'registration-expiry-across-timers',
    title:
      'a link that expires and a registration that expires, each reached through timers that fire before it (real time)',
    expected: { runtimeStatus: 'Completed', output: { outcome: 'expired' } },
    async run(ctx) {
      const run = new Run(ctx);
      await run.start();
      await run.step2();
      await run.step3();
      if (!(await run.watch?.sees(/\/consentExpired\//, 30_000))) throw new Error('the consent link never expired');
      const observation = await run.finish();
      observation.api = { ...observation.api, after: (await run.registration())?.status ?? 'none' };
      return observation;
    },
  },
];

/** After each scenario: no registration or account left for the next, and no fault queued. */
export async function cleanUp(ctx: RegistrationContext): Promise<void> {
  for (const faults of [ctx.stack.entra.faults, ctx.stack.partnerCenter.faults, ctx.stack.partnerApi.faults])
    faults.clear();
  for (const token of [ctx.alice, ctx.carol]) {
    await ctx.call('DELETE', '/payer-account/registration', token);
    await ctx.call('DELETE', '/payer-account', token);
  }
  await until(async () => (await ctx.call('GET', '/payer-account/registration', ctx.alice)).status === 404, 100);
}
