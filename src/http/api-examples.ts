import type { PreflightReport } from '../app/run-preflight';
import type { AuditEntry } from '../domain/audit';
import type { KeepAliveRoundsPage } from '../app/ops-keep-alive-rounds';
import type { RegistrationsPage } from '../app/ops-registrations';
import type { RegistrationTimeline } from '../app/registration-timeline';
import type { SupportBundle } from '../app/support-bundle';
import { supportText } from '../app/support-bundle-text';
import type { ConnectionCheck } from '../domain/connection-check';
import { ERROR_HELP } from '../domain/error-help';
import type { ConsentLinkView } from '../domain/consent';
import type { CallerView, PayerAccountView } from '../domain/payer-account';
import type { RegistrationView } from '../domain/registration';
import type { CredentialsVerified, VerificationPending } from './response-schemas';

/** Examples in the OpenAPI document: typed as the answers are, and validated against the document by a test. */

export const tenantId = '7a3c0f4e-1b2d-4c5e-8f90-a1b2c3d4e5f6';
export const applicationId = '0d9e8f7a-6b5c-4d3e-9f21-0a1b2c3d4e5f';
const registrationId = 'f47ac10b-58cc-4372-a567-0e02b2c3d479';
const linkId = '9b2e6c1a-3d4f-4a5b-8c7d-1e2f3a4b5c6d';
const verifiedPartner = {
  tenantId,
  applicationId,
  domain: 'contoso.onmicrosoft.com',
  companyName: 'Contoso Ltd',
  country: 'US',
};
const consentLinkUrl =
  'https://payer-registration.example.com/api/consent/start?ticket=eyJhbGciOiJFUzI1NiJ9.eyJsaW5rSWQiOiI5YjJlIn0.c2lnbmF0dXJl';

export const started: RegistrationView = {
  registrationId,
  accountName: 'Contoso CSP',
  step: 'partnerCenterCredentials',
  status: 'starting',
  createdAt: '2025-03-01T09:00:00.000Z',
};

export const awaitingConsent: RegistrationView = {
  ...started,
  step: 'partnerApiConsent',
  status: 'awaitingConsent',
  expiresAt: '2025-03-08T09:00:00.000Z',
  verified: verifiedPartner,
  consent: {
    linkId,
    expiresAt: '2025-03-04T09:05:00.000Z',
    emailedTo: 'admin@contoso.onmicrosoft.com',
    redirectUri: 'https://payer-registration.example.com/api/consent/callback',
    consentLink: consentLinkUrl,
  },
};

export const verified: CredentialsVerified = {
  registrationId,
  step: 'partnerApiConsent',
  status: 'awaitingPartnerApiCredentials',
  verified: verifiedPartner,
};

export const pending: VerificationPending = {
  registrationId,
  submissionId: '5c0e7d2a-8b1f-4e3c-9a6d-2f4b8c1e7a90',
  status: 'verifyingPartnerCenterCredentials',
  statusUrl: '/api/payer-account/registration',
};

export const consentLink: ConsentLinkView = {
  consentLink: consentLinkUrl,
  expiresAt: '2025-03-04T09:05:00.000Z',
  emailedTo: 'admin@contoso.onmicrosoft.com',
};

export const payerAccount: PayerAccountView = {
  accountName: 'Contoso CSP',
  registrationId,
  registeredAt: '2025-03-01T09:20:00.000Z',
  tenantId,
  applicationId,
  mpnId: '1234567',
  companyName: 'Contoso Ltd',
  country: 'US',
  consentedBy: 'admin@contoso.onmicrosoft.com',
  consentedAt: '2025-03-01T09:20:00.000Z',
  secrets: {
    tokenCache: { name: `reg-${registrationId}-token-cache`, version: '4f1c2d3e5a6b47c8' },
    applicationSecret: { name: `reg-${registrationId}-pa-secret`, version: '8e7d6c5b4a3f21e0' },
  },
  applicationSecretExpiresAt: '2026-03-01T00:00:00.000Z',
  health: {
    lastRefreshAt: '2025-03-03T03:00:01.000Z',
    lastAttemptAt: '2025-03-03T03:00:01.000Z',
    refreshTokenExpiresAt: '2025-06-01T03:00:01.000Z',
    reconsentRequired: false,
    secretExpiresSoon: false,
  },
};

export const reconsentStarted: ConsentLinkView & { reconsentId: string; statusUrl: string } = {
  ...consentLink,
  reconsentId: '7d3e9f1a-2b4c-4d5e-8f60-718293a4b5c6',
  statusUrl: '/api/payer-account',
};

export const secretUpdated = {
  applicationSecret: { name: `reg-${registrationId}-pa-secret`, version: '1a2b3c4d5e6f7081' },
  expiresAt: '2027-03-01T00:00:00.000Z',
};

export const registrationsPage: RegistrationsPage = {
  items: [
    {
      registrationId,
      runtimeStatus: 'Running',
      progress: { step: 'partnerApiConsent', status: 'awaitingConsent' },
      createdTime: '2025-03-01T09:00:00.000Z',
      lastUpdatedTime: '2025-03-01T09:05:00.000Z',
    },
  ],
  continuationToken: 'eyJuZXh0UGFydGl0aW9uS2V5IjoiMSJ9',
};

export const keepAliveRoundsPage: KeepAliveRoundsPage = {
  items: [
    {
      roundId: 'keep-alive-2025-03-03T03:00:00.000Z',
      runtimeStatus: 'Completed',
      startedAt: '2025-03-03T03:00:00.412Z',
      finishedAt: '2025-03-03T03:06:12.090Z',
      pagesDone: 100,
      accounts: 10000,
      counts: { refreshed: 9987, reconsentRequired: 9, failed: 1, transient: 3, skipped: 0, throttled: 12, error: 0 },
      window: 16,
      createdTime: '2025-03-03T03:00:00.000Z',
      lastUpdatedTime: '2025-03-03T03:06:12.000Z',
    },
  ],
};

export const timeline: RegistrationTimeline = {
  registrationId,
  organizationId: tenantId,
  runtimeStatus: 'Running',
  createdTime: '2025-03-01T09:00:00.000Z',
  lastUpdatedTime: '2025-03-01T09:01:02.000Z',
  steps: [
    { step: 'basicDetails', startedAt: '2025-03-01T09:00:00.000Z', completedAt: '2025-03-01T09:00:00.000Z' },
    {
      step: 'partnerCenterCredentials',
      startedAt: '2025-03-01T09:00:00.000Z',
      completedAt: '2025-03-01T09:01:02.000Z',
      submissions: 2,
    },
    { step: 'partnerApiConsent', startedAt: '2025-03-01T09:01:02.000Z', submissions: 0 },
  ],
  statusTransitions: [
    {
      at: '2025-03-01T09:00:00.000Z',
      step: 'partnerCenterCredentials',
      status: 'awaitingPartnerCenterCredentials',
      cause: 'started',
    },
    {
      at: '2025-03-01T09:00:40.000Z',
      step: 'partnerCenterCredentials',
      status: 'verifyingPartnerCenterCredentials',
      cause: 'event:PartnerCenterCredentialsSubmitted',
    },
    {
      at: '2025-03-01T09:00:40.000Z',
      step: 'partnerCenterCredentials',
      status: 'awaitingPartnerCenterCredentials',
      errorCode: 'secret_invalid',
      cause: 'event:PartnerCenterCredentialsSubmitted',
    },
    {
      at: '2025-03-01T09:01:00.000Z',
      step: 'partnerCenterCredentials',
      status: 'verifyingPartnerCenterCredentials',
      cause: 'event:PartnerCenterCredentialsSubmitted',
    },
    {
      at: '2025-03-01T09:01:02.000Z',
      step: 'partnerApiConsent',
      status: 'awaitingPartnerApiCredentials',
      cause: 'activity:VerifyPartnerCenterCredentials',
    },
  ],
  progress: {
    step: 'partnerApiConsent',
    status: 'awaitingPartnerApiCredentials',
    verified: { tenantId, companyName: 'Contoso Ltd' },
  },
  outcome: { runtimeStatus: 'Running', status: 'awaitingPartnerApiCredentials' },
  entries: [
    { kind: 'started', at: '2025-03-01T09:00:00.000Z', name: 'RegistrationOrchestrator' },
    {
      kind: 'event',
      at: '2025-03-01T09:00:40.000Z',
      name: 'PartnerCenterCredentialsSubmitted',
      verdict: { ok: false, error: { code: 'secret_invalid', field: 'secret', aadsts: 7000215 } },
    },
    { kind: 'event', at: '2025-03-01T09:01:00.000Z', name: 'PartnerCenterCredentialsSubmitted' },
    {
      kind: 'activity',
      at: '2025-03-01T09:01:00.100Z',
      name: 'VerifyPartnerCenterCredentials',
      scheduledAt: '2025-03-01T09:01:00.100Z',
      completedAt: '2025-03-01T09:01:02.000Z',
      durationMs: 1900,
      attempts: 2,
      outcome: 'completed',
      failures: [
        {
          at: '2025-03-01T09:01:00.600Z',
          reason: "Activity function 'VerifyPartnerCenterCredentials' failed: Entra ID answered 503",
        },
      ],
      result: { ok: true, partner: { tenantId } },
    },
  ],
};

export const auditTrail: { items: AuditEntry[] } = {
  items: [
    {
      organizationId: tenantId,
      at: '2025-03-03T03:00:02.000Z',
      actor: { type: 'system', id: 'TokenKeepAlive' },
      action: 'payerAccount.token.refreshed',
      registrationId,
      details: { outcome: 'refreshed' },
    },
    {
      organizationId: tenantId,
      at: '2025-03-01T09:20:00.000Z',
      actor: { type: 'system', id: 'RedeemConsent' },
      action: 'payerAccount.registered',
      registrationId,
      details: { tenantId, mpnId: '1234567' },
    },
  ],
};

export const caller: CallerView = {
  organizationId: '22222222-2222-4222-8222-222222222222',
  canManage: true,
  canOperate: false,
  manageRole: 'PayerAccount.Manage',
};

export const connectionCheck: ConnectionCheck = {
  checkedAt: '2025-03-10T14:00:00.000Z',
  verdict: 'failed',
  reconsentRequired: false,
  paths: [
    {
      path: 'refreshToken',
      outcome: 'ok',
      at: '2025-03-10T14:00:00.900Z',
      detail: 'Entra ID redeemed the refresh token; the new one is kept.',
    },
    {
      path: 'priceSheet',
      outcome: 'ok',
      at: '2025-03-10T14:00:02.100Z',
      detail: 'The US Azure price sheet answered; its first 3 rows were read.',
    },
    {
      path: 'billing',
      outcome: 'failed',
      at: '2025-03-10T14:00:01.300Z',
      error: {
        code: 'admin_without_partner_role',
        message:
          'The admin who consented may not read billing data in Partner Center: give them the Admin agent or Billing admin role.',
        partnerCenterCode: 900150,
        correlationId: '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c',
      },
    },
    {
      path: 'mpnProfile',
      outcome: 'ok',
      at: '2025-03-10T14:00:01.200Z',
      detail: 'Partner Center answered the MPN ID 1234567.',
    },
  ],
};

const bundle: Omit<SupportBundle, 'text'> = {
  generatedAt: '2025-03-10T14:05:00.000Z',
  organizationId: tenantId,
  state: 'registered',
  accountName: 'Contoso CSP',
  registrationId,
  tenantId,
  applicationId,
  mpnId: '1234567',
  companyName: 'Contoso Ltd',
  country: 'US',
  consentedBy: 'admin@contoso.onmicrosoft.com',
  consentedAt: '2025-03-01T09:20:00.000Z',
  health: {
    lastRefreshAt: '2025-03-10T14:00:00.900Z',
    lastAttemptAt: '2025-03-10T14:00:00.900Z',
    refreshTokenExpiresAt: '2025-06-08T14:00:00.900Z',
    reconsentRequired: false,
  },
  lastConnectionCheck: connectionCheck,
  microsoftErrors: [
    {
      at: '2025-03-10T14:00:01.300Z',
      source: 'connectionCheck.billing',
      code: 'admin_without_partner_role',
      partnerCenterCode: 900150,
      correlationId: '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c',
      help: ERROR_HELP.admin_without_partner_role,
    },
    {
      at: '2025-03-01T09:01:02.000Z',
      source: 'registration.partnerCenterCredentials.refused',
      code: 'secret_invalid',
      aadsts: 7000215,
      correlationId: '0e1d2c3b-4a59-4687-9f0e-1d2c3b4a5968',
      traceId: '8a7b6c5d-4e3f-4a2b-9c8d-7e6f5a4b3c2d',
      help: ERROR_HELP.secret_invalid,
    },
  ],
  timelines: [
    {
      kind: 'registration',
      registrationId,
      runtimeStatus: 'Completed',
      createdTime: '2025-03-01T09:00:00.000Z',
      lastUpdatedTime: '2025-03-01T09:20:00.000Z',
      steps: timeline.steps,
      statusTransitions: timeline.statusTransitions,
      outcome: { runtimeStatus: 'Completed', at: '2025-03-01T09:20:00.000Z', status: 'registered' },
      entries: timeline.entries.map((entry) => {
        if (entry.kind !== 'activity') return entry;
        const { result: _result, ...shown } = entry;
        return shown;
      }),
    },
  ],
};

export const supportBundle: SupportBundle = { ...bundle, text: supportText(bundle) };

export const preflightReport: PreflightReport = {
  checkedAt: '2026-12-05T10:15:00Z',
  checks: [
    {
      id: 'partnerCenterAppAccess',
      outcome: 'pass',
      detail: "Partner Center accepted your app's own token in step 2: it is registered under App management.",
      page: 'https://learn.microsoft.com/en-us/partner-center/developer/set-up-api-access-in-partner-center',
    },
    {
      id: 'partnerApiServicePrincipal',
      outcome: 'fail',
      detail:
        'Your tenant has no service principal for the Microsoft Partner API (4990cffe-04e8-4e8b-808a-1175604b879f) (AADSTS500011), so the admin cannot consent to it.',
      fix: 'Create it once, signed in as an admin of your tenant: New-MgServicePrincipal -AppId 4990cffe-04e8-4e8b-808a-1175604b879f (Microsoft Graph PowerShell), then run the checks again.',
      page: 'https://learn.microsoft.com/en-us/partner-center/developer/secure-sample-application',
      aadsts: 500011,
      traceId: '0b5b9a1e-6d1c-4f6e-9d7a-3c2b1a0f9e8d',
    },
  ],
};
