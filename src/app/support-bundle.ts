import type { ConnectionCheck } from '../domain/connection-check';
import type { FieldError, Result } from '../domain/error-codes';
import { ErrorCode, fail, ok } from '../domain/error-codes';
import { ERROR_HELP } from '../domain/error-help';
import type { Caller } from '../domain/payer-account';
import { scrubDeep } from '../domain/redaction';
import type { SeenError } from '../domain/support-errors';
import { auditedErrors, mergeSeenErrors, seenError } from '../domain/support-errors';
import type { AccountHealth } from '../domain/token-health';
import { healthOf } from '../domain/token-health';
import type { AuditTrail } from '../ports/audit-trail';
import type { Clock } from '../ports/clock';
import type { PayerAccounts } from '../ports/payer-accounts';
import type { RegistrationWorkflow } from '../ports/registration-workflow';
import type { WorkflowRecords } from '../ports/workflow-records';
import { registrationHistory } from './ops-registrations';
import type { RegistrationTimeline, TimelineEntry } from './registration-timeline';
import { supportText } from './support-bundle-text';

type Payload = Record<string, unknown>;

/** A registration's timeline as ops read it, without the (already whitelisted) results of its activities and verdicts. */
export type SupportTimeline = Omit<RegistrationTimeline, 'organizationId' | 'progress' | 'outcome'> & {
  kind: 'registration' | 'reconsent';
  outcome: Omit<RegistrationTimeline['outcome'], 'result'>;
};

/** What a partner pastes into a Microsoft support ticket: identifiers, times, codes and IDs; never a secret, code or token. */
export interface SupportBundle {
  generatedAt: string;
  organizationId: string;
  state: 'registering' | 'registered';
  accountName?: string;
  registrationId: string;
  reconsentId?: string;
  tenantId?: string;
  applicationId?: string;
  mpnId?: string;
  companyName?: string;
  country?: string;
  consentedBy?: string;
  consentedAt?: string;
  health?: Omit<AccountHealth, 'lastError' | 'secretExpiryWarnedFor'>;
  lastConnectionCheck?: ConnectionCheck;
  /** Every error seen: the registration's and re-consents', the keep-alive's, the connection checks'; newest first. */
  microsoftErrors: SeenError[];
  timelines: SupportTimeline[];
  /** All of the above in plain text, to paste into the ticket. */
  text: string;
}

export interface SupportBundleDeps {
  payerAccounts: PayerAccounts;
  workflow: RegistrationWorkflow;
  records: WorkflowRecords;
  auditTrail: AuditTrail;
  clock: Clock;
}

/** The support details of the organization's payer account, or of its registration in progress. */
export async function supportBundle(
  caller: Caller,
  deps: SupportBundleDeps,
): Promise<Result<SupportBundle, FieldError>> {
  const record = await deps.payerAccounts.find(caller.organizationId);
  if (!record) {
    return fail({
      code: ErrorCode.PayerAccountNotFound,
      message:
        'Your organization has neither a payer account nor a registration in progress: there is nothing to report.',
    });
  }
  const [registration, reconsent, audit, progress] = await Promise.all([
    timeline(record.registrationId, 'registration', deps),
    record.reconsentId ? timeline(record.reconsentId, 'reconsent', deps) : undefined,
    deps.auditTrail.list(caller.organizationId, { limit: 100 }),
    record.account ? undefined : deps.workflow.state(record.registrationId).then((s) => s?.progress),
  ]);
  const timelines = [registration, reconsent].filter((t) => t !== undefined);
  const account = record.account;
  const health = account ? healthOf(record) : undefined;
  const check = record.lastConnectionCheck;
  const seen = mergeSeenErrors([
    ...(check?.paths ?? []).flatMap((p) => (p.error ? [seenError(`connectionCheck.${p.path}`, p.at, p.error)] : [])),
    ...(health?.lastError ? [seenError('tokenRefresh', health.lastAttemptAt, health.lastError)] : []),
    ...timelines.flatMap((t) => t.errors),
    ...audit.flatMap(auditedErrors),
  ]).map((e) => (e.code in ERROR_HELP ? { ...e, help: ERROR_HELP[e.code as ErrorCode] } : e));
  const {
    lastError: _lastError,
    secretExpiryWarnedFor: _warned,
    ...healthShown
  } = health ?? { reconsentRequired: false };
  const bundle: Omit<SupportBundle, 'text'> = {
    generatedAt: deps.clock.now().toISOString(),
    organizationId: caller.organizationId,
    state: record.state,
    accountName: record.accountName,
    registrationId: record.registrationId,
    reconsentId: record.reconsentId,
    tenantId: account?.tenantId ?? progress?.verified?.tenantId,
    applicationId: account?.applicationId ?? progress?.verified?.applicationId,
    mpnId: account?.mpnId,
    companyName: account?.companyName ?? progress?.verified?.companyName,
    country: account?.country ?? progress?.verified?.country,
    consentedBy: account?.consentedBy,
    consentedAt: account?.consentedAt,
    health: health ? healthShown : undefined,
    lastConnectionCheck: check,
    microsoftErrors: seen,
    timelines: timelines.map((t) => t.shown),
  };
  const clean = scrubDeep(dropUndefined(bundle));
  return ok({ ...clean, text: supportText(clean) });
}

async function timeline(
  instanceId: string,
  kind: SupportTimeline['kind'],
  deps: SupportBundleDeps,
): Promise<{ shown: SupportTimeline; errors: SeenError[] } | undefined> {
  const history = await registrationHistory(instanceId, { records: deps.records });
  if (!history.ok) return undefined; // purged
  const { organizationId: _org, progress, outcome, entries, ...rest } = history.value;
  const { result: _result, ...outcomeShown } = outcome;
  const errors: SeenError[] = [];
  const shown = entries.map((entry): TimelineEntry => {
    if (!('result' in entry) && !('verdict' in entry)) return entry;
    const { result, verdict, ...without } = entry as TimelineEntry & Partial<Record<'result' | 'verdict', Payload>>;
    const error = (result ?? verdict)?.error as Record<string, never> | undefined;
    if (error?.code) errors.push(seenError(kind, 'completedAt' in entry ? entry.completedAt : entry.at, error));
    return without as TimelineEntry;
  });
  const published = progress?.error as Record<string, never> | undefined;
  if (published?.code) errors.push(seenError(kind, rest.lastUpdatedTime, published));
  return { shown: { kind, ...rest, outcome: outcomeShown, entries: shown }, errors };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
