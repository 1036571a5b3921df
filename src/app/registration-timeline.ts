import { Activity, RegistrationEvent } from '../domain/durable-names';
import type { RecordedStep } from '../domain/recorded-step';
import { firstLine, pickSafe, scrubDeep } from '../domain/redaction';
import { RegistrationStatus, RegistrationStep } from '../domain/registration';
import type { InstanceHistory } from '../ports/workflow-records';

/**
 * One registration's history as ops read it: steps, activities (attempts, durations, first line of
 * each failure), external events by name (step 2's with the request's verdict), the custom-status transitions derived from them,
 * and the outcome. Payloads are dropped except the whitelisted fields below, and the result is
 * scrubbed of anything shaped like a token.
 */

/** Fields of activity results and of the orchestration's output that may be shown. */
export const SAFE_RESULT_FIELDS = [
  'ok',
  'outcome',
  'released',
  'secretsDeleted',
  'disabled',
  'error.code',
  'error.field',
  'error.aadsts',
  'error.partnerCenterCode',
  'error.correlationId',
  'error.traceId',
  'error.unavailable',
  'partner.tenantId',
  'account.tenantId',
  'account.mpnId',
] as const;
/** Fields of the published progress (custom status) that may be shown. */
export const SAFE_PROGRESS_FIELDS = [
  'step',
  'status',
  'expiresAt',
  'error.code',
  'error.field',
  'error.aadsts',
  'error.partnerCenterCode',
  'error.correlationId',
  'error.traceId',
  'verified.tenantId',
  'verified.companyName',
  'consent.expiresAt',
] as const;

export interface ActivityEntry {
  kind: 'activity';
  at: string;
  name: string;
  scheduledAt: string;
  completedAt: string;
  durationMs: number;
  /** 1 + the retries of this call (consecutive failed attempts of the same activity). */
  attempts: number;
  outcome: 'completed' | 'failed';
  /** Each failed attempt: when, and the first line of its reason. */
  failures?: { at: string; reason?: string }[];
  result?: Record<string, unknown>;
}

export type TimelineEntry =
  | { kind: 'started'; at: string; name: string }
  /** `verdict`: on step 2's event, the request's own verification (whitelisted as results are). */
  | { kind: 'event'; at: string; name: string; verdict?: Record<string, unknown> }
  | ActivityEntry
  | { kind: 'timer'; at: string; fireAt?: string; purpose?: 'registrationExpiry' | 'consentLinkExpiry' }
  | { kind: 'completed'; at: string; runtimeStatus: string; result?: Record<string, unknown>; reason?: string }
  | { kind: 'terminated'; at: string; reason?: string }
  | { kind: 'other'; at: string; eventType: string };

export interface StatusTransition {
  at: string;
  step: string;
  status: string;
  errorCode?: string;
  /** What caused it: `started`, `event:<name>`, `activity:<name>`, or `customStatus` (the last published). */
  cause: string;
}

export interface StepTimes {
  step: 'basicDetails' | RegistrationStep;
  startedAt?: string;
  completedAt?: string;
  /** Partner Center credential submissions (step 2) or consent links asked for (step 3). */
  submissions?: number;
}

export interface RegistrationTimeline {
  registrationId: string;
  organizationId?: string;
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  steps: StepTimes[];
  /** Derived from the history (custom status itself is not recorded there); the last one is the published status. */
  statusTransitions: StatusTransition[];
  /** The last published progress, whitelisted fields only. */
  progress?: Record<string, unknown>;
  outcome: {
    runtimeStatus: string;
    at?: string;
    result?: Record<string, unknown>;
    reason?: string;
    status?: string;
    errorCode?: string;
  };
  entries: TimelineEntry[];
}

type ActivityStep = Extract<RecordedStep, { kind: 'activityCompleted' | 'activityFailed' }>;

export function buildTimeline(history: InstanceHistory): RegistrationTimeline {
  const progress = pickSafe(history.customStatus, SAFE_PROGRESS_FIELDS);
  const entries = toEntries(history.steps, progress?.expiresAt as string | undefined);
  const started = history.steps.find((s) => s.kind === 'started');
  const transitions = deriveTransitions(entries, progress, history.lastUpdatedTime);
  const completed = entries.find((e): e is Extract<TimelineEntry, { kind: 'completed' }> => e.kind === 'completed');
  const terminated = entries.find((e): e is Extract<TimelineEntry, { kind: 'terminated' }> => e.kind === 'terminated');
  const errorCode = (progress?.error as { code?: string } | undefined)?.code;
  const timeline: RegistrationTimeline = {
    registrationId: history.instanceId,
    organizationId: started?.organizationId,
    runtimeStatus: history.runtimeStatus,
    createdTime: history.createdTime,
    lastUpdatedTime: history.lastUpdatedTime,
    steps: stepTimes(history.createdTime, entries, transitions),
    statusTransitions: transitions,
    progress,
    outcome: {
      runtimeStatus: history.runtimeStatus,
      at: completed?.at ?? terminated?.at,
      result: completed?.result ?? pickSafe(history.output, SAFE_RESULT_FIELDS),
      reason: completed?.reason ?? terminated?.reason,
      status: progress?.status as string | undefined,
      errorCode,
    },
    entries,
  };
  return scrubDeep(dropUndefined(timeline));
}

/**
 * Recorded steps to entries: each activity call once (its retries folded in), events by name only.
 * A timer not fired yet and an activity still running have no entry: the response has no kind for
 * them, and the expiry a pending timer stands for is in the progress (`expiresAt`).
 */
function toEntries(steps: RecordedStep[], expiresAt: string | undefined): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  let open: ActivityEntry | undefined; // the last call, while its last attempt failed: a retry may follow
  let timers: TimelineEntry[] = []; // timers after a failed attempt: a retry's delay, or not
  let linkExpiresAt: string | undefined; // the consent link in force: its expiry is a timer of its own
  const flush = () => {
    entries.push(...timers);
    timers = [];
    open = undefined;
  };
  const attempt = (step: ActivityStep) => {
    const failed = step.kind === 'activityFailed';
    const scheduledAt = step.scheduledAt ?? step.at;
    const failure = failed ? [{ at: step.at, reason: firstLine(step.reason) }] : [];
    const result = failed ? undefined : pickSafe(step.result, SAFE_RESULT_FIELDS);
    if (open && open.name === step.activity) {
      timers = []; // the retry's delay
      open.attempts += 1;
      open.completedAt = step.at;
      open.durationMs = duration(open.scheduledAt, step.at);
      open.outcome = failed ? 'failed' : 'completed';
      open.failures = [...(open.failures ?? []), ...failure];
      if (!failed) open.result = result;
    } else {
      flush();
      open = {
        kind: 'activity',
        at: scheduledAt,
        name: step.activity,
        scheduledAt,
        completedAt: step.at,
        durationMs: duration(scheduledAt, step.at),
        attempts: 1,
        outcome: failed ? 'failed' : 'completed',
        ...(failed ? { failures: failure } : { result }),
      };
      entries.push(open);
    }
    if (!failed) open = undefined;
  };
  for (const step of steps) {
    switch (step.kind) {
      case 'activityScheduled':
      case 'timerCreated':
        break;
      case 'activityCompleted':
      case 'activityFailed':
        attempt(step);
        break;
      case 'timerFired': {
        const timer: TimelineEntry = {
          kind: 'timer',
          at: step.at,
          fireAt: step.fireAt,
          ...(expiresAt && sameInstant(step.fireAt, expiresAt) ? { purpose: 'registrationExpiry' as const } : {}),
          ...(linkExpiresAt && sameInstant(step.fireAt, linkExpiresAt)
            ? { purpose: 'consentLinkExpiry' as const }
            : {}),
        };
        if (open) timers.push(timer);
        else entries.push(timer);
        break;
      }
      default:
        if (step.kind === 'eventRaised' && step.linkExpiresAt) linkExpiresAt = step.linkExpiresAt;
        flush();
        entries.push(toEntry(step));
    }
  }
  flush();
  return entries;
}

function toEntry(
  step: Exclude<RecordedStep, ActivityStep | { kind: 'activityScheduled' | 'timerCreated' | 'timerFired' }>,
): TimelineEntry {
  const { at } = step;
  switch (step.kind) {
    case 'started':
      return { kind: 'started', at, name: step.orchestrator };
    case 'eventRaised':
      return { kind: 'event', at, name: step.name, verdict: pickSafe(step.verdict, SAFE_RESULT_FIELDS) };
    case 'completed':
      return {
        kind: 'completed',
        at,
        runtimeStatus: step.runtimeStatus,
        ...(step.failureReason !== undefined
          ? { reason: firstLine(step.failureReason) }
          : { result: pickSafe(step.result, SAFE_RESULT_FIELDS) }),
      };
    case 'terminated':
      return { kind: 'terminated', at, reason: firstLine(step.reason) };
    case 'other':
      return { kind: 'other', at, eventType: step.label };
  }
}

/**
 * The progress the orchestrator published at each point, derived from what it reacted to (the
 * history does not record custom status). Mirrors functions/registration-orchestrator.ts; the
 * last published status closes the list when it differs.
 */
function deriveTransitions(
  entries: TimelineEntry[],
  progress: Record<string, unknown> | undefined,
  lastUpdated: string,
): StatusTransition[] {
  const list: StatusTransition[] = [];
  let step: string = RegistrationStep.PartnerCenterCredentials;
  let cancelled = false;
  const to = (at: string, status: string, cause: string, errorCode?: string, nextStep = step) => {
    step = nextStep;
    const last = list[list.length - 1];
    if (last && last.step === step && last.status === status && last.errorCode === errorCode) return;
    list.push({ at, step, status, cause, ...(errorCode ? { errorCode } : {}) });
  };
  const errorOf = (entry: ActivityEntry) =>
    entry.outcome === 'failed'
      ? 'identity_provider_unavailable'
      : (entry.result?.error as { code?: string } | undefined)?.code;
  const verified = (at: string, verdict: Record<string, unknown>, cause: string) => {
    if (verdict.ok === true)
      to(at, RegistrationStatus.AwaitingPartnerApiCredentials, cause, undefined, RegistrationStep.PartnerApiConsent);
    else
      to(
        at,
        RegistrationStatus.AwaitingPartnerCenterCredentials,
        cause,
        (verdict.error as { code?: string } | undefined)?.code,
      );
  };
  entries.forEach((entry, index) => {
    switch (entry.kind) {
      case 'started':
        to(
          entry.at,
          RegistrationStatus.AwaitingPartnerCenterCredentials,
          'started',
          undefined,
          RegistrationStep.PartnerCenterCredentials,
        );
        break;
      case 'event': {
        const cause = `event:${entry.name}`;
        if (entry.name === RegistrationEvent.RegistrationCancelled) cancelled = true;
        if (
          entry.name === RegistrationEvent.PartnerCenterCredentialsSubmitted &&
          step === RegistrationStep.PartnerCenterCredentials
        ) {
          to(entry.at, RegistrationStatus.VerifyingPartnerCenterCredentials, cause);
          // The request's verdict, taken in the event's episode (without one, the activity's result follows).
          if (entry.verdict) verified(entry.at, entry.verdict, cause);
        }
        if (
          entry.name === RegistrationEvent.PartnerApiCredentialsSubmitted &&
          step === RegistrationStep.PartnerApiConsent
        ) {
          to(entry.at, RegistrationStatus.AwaitingConsent, cause);
        }
        if (
          entry.name === RegistrationEvent.ConsentCompleted &&
          list[list.length - 1]?.status === RegistrationStatus.AwaitingConsent
        ) {
          const next = entries.slice(index + 1).find((e) => e.kind === 'activity' || e.kind === 'event');
          // Without a redemption after it, the admin declined or Microsoft answered an error.
          if (!(next?.kind === 'activity' && next.name === Activity.RedeemConsent))
            to(entry.at, RegistrationStatus.AwaitingPartnerApiCredentials, cause);
        }
        break;
      }
      case 'activity': {
        const cause = `activity:${entry.name}`;
        if (entry.name === Activity.VerifyPartnerCenterCredentials) {
          if (entry.outcome === 'completed' && entry.result) verified(entry.completedAt, entry.result, cause);
          else to(entry.completedAt, RegistrationStatus.AwaitingPartnerCenterCredentials, cause, errorOf(entry));
        } else if (entry.name === Activity.RedeemConsent) {
          to(entry.scheduledAt, RegistrationStatus.RedeemingConsent, cause);
          if (entry.outcome === 'completed' && entry.result?.ok === true)
            to(entry.completedAt, RegistrationStatus.Registered, cause);
          else to(entry.completedAt, RegistrationStatus.AwaitingPartnerApiCredentials, cause, errorOf(entry));
        } else if (entry.name === Activity.SendConsentEmail && entry.outcome === 'failed') {
          to(
            entry.completedAt,
            list[list.length - 1]?.status ?? RegistrationStatus.AwaitingConsent,
            cause,
            'email_not_sent',
          );
        } else if (entry.name === Activity.CleanUpRegistration && entry.outcome === 'completed') {
          to(entry.completedAt, cancelled ? RegistrationStatus.Cancelled : RegistrationStatus.Expired, cause);
        }
        break;
      }
      case 'timer':
        if (
          entry.purpose === 'consentLinkExpiry' &&
          list[list.length - 1]?.status === RegistrationStatus.AwaitingConsent
        )
          to(entry.at, RegistrationStatus.ConsentExpired, 'timer:consentLinkExpiry');
        break;
      default:
        break;
    }
  });
  if (progress?.status) {
    const last = list[list.length - 1];
    const errorCode = (progress.error as { code?: string } | undefined)?.code;
    if (!last || last.status !== progress.status || last.step !== progress.step) {
      list.push({
        at: lastUpdated,
        step: String(progress.step ?? step),
        status: String(progress.status),
        cause: 'customStatus',
        ...(errorCode ? { errorCode } : {}),
      });
    } else if (errorCode && !last.errorCode) {
      last.errorCode = errorCode;
    }
  }
  return list;
}

function stepTimes(createdTime: string, entries: TimelineEntry[], transitions: StatusTransition[]): StepTimes[] {
  const firstOf = (step: string) => transitions.find((t) => t.step === step)?.at;
  const consentStarted = firstOf(RegistrationStep.PartnerApiConsent);
  const registered = transitions.find((t) => t.status === RegistrationStatus.Registered)?.at;
  const count = (name: string) => entries.filter((e) => e.kind === 'event' && e.name === name).length;
  return [
    { step: 'basicDetails', completedAt: createdTime },
    {
      step: RegistrationStep.PartnerCenterCredentials,
      startedAt: firstOf(RegistrationStep.PartnerCenterCredentials) ?? createdTime,
      completedAt: consentStarted,
      submissions: count(RegistrationEvent.PartnerCenterCredentialsSubmitted),
    },
    {
      step: RegistrationStep.PartnerApiConsent,
      startedAt: consentStarted,
      completedAt: registered,
      submissions: count(RegistrationEvent.PartnerApiCredentialsSubmitted),
    },
  ];
}

const duration = (from: string, to: string) => Math.max(0, Date.parse(to) - Date.parse(from)) || 0;
const sameInstant = (a: string | undefined, b: string) => a !== undefined && Date.parse(a) === Date.parse(b);

function dropUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(dropUndefined) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, dropUndefined(v)]),
    ) as T;
  }
  return value;
}
