import { InstanceState } from '../../local/durable-host/durable-store';
import { OrchestratorRun } from '../../local/durable-host/episode';
import { HistoryEvent } from '../../local/durable-host/history';
import { ActionType, OrchestratorAction, OrchestratorState } from '../../local/durable-host/orchestrator-state';
import { Activity, ORCHESTRATOR, RegistrationEvent } from '../../src/domain/durable-names';
import { appFunctions, REPO_ROOT } from '../support/in-process-engine';
import { HistoryBuilder } from '../support/history-builder';

const HOUR = 3600_000;
const INSTANCE = 'registration-1';
const input = { organizationId: '22222222-2222-4222-8222-222222222222', accountName: 'Contoso CSP', expiresAfterHours: 168 };
const functions = appFunctions(REPO_ROOT);

async function replay(history: HistoryEvent[]): Promise<OrchestratorState> {
  const state = {
    instanceId: INSTANCE, name: ORCHESTRATOR.Registration, executionId: 'e1', status: 'Running', input: JSON.stringify(input),
    output: null, customStatus: null, createdAt: '', lastUpdatedAt: '', historyStart: 0, nextSeq: history.length,
    actionsSeen: 0, nextTaskId: 0, retries: {},
  } as InstanceState;
  const run: OrchestratorRun = await functions.runOrchestrator(ORCHESTRATOR.Registration, history, state);
  if ('failure' in run) throw new Error(`orchestrator failed: ${run.failure}`);
  return run.state;
}

const started = () => new HistoryBuilder().episode(0).executionStarted(ORCHESTRATOR.Registration, input);
const actions = (state: OrchestratorState): OrchestratorAction[] => state.actions.flat();

describe('registration orchestrator (replayed by the real SDK)', () => {
  it('publishes step 1 progress and races the credentials and a cancellation against the expiry', async () => {
    const builder = started();
    const state = await replay(builder.build());
    expect(state.isDone).toBe(false);
    expect(state.customStatus).toEqual({ step: 'partnerCenterCredentials', status: 'awaitingPartnerCenterCredentials', expiresAt: builder.at(168 * HOUR) });
    const [race] = actions(state);
    expect(race.actionType).toBe(ActionType.WhenAny);
    expect(race.compoundActions).toEqual([
      { actionType: ActionType.WaitForExternalEvent, externalEventName: RegistrationEvent.PartnerCenterCredentialsSubmitted, reason: 'ExternalEvent' },
      { actionType: ActionType.WaitForExternalEvent, externalEventName: RegistrationEvent.RegistrationCancelled, reason: 'ExternalEvent' },
      { actionType: ActionType.CreateTimer, fireAt: builder.at(168 * HOUR), isCanceled: false },
    ]);
  });

  it('on cancellation cancels the expiry timer and releases the claim with retries, then ends cancelled', async () => {
    const builder = started().timerCreated(0, 168 * HOUR).endEpisode().episode(HOUR).eventRaised(RegistrationEvent.RegistrationCancelled, {});
    const cancelling = await replay(builder.build());
    const [race, release] = actions(cancelling);
    expect(race.compoundActions?.[2]).toMatchObject({ actionType: ActionType.CreateTimer, isCanceled: true });
    expect(release).toMatchObject({
      actionType: ActionType.CallActivityWithRetry, functionName: Activity.ReleaseRegistration,
      input: { organizationId: input.organizationId, registrationId: INSTANCE },
      retryOptions: { firstRetryIntervalInMilliseconds: 2000, maxNumberOfAttempts: 5, backoffCoefficient: 2 },
    });
    expect(cancelling.isDone).toBe(false);

    const done = await replay(builder.taskScheduled(1, Activity.ReleaseRegistration).endEpisode().episode(HOUR + 50).taskCompleted(1, { released: false }).build());
    expect(done.isDone).toBe(true);
    expect(done.output).toEqual({ outcome: 'cancelled' });
    expect(done.customStatus).toMatchObject({ status: 'cancelled' });
  });

  it('on expiry releases the claim and ends expired', async () => {
    const builder = started().timerCreated(0, 168 * HOUR).endEpisode().episode(168 * HOUR).timerFired(0, 168 * HOUR);
    const expiring = await replay(builder.build());
    expect(actions(expiring)[1]).toMatchObject({ functionName: Activity.ReleaseRegistration, actionType: ActionType.CallActivityWithRetry });
    const done = await replay(builder.taskScheduled(1, Activity.ReleaseRegistration).endEpisode().episode(168 * HOUR + 10).taskCompleted(1, { released: true }).build());
    expect(done).toMatchObject({ isDone: true, output: { outcome: 'expired' }, customStatus: { status: 'expired' } });
  });

  it('keeps waiting at step 2 when credentials are submitted (verification arrives with step 2)', async () => {
    const builder = started().timerCreated(0, 168 * HOUR).endEpisode().episode(HOUR)
      .eventRaised(RegistrationEvent.PartnerCenterCredentialsSubmitted, { applicationId: 'x' });
    const state = await replay(builder.build());
    expect(state.isDone).toBe(false);
    const all = actions(state);
    expect(all).toHaveLength(2);
    expect(all[1].compoundActions?.map((a) => a.externalEventName ?? 'timer')).toEqual([
      RegistrationEvent.PartnerCenterCredentialsSubmitted, RegistrationEvent.RegistrationCancelled, 'timer',
    ]);
    expect(all[1].compoundActions?.[2].isCanceled).toBe(false);
  });

  it('retries the release after a transient failure instead of failing the registration', async () => {
    const builder = started().timerCreated(0, 168 * HOUR).endEpisode().episode(HOUR).eventRaised(RegistrationEvent.RegistrationCancelled, {})
      .taskScheduled(1, Activity.ReleaseRegistration).endEpisode().episode(HOUR + 10).taskFailed(1, 'Table Storage 503')
      .timerCreated(2, HOUR + 2010).endEpisode().episode(HOUR + 2010).timerFired(2, HOUR + 2010);
    const state = await replay(builder.build());
    expect(state.isDone).toBe(false);
    const done = await replay(builder.taskScheduled(3, Activity.ReleaseRegistration).endEpisode().episode(HOUR + 2100).taskCompleted(3, { released: true }).build());
    expect(done).toMatchObject({ isDone: true, output: { outcome: 'cancelled' } });
  });
});
