import type { InstanceState } from '../../local/durable-host/durable-store';
import type { OrchestratorRun } from '../../local/durable-host/episode';
import type { HistoryEvent } from '../../local/durable-host/history';
import type { OrchestratorAction, OrchestratorState } from '../../local/durable-host/orchestrator-state';
import { ActionType } from '../../local/durable-host/orchestrator-state';
import { Activity, ORCHESTRATOR, RegistrationEvent } from '../../src/domain/durable-names';
import { appFunctions, REPO_ROOT } from '../support/in-process-engine';
import { HistoryBuilder } from '../support/history-builder';

const HOUR = 3600_000;
/** The longest timer the orchestrator creates: half the Azure Storage provider's 6 days (src/workflow/timer-span.ts). */
const SPAN = 72 * HOUR;
const INSTANCE = 'registration-1';
const input = {
  organizationId: '22222222-2222-4222-8222-222222222222',
  accountName: 'Contoso CSP',
  expiresAfterHours: 168,
};
const functions = appFunctions(REPO_ROOT);

async function replay(
  history: HistoryEvent[],
  startInput: object = input,
  engineFunctions = functions,
): Promise<OrchestratorState> {
  const state = {
    instanceId: INSTANCE,
    name: ORCHESTRATOR.Registration,
    executionId: 'e1',
    status: 'Running',
    input: JSON.stringify(startInput),
    output: null,
    customStatus: null,
    createdAt: '',
    lastUpdatedAt: '',
    historyStart: 0,
    nextSeq: history.length,
    actionsSeen: 0,
    nextTaskId: 0,
    retries: {},
  } as InstanceState;
  const run: OrchestratorRun = await engineFunctions.runOrchestrator(ORCHESTRATOR.Registration, history, state);
  if ('failure' in run) throw new Error(`orchestrator failed: ${run.failure}`);
  return run.state;
}

const started = () => new HistoryBuilder().episode(0).executionStarted(ORCHESTRATOR.Registration, input);

/** What step 2 verified, and the link step 3 asked for: shared by the consent and the busy-orchestrator tests. */
const partner = {
  tenantId: '22222222-2222-4222-8222-222222222222',
  applicationId: 'bbbbbbbb-0000-4000-8000-000000000001',
  domain: 'contoso.example',
  companyName: 'Contoso Ltd',
  country: 'US',
};
const link = {
  linkId: 'link-1',
  linkExpiresAt: new HistoryBuilder().at(75 * HOUR),
  redirectUri: 'http://127.0.0.1:7071/api/consent/callback',
  requestedBy: 'alice-oid',
  adminEmail: 'admin@contoso.example',
};
/** A registration whose step 2 passed, waiting for a link request. */
const verifiedAt = () =>
  started()
    .timerCreated(0, SPAN)
    .endEpisode()
    .episode(HOUR)
    .eventRaised(RegistrationEvent.PartnerCenterCredentialsSubmitted, {
      submissionId: 's1',
      applicationId: partner.applicationId,
      domain: 'contoso.example',
      secret: { name: 'n', version: 'v1' },
      secretLooksLikeId: false,
      submittedAt: '',
    })
    .taskScheduled(1, Activity.VerifyPartnerCenterCredentials)
    .endEpisode()
    .episode(HOUR + 900)
    .taskCompleted(1, { ok: true, partner })
    .timerCreated(2, HOUR + 900 + SPAN)
    .endEpisode();
const actions = (state: OrchestratorState): OrchestratorAction[] => state.actions.flat();
/** Every timer the orchestrator asked for, as `due time (cancelled)`, in the order it asked. */
const timers = (state: OrchestratorState): string[] =>
  actions(state)
    .flatMap((a) => a.compoundActions ?? [a])
    .filter((a) => a.actionType === ActionType.CreateTimer)
    .map((a) => `${a.fireAt}${a.isCanceled ? ' (cancelled)' : ''}`);

describe('registration orchestrator (replayed by the real SDK)', () => {
  it('publishes step 1 progress and races the credentials and a cancellation against a timer of at most 3 days', async () => {
    const builder = started();
    const state = await replay(builder.build());
    expect(state.isDone).toBe(false);
    expect(state.customStatus).toEqual({
      step: 'partnerCenterCredentials',
      status: 'awaitingPartnerCenterCredentials',
      expiresAt: builder.at(168 * HOUR),
    });
    const [race] = actions(state);
    expect(race.actionType).toBe(ActionType.WhenAny);
    expect(race.compoundActions).toEqual([
      {
        actionType: ActionType.WaitForExternalEvent,
        externalEventName: RegistrationEvent.PartnerCenterCredentialsSubmitted,
        reason: 'ExternalEvent',
      },
      {
        actionType: ActionType.WaitForExternalEvent,
        externalEventName: RegistrationEvent.RegistrationCancelled,
        reason: 'ExternalEvent',
      },
      { actionType: ActionType.CreateTimer, fireAt: builder.at(SPAN), isCanceled: false },
    ]);
  });

  it('waits in timers of half the longest one the engine takes as one timer (what the extension tells the SDK)', async () => {
    const builder = started();
    const toldOneMinute = appFunctions(REPO_ROOT, [], {
      maximumShortTimer: { timeSpan: '00:01:00', ms: 60_000 },
      interval: { timeSpan: '00:00:03', ms: 3000 },
    });
    expect(timers(await replay(builder.build(), input, toldOneMinute))).toEqual([builder.at(30_000)]);
  });

  it('on cancellation cleans up with retries, then ends cancelled, cancelling its pending timer only then', async () => {
    const builder = started()
      .timerCreated(0, SPAN)
      .endEpisode()
      .episode(HOUR)
      .eventRaised(RegistrationEvent.RegistrationCancelled, {});
    const cancelling = await replay(builder.build());
    const [, release] = actions(cancelling);
    // Left pending while the instance runs on: cancelled now, the extension would replay what follows too soon.
    expect(timers(cancelling)).toEqual([builder.at(SPAN)]);
    expect(release).toMatchObject({
      actionType: ActionType.CallActivityWithRetry,
      functionName: Activity.CleanUpRegistration,
      input: { organizationId: input.organizationId, registrationId: INSTANCE },
      retryOptions: { firstRetryIntervalInMilliseconds: 2000, maxNumberOfAttempts: 5, backoffCoefficient: 2 },
    });
    expect(cancelling.isDone).toBe(false);

    const done = await replay(
      builder
        .taskScheduled(1, Activity.CleanUpRegistration)
        .endEpisode()
        .episode(HOUR + 50)
        .taskCompleted(1, { released: false })
        .build(),
    );
    expect(done.isDone).toBe(true);
    expect(done.output).toEqual({ outcome: 'cancelled' });
    expect(done.customStatus).toMatchObject({ status: 'cancelled' });
    // Azure completes an instance only once no timer of it is pending.
    expect(timers(done)).toEqual([`${builder.at(SPAN)} (cancelled)`]);
  });

  // JavaScript apps' durable timers are limited to six days, longer waits are timers in a loop, and a timer still pending
  // keeps an instance from completing: https://learn.microsoft.com/en-us/azure/azure-functions/durable/durable-functions-timers
  it('waits for the 7-day expiry in 3-day timers, then cleans up and ends expired', async () => {
    const builder = started().timerCreated(0, SPAN).endEpisode().episode(SPAN).timerFired(0, SPAN);
    const after3Days = await replay(builder.build());
    expect(after3Days.customStatus).toMatchObject({ status: 'awaitingPartnerCenterCredentials' });
    expect(timers(after3Days)).toEqual([builder.at(SPAN), builder.at(2 * SPAN)]);
    expect(
      actions(after3Days)
        .at(-1)
        ?.compoundActions?.map((a) => a.externalEventName ?? 'timer'),
    ).toEqual([RegistrationEvent.PartnerCenterCredentialsSubmitted, RegistrationEvent.RegistrationCancelled, 'timer']);
    builder
      .timerCreated(1, 2 * SPAN)
      .endEpisode()
      .episode(2 * SPAN)
      .timerFired(1, 2 * SPAN);
    expect(timers(await replay(builder.build())).at(-1)).toBe(builder.at(168 * HOUR));
    builder
      .timerCreated(2, 168 * HOUR)
      .endEpisode()
      .episode(168 * HOUR)
      .timerFired(2, 168 * HOUR);
    const expiring = await replay(builder.build());
    expect(actions(expiring).at(-1)).toMatchObject({
      functionName: Activity.CleanUpRegistration,
      actionType: ActionType.CallActivityWithRetry,
    });
    const done = await replay(
      builder
        .taskScheduled(3, Activity.CleanUpRegistration)
        .endEpisode()
        .episode(168 * HOUR + 10)
        .taskCompleted(3, { released: true })
        .build(),
    );
    expect(done).toMatchObject({ isDone: true, output: { outcome: 'expired' }, customStatus: { status: 'expired' } });
  });

  it('takes a submission that arrives after a 3-day timer fired', async () => {
    const state = await replay(
      started()
        .timerCreated(0, SPAN)
        .endEpisode()
        .episode(SPAN)
        .timerFired(0, SPAN)
        .timerCreated(1, 2 * SPAN)
        .endEpisode()
        .episode(SPAN + HOUR)
        .eventRaised(RegistrationEvent.PartnerCenterCredentialsSubmitted, { submissionId: 'late' })
        .build(),
    );
    expect(state.customStatus).toMatchObject({ status: 'verifyingPartnerCenterCredentials', submissionId: 'late' });
    expect(actions(state).at(-1)).toMatchObject({ functionName: Activity.VerifyPartnerCenterCredentials });
  });

  it('cancels its pending timer when it fails too (the clean-up failing every attempt)', async () => {
    let builder = started()
      .timerCreated(0, SPAN)
      .endEpisode()
      .episode(HOUR)
      .eventRaised(RegistrationEvent.RegistrationCancelled, {})
      .taskScheduled(1, Activity.CleanUpRegistration)
      .endEpisode();
    let at = HOUR + 10;
    let taskId = 1;
    for (const [attempt, delay] of [2000, 4000, 8000, 16000, 30000].entries()) {
      builder = builder
        .episode(at)
        .taskFailed(taskId, 'Table Storage 503')
        .timerCreated(taskId + 1, at + delay)
        .endEpisode()
        .episode(at + delay)
        .timerFired(taskId + 1, at + delay);
      if (attempt < 4) builder = builder.taskScheduled(taskId + 2, Activity.CleanUpRegistration).endEpisode();
      at += delay + 10;
      taskId += 2;
    }
    const history = builder.build();
    const failed = await functions.runOrchestrator(ORCHESTRATOR.Registration, history, {
      instanceId: INSTANCE,
      name: ORCHESTRATOR.Registration,
      input: JSON.stringify(input),
    } as InstanceState);
    expect(failed).toMatchObject({ failure: expect.stringContaining('Table Storage 503') });
    expect(timers((failed as { state: OrchestratorState }).state)).toEqual([`${builder.at(SPAN)} (cancelled)`]);
  });

  it('retries the clean-up after a transient failure instead of failing the registration', async () => {
    const builder = started()
      .timerCreated(0, SPAN)
      .endEpisode()
      .episode(HOUR)
      .eventRaised(RegistrationEvent.RegistrationCancelled, {})
      .taskScheduled(1, Activity.CleanUpRegistration)
      .endEpisode()
      .episode(HOUR + 10)
      .taskFailed(1, 'Table Storage 503')
      .timerCreated(2, HOUR + 2010)
      .endEpisode()
      .episode(HOUR + 2010)
      .timerFired(2, HOUR + 2010);
    const state = await replay(builder.build());
    expect(state.isDone).toBe(false);
    const done = await replay(
      builder
        .taskScheduled(3, Activity.CleanUpRegistration)
        .endEpisode()
        .episode(HOUR + 2100)
        .taskCompleted(3, { released: true })
        .build(),
    );
    expect(done).toMatchObject({ isDone: true, output: { outcome: 'cancelled' } });
  });

  describe('step 2: Partner Center credentials', () => {
    const submission = (n: number) => ({
      submissionId: `submission-${n}`,
      applicationId: 'bbbbbbbb-0000-4000-8000-000000000001',
      domain: 'contoso.example',
      secret: { name: `reg-${INSTANCE}-pc-secret`, version: `v${n}` },
      secretLooksLikeId: false,
      submittedAt: '2024-01-15T10:00:00.000Z',
    });
    const refused = {
      code: 'secret_invalid',
      field: 'secret',
      message: 'Paste the value',
      aadsts: 7000215,
      traceId: 't-1',
    };
    /** An hour into the wait for step 2, its first timer pending. */
    const anHourIn = () => started().timerCreated(0, SPAN).endEpisode().episode(HOUR);
    const submitted = (n: number, payload: object = submission(n)) =>
      anHourIn().eventRaised(RegistrationEvent.PartnerCenterCredentialsSubmitted, payload);

    it("verifies a submission with a retried activity that gets only the secret's reference", async () => {
      const state = await replay(submitted(1).build());
      expect(state.customStatus).toMatchObject({
        status: 'verifyingPartnerCenterCredentials',
        submissionId: 'submission-1',
      });
      expect(actions(state)[1]).toMatchObject({
        actionType: ActionType.CallActivityWithRetry,
        functionName: Activity.VerifyPartnerCenterCredentials,
        input: submission(1),
        retryOptions: { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 3 },
      });
      expect(JSON.stringify(state)).not.toMatch(/secret-value/);
    });

    it('moves to step 3 with the verified details when the verification passes', async () => {
      const state = await replay(
        submitted(1)
          .taskScheduled(1, Activity.VerifyPartnerCenterCredentials)
          .endEpisode()
          .episode(HOUR + 900)
          .taskCompleted(1, { ok: true, partner })
          .build(),
      );
      expect(state.isDone).toBe(false);
      expect(state.customStatus).toEqual(
        expect.objectContaining({
          step: 'partnerApiConsent',
          status: 'awaitingPartnerApiCredentials',
          verified: partner,
        }),
      );
      expect(state.customStatus).not.toHaveProperty('error');
      const last = actions(state).at(-1);
      expect(last?.compoundActions?.map((a) => a.externalEventName ?? 'timer')).toEqual([
        RegistrationEvent.PartnerApiCredentialsSubmitted,
        RegistrationEvent.RegistrationCancelled,
        'timer',
      ]);
    });

    it('stays at step 2 with the field error when refused, and takes a corrected submission', async () => {
      const refusedHistory = submitted(1)
        .taskScheduled(1, Activity.VerifyPartnerCenterCredentials)
        .endEpisode()
        .episode(HOUR + 900)
        .taskCompleted(1, { ok: false, error: refused });
      const waiting = await replay(refusedHistory.build());
      expect(waiting.customStatus).toMatchObject({
        step: 'partnerCenterCredentials',
        status: 'awaitingPartnerCenterCredentials',
        submissionId: 'submission-1',
        error: refused,
      });
      const retried = await replay(
        refusedHistory
          .endEpisode()
          .episode(2 * HOUR)
          .eventRaised(RegistrationEvent.PartnerCenterCredentialsSubmitted, submission(2))
          .build(),
      );
      expect(retried.customStatus).toMatchObject({
        status: 'verifyingPartnerCenterCredentials',
        submissionId: 'submission-2',
      });
      expect(retried.customStatus).not.toHaveProperty('error');
      const [race, disable] = actions(retried).slice(-2);
      expect(race.actionType).toBe(ActionType.WhenAny);
      expect(disable).toMatchObject({ functionName: Activity.DisableStagedSecret, input: submission(1).secret });
    });

    it("ends cancelled without the refused step's error", async () => {
      const cancelled = submitted(1)
        .taskScheduled(1, Activity.VerifyPartnerCenterCredentials)
        .endEpisode()
        .episode(HOUR + 900)
        .taskCompleted(1, { ok: false, error: refused })
        .timerCreated(2, HOUR + 900 + SPAN)
        .endEpisode()
        .episode(2 * HOUR)
        .eventRaised(RegistrationEvent.RegistrationCancelled, {})
        .taskScheduled(3, Activity.CleanUpRegistration)
        .endEpisode()
        .episode(2 * HOUR + 10)
        .taskCompleted(3, { released: true });
      const done = await replay(cancelled.build());
      expect(done).toMatchObject({
        isDone: true,
        output: { outcome: 'cancelled' },
        customStatus: { status: 'cancelled' },
      });
      expect(done.customStatus).not.toHaveProperty('error');
    });

    const withVerdict = (n: number, verdict: object) => ({ ...submission(n), verdict });

    it("takes the request's verdict in the episode of its event and goes on to step 3, asking no activity", async () => {
      const state = await replay(submitted(1, withVerdict(1, { ok: true, partner })).build());
      expect(state.customStatus).toMatchObject({
        step: 'partnerApiConsent',
        status: 'awaitingPartnerApiCredentials',
        submissionId: 'submission-1',
        verified: partner,
      });
      expect(actions(state).map((a) => a.functionName)).not.toContain(Activity.VerifyPartnerCenterCredentials);
      // The episode ends waiting for step 3's link request.
      const race = actions(state).at(-1);
      expect(race?.actionType).toBe(ActionType.WhenAny);
      expect(race?.compoundActions?.[0]).toMatchObject({
        externalEventName: RegistrationEvent.PartnerApiCredentialsSubmitted,
      });
    });

    it('publishes a refusal from the request at once, and takes a corrected submission in the episode of its event', async () => {
      const refusedHistory = submitted(1, withVerdict(1, { ok: false, error: refused }));
      const waiting = await replay(refusedHistory.build());
      expect(waiting.customStatus).toMatchObject({
        step: 'partnerCenterCredentials',
        status: 'awaitingPartnerCenterCredentials',
        submissionId: 'submission-1',
        error: refused,
      });
      expect(actions(waiting).map((a) => a.functionName)).not.toContain(Activity.VerifyPartnerCenterCredentials);
      const corrected = await replay(
        refusedHistory
          .timerCreated(1, HOUR + SPAN)
          .endEpisode()
          .episode(2 * HOUR)
          .eventRaised(RegistrationEvent.PartnerCenterCredentialsSubmitted, withVerdict(2, { ok: true, partner }))
          .build(),
      );
      expect(corrected.customStatus).toMatchObject({ step: 'partnerApiConsent', submissionId: 'submission-2' });
      expect(corrected.customStatus).not.toHaveProperty('error');
      expect(actions(corrected).at(-1)).toMatchObject({
        functionName: Activity.DisableStagedSecret,
        input: submission(1).secret,
      });
    });

    it('ends cancelled when the cancellation comes before a submission with a verdict, without taking the verdict', async () => {
      const state = await replay(
        anHourIn()
          .eventRaised(RegistrationEvent.RegistrationCancelled, {})
          .eventRaised(RegistrationEvent.PartnerCenterCredentialsSubmitted, withVerdict(1, { ok: true, partner }))
          .build(),
      );
      expect(state.customStatus).not.toHaveProperty('verified');
      expect(state.customStatus).not.toMatchObject({ submissionId: 'submission-1' });
      const names = actions(state).map((a) => a.functionName);
      expect(names).toContain(Activity.CleanUpRegistration);
      expect(names).not.toContain(Activity.VerifyPartnerCenterCredentials);
    });

    it('ends expired when the expiry fires before a submission with a verdict, without taking the verdict', async () => {
      const shortLived = { ...input, expiresAfterHours: 1 };
      const state = await replay(
        new HistoryBuilder()
          .episode(0)
          .executionStarted(ORCHESTRATOR.Registration, shortLived)
          .timerCreated(0, HOUR)
          .endEpisode()
          .episode(HOUR)
          .timerFired(0, HOUR)
          .eventRaised(RegistrationEvent.PartnerCenterCredentialsSubmitted, withVerdict(1, { ok: true, partner }))
          .build(),
        shortLived,
      );
      expect(state.customStatus).not.toHaveProperty('verified');
      const names = actions(state).map((a) => a.functionName);
      expect(names).toContain(Activity.CleanUpRegistration);
      expect(names).not.toContain(Activity.VerifyPartnerCenterCredentials);
    });

    it('reports the services as unavailable when the verification keeps failing, and stays at step 2', async () => {
      const state = await replay(
        submitted(1)
          .taskScheduled(1, Activity.VerifyPartnerCenterCredentials)
          .endEpisode()
          .episode(HOUR + 10)
          .taskFailed(1, 'TransientError: Entra ID 503')
          .timerCreated(2, HOUR + 1010)
          .endEpisode()
          .episode(HOUR + 1010)
          .timerFired(2, HOUR + 1010)
          .taskScheduled(3, Activity.VerifyPartnerCenterCredentials)
          .endEpisode()
          .episode(HOUR + 1020)
          .taskFailed(3, 'TransientError: Entra ID 503')
          .timerCreated(4, HOUR + 3020)
          .endEpisode()
          .episode(HOUR + 3020)
          .timerFired(4, HOUR + 3020)
          .taskScheduled(5, Activity.VerifyPartnerCenterCredentials)
          .endEpisode()
          .episode(HOUR + 3030)
          .taskFailed(5, 'TransientError: Entra ID 503')
          .timerCreated(6, HOUR + 7030)
          .endEpisode()
          .episode(HOUR + 7030)
          .timerFired(6, HOUR + 7030)
          .build(),
      );
      expect(state.isDone).toBe(false);
      expect(state.customStatus).toMatchObject({
        status: 'awaitingPartnerCenterCredentials',
        error: { code: 'identity_provider_unavailable', unavailable: true },
      });
    });
  });

  describe('step 3: consent', () => {
    const linked = () =>
      verifiedAt()
        .episode(2 * HOUR)
        .eventRaised(RegistrationEvent.PartnerApiCredentialsSubmitted, link);

    it("publishes the link's ID and expiry (never the link) and mails it through an activity that gets no ticket", async () => {
      const state = await replay(linked().build());
      expect(state.customStatus).toMatchObject({
        status: 'awaitingConsent',
        consent: { linkId: 'link-1', expiresAt: link.linkExpiresAt, emailedTo: 'admin@contoso.example' },
      });
      const mail = actions(state).at(-1);
      expect(mail).toMatchObject({
        functionName: Activity.SendConsentEmail,
        input: { registrationId: INSTANCE, linkId: 'link-1', to: 'admin@contoso.example' },
      });
      expect(JSON.stringify(state)).not.toMatch(/ticket|consent\/start/);
    });

    it('marks the link expired when its time comes first, and takes a new request', async () => {
      const waiting = linked()
        .taskScheduled(3, Activity.SendConsentEmail)
        .endEpisode()
        .episode(2 * HOUR + 50)
        .taskCompleted(3, { sent: true });
      const state = await replay(waiting.build());
      const race = actions(state).at(-1);
      // One timer for the race: at most 3 days ahead, the link's expiry (75 h) further.
      expect(race?.compoundActions?.map((a) => a.externalEventName ?? a.fireAt)).toEqual([
        RegistrationEvent.ConsentCompleted,
        RegistrationEvent.PartnerApiCredentialsSubmitted,
        RegistrationEvent.RegistrationCancelled,
        waiting.at(2 * HOUR + 50 + SPAN),
      ]);
      waiting
        .timerCreated(4, 2 * HOUR + 50 + SPAN)
        .endEpisode()
        .episode(2 * HOUR + 50 + SPAN)
        .timerFired(4, 2 * HOUR + 50 + SPAN);
      const stillWaiting = await replay(waiting.build());
      expect(stillWaiting.customStatus).toMatchObject({ status: 'awaitingConsent' });
      expect(timers(stillWaiting).at(-1)).toBe(link.linkExpiresAt);
      const expired = await replay(
        waiting
          .timerCreated(5, 75 * HOUR)
          .endEpisode()
          .episode(75 * HOUR)
          .timerFired(5, 75 * HOUR)
          .build(),
      );
      expect(expired.customStatus).toMatchObject({ status: 'consentExpired' });
      expect(expired.isDone).toBe(false);
      expect(
        actions(expired)
          .at(-1)
          ?.compoundActions?.map((a) => a.externalEventName ?? 'timer'),
      ).toEqual([RegistrationEvent.PartnerApiCredentialsSubmitted, RegistrationEvent.RegistrationCancelled, 'timer']);
    });
  });

  describe('registered: what the account does not use is deleted from the vault', () => {
    const completion = {
      linkId: 'link-1',
      code: { name: `reg-${INSTANCE}-auth-code`, version: 'c1' },
      verifier: { name: `reg-${INSTANCE}-pkce`, version: 'p1' },
      redirectUri: link.redirectUri,
      receivedAt: '',
    };
    const redeemed = () =>
      verifiedAt()
        .episode(2 * HOUR)
        .eventRaised(RegistrationEvent.PartnerApiCredentialsSubmitted, link)
        .taskScheduled(3, Activity.SendConsentEmail)
        .endEpisode()
        .episode(2 * HOUR + 50)
        .taskCompleted(3, { sent: true })
        .timerCreated(4, 2 * HOUR + 50 + SPAN)
        .endEpisode()
        .episode(3 * HOUR)
        .eventRaised(RegistrationEvent.ConsentCompleted, completion)
        .taskScheduled(5, Activity.RedeemConsent)
        .endEpisode()
        .episode(3 * HOUR + 30)
        .taskCompleted(5, { ok: true, account: { tenantId: partner.tenantId } });

    it('says registered at once, then deletes the staged secrets with retries (only references go in), and ends registered', async () => {
      const deleting = await replay(redeemed().build());
      expect(deleting.isDone).toBe(false);
      expect(deleting.customStatus).toMatchObject({ status: 'registered' });
      expect(actions(deleting).at(-1)).toMatchObject({
        actionType: ActionType.CallActivityWithRetry,
        functionName: Activity.DeleteStagedSecrets,
        input: { organizationId: input.organizationId, registrationId: INSTANCE },
        retryOptions: { firstRetryIntervalInMilliseconds: 2000, maxNumberOfAttempts: 5, backoffCoefficient: 2 },
      });
      expect(timers(deleting).filter((t) => t.endsWith('(cancelled)'))).toEqual([]);
      const done = await replay(
        redeemed()
          .taskScheduled(6, Activity.DeleteStagedSecrets)
          .endEpisode()
          .episode(3 * HOUR + 60)
          .taskCompleted(6, { secretsDeleted: 3 })
          .build(),
      );
      expect(done).toMatchObject({
        isDone: true,
        output: { outcome: 'registered' },
        customStatus: { status: 'registered' },
      });
      // The three races' timers (step 2, the link request, the consent) were pending: cancelled as it ends.
      const start = new HistoryBuilder();
      expect(timers(done)).toEqual(
        [SPAN, HOUR + 900 + SPAN, 2 * HOUR + 50 + SPAN].map((ms) => `${start.at(ms)} (cancelled)`),
      );
    });

    it('stays registered when the vault refuses every attempt to delete them', async () => {
      let builder = redeemed().taskScheduled(6, Activity.DeleteStagedSecrets).endEpisode();
      let at = 3 * HOUR + 60;
      let taskId = 6;
      // The SDK waits out a retry interval after the last failed attempt too, then fails the call.
      for (const [attempt, delay] of [2000, 4000, 8000, 16000, 30000].entries()) {
        builder = builder
          .episode(at)
          .taskFailed(taskId, 'SecretStoreError: Key Vault unavailable')
          .timerCreated(taskId + 1, at + delay)
          .endEpisode()
          .episode(at + delay)
          .timerFired(taskId + 1, at + delay);
        if (attempt < 4) builder = builder.taskScheduled(taskId + 2, Activity.DeleteStagedSecrets).endEpisode();
        at += delay + 10;
        taskId += 2;
      }
      const done = await replay(builder.build());
      expect(done).toMatchObject({
        isDone: true,
        output: { outcome: 'registered' },
        customStatus: { status: 'registered' },
      });
    });
  });

  describe('events arriving while the orchestrator is busy', () => {
    it("acts on a cancellation raised with a link request, once the link's e-mail is out", async () => {
      const both = () =>
        verifiedAt()
          .episode(2 * HOUR)
          .eventRaised(RegistrationEvent.PartnerApiCredentialsSubmitted, link)
          .eventRaised(RegistrationEvent.RegistrationCancelled, {});
      const mailing = await replay(both().build());
      expect(actions(mailing).at(-1)).toMatchObject({ functionName: Activity.SendConsentEmail });
      const after = await replay(
        both()
          .taskScheduled(3, Activity.SendConsentEmail)
          .endEpisode()
          .episode(2 * HOUR + 50)
          .taskCompleted(3, { sent: true })
          .build(),
      );
      // Before, the cancellation landed on the previous race's wait and was lost: the registration waited on.
      expect(actions(after).at(-1)).toMatchObject({ functionName: Activity.CleanUpRegistration });
      expect(
        actions(after)
          .slice(actions(mailing).length)
          .some((a) => a.actionType === ActionType.CreateTimer),
      ).toBe(false);
    });
  });

  describe('re-consent of a registered account', () => {
    const partner = {
      tenantId: '22222222-2222-4222-8222-222222222222',
      applicationId: 'bbbbbbbb-0000-4000-8000-000000000001',
      domain: '22222222-2222-4222-8222-222222222222',
      companyName: 'Contoso Ltd',
      country: 'US',
    };
    const applicationSecret = { name: 'reg-original-pc-secret', version: 'v7' };
    const reconsent = { ...input, reconsent: { verified: partner, applicationSecret } };
    const begun = () => new HistoryBuilder().episode(0).executionStarted(ORCHESTRATOR.Registration, reconsent);

    it('starts at step 3 with what the registration verified, waiting for a link request (no step 2)', async () => {
      const state = await replay(begun().build(), reconsent);
      expect(state.customStatus).toMatchObject({
        step: 'partnerApiConsent',
        status: 'awaitingPartnerApiCredentials',
        verified: partner,
      });
      expect(
        actions(state)
          .at(-1)
          ?.compoundActions?.map((a) => a.externalEventName ?? 'timer'),
      ).toEqual([RegistrationEvent.PartnerApiCredentialsSubmitted, RegistrationEvent.RegistrationCancelled, 'timer']);
    });

    it("redeems the consent as a re-consent, with the account's application secret", async () => {
      const link = {
        linkId: 'link-1',
        linkExpiresAt: new HistoryBuilder().at(72 * HOUR),
        redirectUri: 'http://127.0.0.1:7071/api/consent/callback',
        requestedBy: 'TokenKeepAlive',
      };
      const completion = {
        linkId: 'link-1',
        code: { name: 'c', version: '1' },
        verifier: { name: 'p', version: '1' },
        redirectUri: link.redirectUri,
        receivedAt: '',
      };
      const history = begun()
        .timerCreated(0, SPAN)
        .endEpisode()
        .episode(HOUR)
        .eventRaised(RegistrationEvent.PartnerApiCredentialsSubmitted, link)
        .timerCreated(1, 72 * HOUR)
        .endEpisode()
        .episode(2 * HOUR)
        .eventRaised(RegistrationEvent.ConsentCompleted, completion)
        .build();
      const state = await replay(history, reconsent);
      expect(state.customStatus).toMatchObject({ status: 'redeemingConsent' });
      expect(actions(state).at(-1)).toMatchObject({
        functionName: Activity.RedeemConsent,
        input: { reconsent: true, partnerCenterSecret: applicationSecret, verified: partner, registrationId: INSTANCE },
      });
    });
  });
});
