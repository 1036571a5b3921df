import { toHistoryView } from '../../local/durable-host/history-view';
import { toRecordedSteps } from '../../src/adapters/durable-workflow-records';
import { buildTimeline } from '../../src/app/registration-timeline';
import type { RecordedStep } from '../../src/domain/recorded-step';
import { firstLine, pickSafe, REDACTED, scrubText } from '../../src/domain/redaction';
import type { InstanceHistory } from '../../src/ports/workflow-records';
import { HistoryBuilder } from '../support/history-builder';

const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0aWQiOiIyMjIyIiwicm9sZXMiOlsiUGF5ZXJBY2NvdW50Lk1hbmFnZSJdfQ.c2lnbmF0dXJlLXBhcnQtb2YtdGhlLXRva2Vu';
const CLIENT_SECRET = 'Xy78Q~abcdefghijklmnopqrstuvwxyz0123456789';
const REFRESH_TOKEN = '0.AXoAbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOp';
const ORG = '22222222-2222-4222-8222-222222222222';
const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, s)).toISOString();

function instance(steps: RecordedStep[], extra: Partial<InstanceHistory> = {}): InstanceHistory {
  return {
    instanceId: '5f0c2f58-7d1e-4c56-9f59-6a2f2a5d7c11',
    name: 'RegistrationOrchestrator',
    runtimeStatus: 'Running',
    customStatus: { step: 'partnerCenterCredentials', status: 'awaitingPartnerCenterCredentials', expiresAt: at(59) },
    createdTime: at(0),
    lastUpdatedTime: steps.at(-1)?.at ?? at(0),
    output: null,
    steps,
    ...extra,
  };
}
const started: RecordedStep = {
  kind: 'started',
  at: at(0),
  orchestrator: 'RegistrationOrchestrator',
  organizationId: ORG,
};
const submitted = (s: number, verdict?: unknown): RecordedStep => ({
  kind: 'eventRaised',
  at: at(s),
  name: 'PartnerCenterCredentialsSubmitted',
  ...(verdict ? { verdict } : {}),
});
const failed = (s: number, activity = 'VerifyPartnerCenterCredentials'): RecordedStep => ({
  kind: 'activityFailed',
  at: at(s),
  scheduledAt: at(s - 1),
  activity,
  reason: `Activity function '${activity}' failed: token ${JWT} refused\nsecond line with ${CLIENT_SECRET}`,
});
const SUBMITTED = 'event:PartnerCenterCredentialsSubmitted';
const retryTimer = (s: number): RecordedStep => ({ kind: 'timerFired', at: at(s), fireAt: at(s) });

describe('the ops timeline of a registration', () => {
  it("folds retries into one activity call: attempts, each failure's first line, total duration", () => {
    const timeline = buildTimeline(
      instance([
        started,
        submitted(2),
        failed(4),
        retryTimer(5),
        failed(7),
        retryTimer(8),
        {
          kind: 'activityCompleted',
          at: at(10),
          scheduledAt: at(9),
          activity: 'VerifyPartnerCenterCredentials',
          result: JSON.stringify({
            ok: false,
            error: {
              code: 'secret_expired',
              field: 'secret',
              aadsts: 7000222,
              message: `secret ${CLIENT_SECRET} expired`,
              details: `refresh token ${REFRESH_TOKEN}`,
              correlationId: 'c0ffee00-0000-4000-8000-000000000000',
            },
          }),
        },
      ]),
    );
    const calls = timeline.entries.filter((e) => e.kind === 'activity');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      name: 'VerifyPartnerCenterCredentials',
      scheduledAt: at(3),
      completedAt: at(10),
      durationMs: 7000,
      attempts: 3,
      outcome: 'completed',
      result: {
        ok: false,
        error: {
          code: 'secret_expired',
          field: 'secret',
          aadsts: 7000222,
          correlationId: 'c0ffee00-0000-4000-8000-000000000000',
        },
      },
    });
    expect(calls[0].kind === 'activity' && calls[0].failures?.map((f) => f.reason)).toEqual([
      `Activity function 'VerifyPartnerCenterCredentials' failed: token ${REDACTED} refused`,
      `Activity function 'VerifyPartnerCenterCredentials' failed: token ${REDACTED} refused`,
    ]);
    expect(timeline.entries.filter((e) => e.kind === 'timer')).toHaveLength(0); // the retries' delays
    expect(timeline.organizationId).toBe(ORG);
    expect(timeline.statusTransitions.map((t) => [t.status, t.errorCode])).toEqual([
      ['awaitingPartnerCenterCredentials', undefined],
      ['verifyingPartnerCenterCredentials', undefined],
      ['awaitingPartnerCenterCredentials', 'secret_expired'],
    ]);
    const text = JSON.stringify(timeline);
    for (const hidden of [JWT, CLIENT_SECRET, REFRESH_TOKEN, 'second line', '"message"', '"details"']) {
      expect({ hidden, shown: text.includes(hidden) }).toEqual({ hidden, shown: false });
    }
  });

  it('closes a call whose last attempt failed when something else follows, and derives the outage', () => {
    const timeline = buildTimeline(
      instance(
        [
          started,
          submitted(2),
          failed(4),
          { kind: 'timerFired', at: at(59), fireAt: at(59) },
          {
            kind: 'activityCompleted',
            at: at(59),
            scheduledAt: at(59),
            activity: 'CleanUpRegistration',
            result: { released: true, secretsDeleted: 5 },
          },
          { kind: 'completed', at: at(59), runtimeStatus: 'Completed', result: { outcome: 'expired' } },
        ],
        {
          runtimeStatus: 'Completed',
          customStatus: { step: 'partnerCenterCredentials', status: 'expired', expiresAt: at(59) },
          output: { outcome: 'expired' },
        },
      ),
    );
    expect(timeline.entries.map((e) => e.kind)).toEqual([
      'started',
      'event',
      'activity',
      'timer',
      'activity',
      'completed',
    ]);
    expect(timeline.entries[2]).toMatchObject({ attempts: 1, outcome: 'failed' });
    expect(timeline.entries[3]).toMatchObject({ kind: 'timer', purpose: 'registrationExpiry' });
    expect(timeline.statusTransitions.map((t) => [t.status, t.errorCode])).toEqual([
      ['awaitingPartnerCenterCredentials', undefined],
      ['verifyingPartnerCenterCredentials', undefined],
      ['awaitingPartnerCenterCredentials', 'identity_provider_unavailable'],
      ['expired', undefined],
    ]);
    expect(timeline.outcome).toEqual({
      runtimeStatus: 'Completed',
      at: at(59),
      result: { outcome: 'expired' },
      status: 'expired',
    });
  });

  it('shows a declined consent by what followed it, and takes the error code from the published status', () => {
    const timeline = buildTimeline(
      instance(
        [
          started,
          submitted(1),
          {
            kind: 'activityCompleted',
            at: at(3),
            scheduledAt: at(2),
            activity: 'VerifyPartnerCenterCredentials',
            result: { ok: true, partner: { tenantId: ORG, companyName: 'Contoso Ltd' } },
          },
          { kind: 'eventRaised', at: at(4), name: 'PartnerApiCredentialsSubmitted' },
          { kind: 'eventRaised', at: at(6), name: 'ConsentCompleted' },
        ],
        {
          customStatus: {
            step: 'partnerApiConsent',
            status: 'awaitingPartnerApiCredentials',
            expiresAt: at(59),
            error: { code: 'consent_declined', message: 'The admin declined' },
          },
        },
      ),
    );
    expect(timeline.statusTransitions.map((t) => [t.step, t.status, t.errorCode])).toEqual([
      ['partnerCenterCredentials', 'awaitingPartnerCenterCredentials', undefined],
      ['partnerCenterCredentials', 'verifyingPartnerCenterCredentials', undefined],
      ['partnerApiConsent', 'awaitingPartnerApiCredentials', undefined],
      ['partnerApiConsent', 'awaitingConsent', undefined],
      ['partnerApiConsent', 'awaitingPartnerApiCredentials', 'consent_declined'],
    ]);
    expect(timeline.steps[1]).toEqual({
      step: 'partnerCenterCredentials',
      startedAt: at(0),
      completedAt: at(3),
      submissions: 1,
    });
    expect(timeline.progress).toEqual({
      step: 'partnerApiConsent',
      status: 'awaitingPartnerApiCredentials',
      expiresAt: at(59),
      error: { code: 'consent_declined' },
    });
    expect(JSON.stringify(timeline)).not.toMatch(/Contoso Ltd|The admin declined/);
  });

  it("takes step 2's verdict from its event: whitelisted on the entry, and the transitions it caused", () => {
    const refused = {
      ok: false,
      error: { code: 'secret_invalid', field: 'secret', aadsts: 7000215, message: `secret ${CLIENT_SECRET} refused` },
    };
    const accepted = { ok: true, partner: { tenantId: ORG, companyName: 'Contoso Ltd' } };
    const timeline = buildTimeline(
      instance(
        [
          started,
          submitted(1, refused),
          submitted(5, accepted),
          { kind: 'eventRaised', at: at(8), name: 'PartnerApiCredentialsSubmitted' },
        ],
        { customStatus: { step: 'partnerApiConsent', status: 'awaitingConsent', expiresAt: at(59) } },
      ),
    );
    const events = timeline.entries.filter((e) => e.kind === 'event');
    expect(events.map((e) => (e.kind === 'event' ? e.verdict : undefined))).toEqual([
      { ok: false, error: { code: 'secret_invalid', field: 'secret', aadsts: 7000215 } },
      { ok: true, partner: { tenantId: ORG } },
      undefined,
    ]);
    expect(timeline.statusTransitions.map((t) => [t.at, t.step, t.status, t.errorCode, t.cause])).toEqual([
      [at(0), 'partnerCenterCredentials', 'awaitingPartnerCenterCredentials', undefined, 'started'],
      [at(1), 'partnerCenterCredentials', 'verifyingPartnerCenterCredentials', undefined, SUBMITTED],
      [at(1), 'partnerCenterCredentials', 'awaitingPartnerCenterCredentials', 'secret_invalid', SUBMITTED],
      [at(5), 'partnerCenterCredentials', 'verifyingPartnerCenterCredentials', undefined, SUBMITTED],
      [at(5), 'partnerApiConsent', 'awaitingPartnerApiCredentials', undefined, SUBMITTED],
      [at(8), 'partnerApiConsent', 'awaitingConsent', undefined, 'event:PartnerApiCredentialsSubmitted'],
    ]);
    expect(timeline.steps[1]).toMatchObject({ completedAt: at(5), submissions: 2 });
    expect(JSON.stringify(timeline)).not.toMatch(/Contoso Ltd|Xy78Q|refused/);
  });

  it("shows the consent link's expiry by its timer, told from a sub-timer of the registration's expiry", () => {
    const verified: RecordedStep = {
      kind: 'activityCompleted',
      at: at(3),
      scheduledAt: at(2),
      activity: 'VerifyPartnerCenterCredentials',
      result: { ok: true },
    };
    const timeline = buildTimeline(
      instance(
        [
          started,
          submitted(1),
          verified,
          { kind: 'eventRaised', at: at(4), name: 'PartnerApiCredentialsSubmitted', linkExpiresAt: at(20) },
          { kind: 'timerFired', at: at(10), fireAt: at(10) }, // a 3-day sub-timer of the expiry, not the link's
          { kind: 'timerFired', at: at(20), fireAt: at(20) },
        ],
        {
          customStatus: { step: 'partnerApiConsent', status: 'consentExpired', expiresAt: at(59) },
        },
      ),
    );
    expect(timeline.entries.filter((e) => e.kind === 'timer')).toEqual([
      { kind: 'timer', at: at(10), fireAt: at(10) },
      { kind: 'timer', at: at(20), fireAt: at(20), purpose: 'consentLinkExpiry' },
    ]);
    expect(timeline.statusTransitions.slice(-2)).toEqual([
      {
        at: at(4),
        step: 'partnerApiConsent',
        status: 'awaitingConsent',
        cause: 'event:PartnerApiCredentialsSubmitted',
      },
      { at: at(20), step: 'partnerApiConsent', status: 'consentExpired', cause: 'timer:consentLinkExpiry' },
    ]);
  });

  it("gives a failed or terminated orchestration's reason as one scrubbed line", () => {
    const failedRun = buildTimeline(
      instance(
        [
          started,
          {
            kind: 'completed',
            at: at(2),
            runtimeStatus: 'Failed',
            failureReason: `Orchestrator function failed: ${JWT}\n   at x`,
          },
        ],
        { runtimeStatus: 'Failed' },
      ),
    );
    expect(failedRun.outcome).toMatchObject({
      runtimeStatus: 'Failed',
      reason: `Orchestrator function failed: ${REDACTED}`,
    });
    const terminated = buildTimeline(
      instance([started, { kind: 'terminated', at: at(2), reason: 'stuck, terminated by ops\nticket 42' }], {
        runtimeStatus: 'Terminated',
      }),
    );
    expect(terminated.outcome).toMatchObject({
      runtimeStatus: 'Terminated',
      at: at(2),
      reason: 'stuck, terminated by ops',
    });
  });
});

describe('the timeline read through the Durable adapter', () => {
  const VERIFY = 'VerifyPartnerCenterCredentials';
  const EXPIRY_MS = 168 * 3600_000;
  const reason = `Activity function '${VERIFY}' failed: token ${JWT} refused\nsecond line with ${CLIENT_SECRET}`;
  const details = `Error: boom\n    at secret (${REFRESH_TOKEN})`;
  const secret = (version: string) => ({ name: 'reg-x-pc-secret', version });
  /**
   * Two failed verifications retried, a refusal, then a second submission whose staged secret is
   * being disabled. Each wait races its own expiry timer (never fired here).
   */
  const b = new HistoryBuilder(Date.UTC(2025, 0, 1, 12))
    .episode(0)
    .executionStarted('RegistrationOrchestrator', {
      organizationId: ORG,
      accountName: 'Contoso CSP',
      expiresAfterHours: 168,
    })
    .timerCreated(0, EXPIRY_MS)
    .endEpisode()
    .episode(2000)
    .eventRaised('PartnerCenterCredentialsSubmitted', { submissionId: 'sub-1', secret: secret('abc') })
    .taskScheduled(1, VERIFY, { submissionId: 'sub-1', secret: secret('abc') })
    .endEpisode()
    .episode(4000)
    .taskFailed(1, reason, details)
    .timerCreated(2, 5000)
    .endEpisode()
    .episode(5000)
    .timerFired(2, 5000)
    .taskScheduled(3, VERIFY, { submissionId: 'sub-1', secret: secret('abc') })
    .endEpisode()
    .episode(7000)
    .taskFailed(3, reason, details)
    .timerCreated(4, 9000)
    .endEpisode()
    .episode(9000)
    .timerFired(4, 9000)
    .taskScheduled(5, VERIFY, { submissionId: 'sub-1', secret: secret('abc') })
    .endEpisode()
    .episode(10_000)
    .taskCompleted(5, { ok: false, error: { code: 'secret_expired', message: `secret ${CLIENT_SECRET} expired` } })
    .timerCreated(6, EXPIRY_MS)
    .endEpisode()
    .episode(12_000)
    .eventRaised('PartnerCenterCredentialsSubmitted', { submissionId: 'sub-2', secret: secret('def') })
    .taskScheduled(7, 'DisableStagedSecret', secret('abc'))
    .endEpisode();
  const timelineOf = (view: Record<string, unknown>[]) =>
    buildTimeline(
      instance(toRecordedSteps(view), {
        customStatus: {
          step: 'partnerCenterCredentials',
          status: 'verifyingPartnerCenterCredentials',
          expiresAt: b.at(EXPIRY_MS),
        },
        createdTime: b.at(0),
        lastUpdatedTime: b.at(12_000),
      }),
    );

  it('is the same with and without inputs shown, but for the organization ID (the adapter asks for them)', () => {
    const local = timelineOf(toHistoryView(b.build(), true));
    const azure = timelineOf(toHistoryView(b.build(), true, false));
    const { organizationId, ...rest } = local;
    expect(organizationId).toBe(ORG);
    // With showInput=false the extension shows no input, and the organization ID (the start's input) goes with it:
    // which is why the adapter asks for showInput=true.
    expect(azure).toEqual(rest);

    // Retry delays folded, expiry timers not fired and the activity in flight not listed.
    expect(azure.entries.map((e) => e.kind)).toEqual(['started', 'event', 'activity', 'event']);
    expect(azure.entries[2]).toMatchObject({
      name: VERIFY,
      // The extension writes the task's ScheduledTime with an offset; the adapter gives it in Z like every other time.
      scheduledAt: b.at(2000),
      completedAt: b.at(10_000),
      durationMs: 8000,
      attempts: 3,
      outcome: 'completed',
      failures: [{ at: b.at(4000) }, { at: b.at(7000) }],
      result: { ok: false, error: { code: 'secret_expired' } },
    });
    expect(azure.statusTransitions.map((t) => [t.status, t.errorCode])).toEqual([
      ['awaitingPartnerCenterCredentials', undefined],
      ['verifyingPartnerCenterCredentials', undefined],
      ['awaitingPartnerCenterCredentials', 'secret_expired'],
      ['verifyingPartnerCenterCredentials', undefined],
    ]);
    const text = JSON.stringify([local, azure]);
    for (const hidden of [
      JWT,
      CLIENT_SECRET,
      REFRESH_TOKEN,
      'second line',
      'boom',
      'sub-1',
      'reg-x-pc-secret',
      'Contoso CSP',
    ])
      expect({ hidden, shown: text.includes(hidden) }).toEqual({ hidden, shown: false });
  });
});

describe('redaction', () => {
  it('replaces JWTs, Entra client secrets and long opaque tokens, and keeps identifiers, times, names and addresses', () => {
    expect(scrubText(`Bearer ${JWT}`)).toBe(`Bearer ${REDACTED}`);
    expect(scrubText(`secret=${CLIENT_SECRET}&x=1`)).toBe(`secret=${REDACTED}&x=1`);
    expect(scrubText(`rt ${REFRESH_TOKEN}.`)).toBe(`rt ${REDACTED}`);
    expect(scrubText('contoso-pc-secret-value~valid')).toBe(REDACTED);
    for (const kept of [
      '5f0c2f58-7d1e-4c56-9f59-6a2f2a5d7c11',
      '0123456789abcdef0123456789abcdef',
      '2025-01-01T12:00:00.000Z',
      'PartnerCenterCredentialsSubmitted',
      'https://login.microsoftonline.com/22222222-2222-4222-8222-222222222222/oauth2/v2.0/token',
      'AADSTS7000215: Invalid client secret provided.',
    ])
      expect(scrubText(kept)).toBe(kept);
  });

  it('keeps only whitelisted primitive fields, never a whole object', () => {
    const value = {
      ok: false,
      error: { code: 'x', message: 'm', inner: { secret: 's' } },
      account: { tokenCache: { name: 'n', version: 'v' } },
    };
    expect(pickSafe(value, ['ok', 'error.code', 'error.inner', 'account.tokenCache'])).toEqual({
      ok: false,
      error: { code: 'x' },
    });
    expect(pickSafe(JSON.stringify(value), ['error.code'])).toEqual({ error: { code: 'x' } });
    expect(pickSafe('not json', ['ok'])).toBeUndefined();
    expect(firstLine('one\ntwo')).toBe('one');
    expect(firstLine('x'.repeat(400))?.length).toBeLessThanOrEqual(301);
  });
});
