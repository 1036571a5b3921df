import { toHistoryView } from '../../local/durable-host/history-view';
import { toRecordedSteps } from '../../src/adapters/durable-workflow-records';
import { HistoryBuilder } from '../support/history-builder';

const ORG = '22222222-2222-4222-8222-222222222222';
const CLIENT_SECRET = 'Xy78Q~abcdefghijklmnopqrstuvwxyz0123456789';
const REFRESH_TOKEN = '0.AXoAbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOp';
const EXPIRY_MS = 168 * 3600_000;
const VERIFY = 'VerifyPartnerCenterCredentials';
const REASON = `Activity function '${VERIFY}' failed: boom`;

/** Step 2's verification failed once, its retry's delay elapsed, and the retry is running. */
function retryInFlight(): HistoryBuilder {
  return new HistoryBuilder(Date.UTC(2025, 0, 1, 12))
    .episode(0)
    .executionStarted('RegistrationOrchestrator', {
      organizationId: ORG,
      accountName: 'Contoso CSP',
      expiresAfterHours: 168,
    })
    .timerCreated(0, EXPIRY_MS)
    .endEpisode()
    .episode(2000)
    .eventRaised('PartnerCenterCredentialsSubmitted', { submissionId: 'sub-1', note: CLIENT_SECRET })
    .taskScheduled(1, VERIFY, { submissionId: 'sub-1' })
    .endEpisode()
    .episode(4000)
    .taskFailed(1, REASON, `Error: boom\n    at secret (${REFRESH_TOKEN})`)
    .timerCreated(2, 5000)
    .endEpisode()
    .episode(5000)
    .timerFired(2, 5000)
    .taskScheduled(3, VERIFY, { submissionId: 'sub-1' })
    .endEpisode();
}

describe("the Durable adapter's reading of an instance's history", () => {
  it('maps the view with inputs shown (showInput=true): the organization ID from the serialized start input', () => {
    const b = retryInFlight();
    const steps = toRecordedSteps(toHistoryView(b.build(), true));
    expect(steps).toEqual([
      { kind: 'started', at: b.at(0), orchestrator: 'RegistrationOrchestrator', organizationId: ORG },
      { kind: 'timerCreated', at: b.at(0), fireAt: b.at(EXPIRY_MS) },
      { kind: 'eventRaised', at: b.at(2000), name: 'PartnerCenterCredentialsSubmitted' },
      { kind: 'activityFailed', at: b.at(4000), activity: VERIFY, scheduledAt: b.at(2000), reason: REASON },
      { kind: 'timerCreated', at: b.at(4000), fireAt: b.at(5000) },
      { kind: 'timerFired', at: b.at(5000), fireAt: b.at(5000) },
      { kind: 'activityScheduled', at: b.at(5000), activity: VERIFY },
    ]);
    expect(JSON.stringify(steps)).not.toMatch(/Contoso CSP|sub-1|Xy78Q|AXoAb|Error: boom/);
  });

  it("maps the extension's view in Azure: created timers and the activity in flight, no input, no task ids", () => {
    const b = retryInFlight();
    const view = toHistoryView(b.build(), true, false);
    // The extension writes a task's ScheduledTime with an offset where its other times end in Z (and 7 fractional
    // digits in Azure): the adapter gives every time in one form, ISO UTC with milliseconds.
    expect(JSON.stringify(view)).toContain(b.at(2000).replace(/Z$/, '+00:00'));
    expect(toRecordedSteps(view)).toEqual([
      { kind: 'started', at: b.at(0), orchestrator: 'RegistrationOrchestrator' },
      { kind: 'timerCreated', at: b.at(0), fireAt: b.at(EXPIRY_MS) },
      { kind: 'eventRaised', at: b.at(2000), name: 'PartnerCenterCredentialsSubmitted' },
      { kind: 'activityFailed', at: b.at(4000), activity: VERIFY, scheduledAt: b.at(2000), reason: REASON },
      { kind: 'timerCreated', at: b.at(4000), fireAt: b.at(5000) },
      { kind: 'timerFired', at: b.at(5000), fireAt: b.at(5000) },
      { kind: 'activityScheduled', at: b.at(5000), activity: VERIFY },
    ]);
  });

  it('gives every time as ISO UTC with milliseconds, whatever the engine wrote (7 fractional digits, +00:00)', () => {
    const b = retryInFlight();
    const asWritten = JSON.stringify(toHistoryView(b.build(), true, false));
    const asAzureWrites = asWritten.replace(/\.000(Z|\+00:00)"/g, '.0004402$1"');
    expect(asAzureWrites).not.toBe(asWritten);
    expect(toRecordedSteps(JSON.parse(asAzureWrites))).toEqual(toRecordedSteps(JSON.parse(asWritten)));
  });

  it("reads the consent link's expiry from step 3's event when inputs are shown, and nothing else of it", () => {
    const b = new HistoryBuilder(Date.UTC(2025, 0, 1, 12))
      .episode(0)
      .executionStarted('RegistrationOrchestrator', { organizationId: ORG })
      .endEpisode()
      .episode(1000)
      .eventRaised('PartnerApiCredentialsSubmitted', {
        linkId: 'link-1',
        linkExpiresAt: '2025-01-03T12:00:00.0000000+00:00',
        secret: { name: 'reg-x-pa-secret', version: 'v1' },
      });
    const event = (showInput: boolean) =>
      toRecordedSteps(toHistoryView(b.build(), true, showInput)).find((s) => s.kind === 'eventRaised');
    expect(event(true)).toEqual({
      kind: 'eventRaised',
      at: b.at(1000),
      name: 'PartnerApiCredentialsSubmitted',
      linkExpiresAt: '2025-01-03T12:00:00.000Z',
    });
    expect(event(false)).toEqual({ kind: 'eventRaised', at: b.at(1000), name: 'PartnerApiCredentialsSubmitted' });
  });

  it("hands over step 2's verdict raw from its event when inputs are shown (the timeline whitelists it)", () => {
    const verdict = { ok: false, error: { code: 'secret_invalid', aadsts: 7000215, message: 'no' } };
    const b = new HistoryBuilder(Date.UTC(2025, 0, 1, 12))
      .episode(0)
      .executionStarted('RegistrationOrchestrator', { organizationId: ORG })
      .endEpisode()
      .episode(1000)
      .eventRaised('PartnerCenterCredentialsSubmitted', { submissionId: 'sub-1', verdict })
      .eventRaised('PartnerCenterCredentialsSubmitted', { submissionId: 'sub-2' });
    const events = (showInput: boolean) =>
      toRecordedSteps(toHistoryView(b.build(), true, showInput)).filter((s) => s.kind === 'eventRaised');
    expect(events(true)).toEqual([
      { kind: 'eventRaised', at: b.at(1000), name: 'PartnerCenterCredentialsSubmitted', verdict },
      { kind: 'eventRaised', at: b.at(1000), name: 'PartnerCenterCredentialsSubmitted' },
    ]);
    expect(events(false).every((e) => !('verdict' in e))).toBe(true);
  });

  it('maps completions, failures and terminations with their raw payloads, and names anything else', () => {
    const b = new HistoryBuilder(Date.UTC(2025, 0, 1, 12))
      .episode(0)
      .executionStarted('RegistrationOrchestrator')
      .taskScheduled(0, 'CleanUpRegistration')
      .endEpisode()
      .episode(1000)
      .taskCompleted(0, { released: true })
      .executionCompleted('Completed', { outcome: 'expired' })
      .endEpisode();
    expect(toRecordedSteps(toHistoryView(b.build(), true, false)).slice(1)).toEqual([
      {
        kind: 'activityCompleted',
        at: b.at(1000),
        activity: 'CleanUpRegistration',
        scheduledAt: b.at(0),
        result: { released: true },
      },
      { kind: 'completed', at: b.at(1000), runtimeStatus: 'Completed', result: { outcome: 'expired' } },
    ]);
    const at = b.at(2000);
    expect(
      toRecordedSteps([
        { EventType: 'OrchestratorStarted', Timestamp: at },
        { EventType: 'ExecutionCompleted', Timestamp: at, OrchestrationStatus: 'Failed', Result: 'boom\n at x' },
        { EventType: 'ExecutionTerminated', Timestamp: at, Input: '"by ops"' },
        { EventType: 'ExecutionTerminated', Timestamp: at, Input: 'by ops, as DTFx records it' },
        { EventType: 'ExecutionSuspended', Timestamp: at, Reason: 'paused' },
      ]),
    ).toEqual([
      { kind: 'completed', at, runtimeStatus: 'Failed', failureReason: 'boom\n at x' },
      { kind: 'terminated', at, reason: 'by ops' },
      { kind: 'terminated', at, reason: 'by ops, as DTFx records it' },
      { kind: 'other', at, label: 'ExecutionSuspended' },
    ]);
  });
});
