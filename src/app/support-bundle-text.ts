import type { PathCheck } from '../domain/connection-check';
import type { SeenError } from '../domain/support-errors';
import type { SupportBundle, SupportTimeline } from './support-bundle';

const PATHS: Record<PathCheck['path'], string> = {
  refreshToken: 'Refresh token (Entra ID)',
  priceSheet: 'Price sheet (Partner API)',
  billing: 'Billing: invoices (Partner Center)',
  mpnProfile: 'MPN profile (Partner Center)',
};

const line = (label: string, value: string | number | boolean | undefined) =>
  value === undefined || value === '' ? [] : [`${label}: ${value === true ? 'yes' : value === false ? 'no' : value}`];

/** Microsoft's references of an error, in the words its support uses. */
function references(error: Omit<SeenError, 'source'>): string {
  return [
    `code ${error.code}`,
    error.aadsts !== undefined ? `AADSTS${error.aadsts}` : undefined,
    error.partnerCenterCode !== undefined ? `Partner Center code ${error.partnerCenterCode}` : undefined,
    error.correlationId ? `correlation ID ${error.correlationId}` : undefined,
    error.traceId ? `trace ID ${error.traceId}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}

function timelineText(t: SupportTimeline): string[] {
  const title = t.kind === 'registration' ? 'Registration' : 'Re-consent';
  return [
    '',
    `${title} ${t.registrationId}: ${t.runtimeStatus}${t.outcome.status ? ` (${t.outcome.status})` : ''}, created ${t.createdTime}, last updated ${t.lastUpdatedTime}`,
    ...t.statusTransitions.map(
      (s) => `  ${s.at}  ${s.step} → ${s.status}${s.errorCode ? ` [${s.errorCode}]` : ''} (${s.cause})`,
    ),
    ...t.entries.map((e) => {
      if (e.kind !== 'activity') return `  ${e.at}  ${e.kind}${'name' in e ? ` ${e.name}` : ''}`;
      const failures = (e.failures ?? []).map((f) => `; failed at ${f.at}: ${f.reason ?? ''}`).join('');
      return `  ${e.at}  activity ${e.name}: ${e.outcome}, ${e.attempts} attempt(s), ${e.durationMs} ms${failures}`;
    }),
  ];
}

/** The bundle as plain text, for a support ticket: one fact per line, Microsoft's codes and IDs spelled out. */
export function supportText(bundle: Omit<SupportBundle, 'text'>): string {
  const check = bundle.lastConnectionCheck;
  const health = bundle.health;
  return [
    'Octo: Azure CSP payer account, support details',
    ...line('Generated', bundle.generatedAt),
    ...line('Organization (tenant) ID', bundle.organizationId),
    ...line('State', bundle.state),
    ...line('Account name', bundle.accountName),
    ...line('Registration ID', bundle.registrationId),
    ...line('Re-consent in progress', bundle.reconsentId),
    ...line('Directory (tenant) ID', bundle.tenantId),
    ...line('Application (client) ID', bundle.applicationId),
    ...line('MPN ID', bundle.mpnId),
    ...line('Company', bundle.companyName && `${bundle.companyName}${bundle.country ? ` (${bundle.country})` : ''}`),
    ...line('Consented by', bundle.consentedBy && `${bundle.consentedBy} at ${bundle.consentedAt}`),
    ...(health
      ? [
          ...line('Last token refresh', health.lastRefreshAt),
          ...line('Last refresh attempt', health.lastAttemptAt),
          ...line('Refresh token valid until (estimate)', health.refreshTokenExpiresAt),
          ...line('Re-consent required', health.reconsentRequired),
        ]
      : []),
    '',
    check ? `Last connection check ${check.checkedAt}: ${check.verdict}` : 'Last connection check: none yet',
    ...(check?.paths ?? []).map(
      (p) =>
        `  ${PATHS[p.path]}: ${p.outcome} at ${p.at}${p.error ? `: ${references(p.error)}; ${p.error.message}` : ''}`,
    ),
    '',
    bundle.microsoftErrors.length ? 'Errors seen (newest first):' : 'Errors seen: none',
    ...bundle.microsoftErrors.map((e) => `  ${e.at ?? '(no time)'}  ${e.source}: ${references(e)}`),
    ...bundle.timelines.flatMap(timelineText),
  ].join('\n');
}
