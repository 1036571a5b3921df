import { ErrorCode } from '../domain/error-codes';
import * as ex from './api-examples';
import { auditPage, keepAliveRoundsPage, registrationsPage, registrationTimeline } from './ops-response-schemas';
import type { ApiOperation, Reply, ReplyLink } from './api-operation';
import {
  callerView,
  consentLinkView,
  consentReceived,
  credentialsVerified,
  payerAccountView,
  reconsentStarted,
  registrationView,
  secretUpdated,
  verificationPending,
} from './response-schemas';
import {
  applicationSecretBody,
  auditQuery,
  authorizationCodeBody,
  consentCallbackQuery,
  consentStartQuery,
  instanceIdParam,
  opsKeepAliveRoundsQuery,
  opsRegistrationsQuery,
  organizationIdParam,
  partnerApiCredentialsBody,
  partnerCenterCredentialsBody,
  reconsentBody,
  startRegistrationBody,
} from './schemas';
import { preflightReport } from './preflight-schemas';
import { connectionCheck, supportBundle } from './support-schemas';

/** Every HTTP function in functions/, as the OpenAPI document describes it: adding an endpoint is one entry here. */

const C = ErrorCode;
const INVALID_BODY = [
  C.InvalidField,
  C.FieldTooLong,
  C.UnknownField,
  C.MalformedJson,
  C.UnsupportedMediaType,
  C.BodyTooLarge,
];
const INVALID_QUERY = [C.InvalidField, C.FieldTooLong, C.UnknownField];
const STEP_2_REFUSALS = [
  C.SecretInvalid,
  C.SecretExpired,
  C.ApplicationNotFound,
  C.TenantNotFound,
  C.ApplicationNotMultiTenant,
  C.ApplicationIsPublicClient,
  C.ConsentRequired,
  C.AccessBlocked,
  C.CredentialsRejected,
  C.PartnerCenterAppNotEnabled,
  C.NotACspPartner,
  C.PartnerCenterRejected,
  C.SecretNoLongerAvailable,
];
const REGISTRATION = 'payer-account/registration';
const FOLLOW_REGISTRATION: Record<string, ReplyLink> = {
  registration: { operationId: 'getRegistration', description: 'Follow the registration.' },
};
/** Ops read the timeline of the orchestration whose ID is at this place of the answer. */
const historyOf = (pointer: string): Record<string, ReplyLink> => ({
  history: {
    operationId: 'getRegistrationHistory',
    description: "Ops: this registration's timeline.",
    parameters: { instanceId: `$response.body#${pointer}` },
  },
});
const STATUS_LINK = { Location: 'The registration to follow: `/api/payer-account/registration`.' };
const html = (description: string): Reply => ({
  description,
  other: { mediaType: 'text/html', schema: { type: 'string' } },
});
const ANONYMOUS_PAGES = (what: string) => ({
  400: html(`A page saying the ${what} is not valid (incomplete, altered or expired).`),
  409: html('A page saying the registration no longer waits for this consent.'),
  410: html('A page saying the link was replaced by a newer one, or expired.'),
});

/** The manual path of a consent (registration or re-consent): the pasted address, or the code alone. */
function pastedAddress<Id extends string>(o: {
  route: string;
  operationId: Id;
  tag: string;
  what: string;
  flow: string;
  statusUrl: string;
  notFound: ErrorCode;
}): ApiOperation & {
  operationId: Id;
  access: 'write';
  body: { schema: typeof authorizationCodeBody; example: unknown };
} {
  return {
    method: 'post',
    route: o.route,
    operationId: o.operationId,
    tag: o.tag,
    access: 'write',
    summary: `${o.what}, by hand: paste the address the browser showed after consent (or the code)`,
    body: {
      schema: authorizationCodeBody,
      example: {
        url: 'https://localhost/?code=0.AX0AexampleCode&state=eyJhbGciOiJFUzI1NiJ9.eyJub25jZSI6IjEifQ.c2ln&session_state=5f0c1d2e',
      },
    },
    replies: {
      202: {
        description: `Received: the ${o.flow} redeems the code, or records that the admin declined ("Consent declined") or that consent did not complete.`,
        json: consentReceived,
        example: { message: 'Consent received', statusUrl: o.statusUrl },
      },
    },
    problems: {
      400: INVALID_BODY,
      404: [o.notFound],
      409: [C.RegistrationNotAtThisStep],
      410: [C.ConsentLinkReplaced, C.ConsentLinkExpired],
    },
  };
}

export const API_OPERATIONS = [
  {
    method: 'get',
    route: 'me',
    operationId: 'getCaller',
    tag: 'Caller',
    access: 'signedIn',
    summary: 'Who you are signed in as here, and whether you may change the payer account',
    description: 'Frontends show the actions the caller may take: writes need the app role named in manageRole.',
    replies: { 200: { description: 'The caller.', json: callerView, example: ex.caller } },
  },
  {
    method: 'post',
    route: REGISTRATION,
    operationId: 'startRegistration',
    tag: 'Registration',
    access: 'write',
    summary: "Step 1: start the organization's registration",
    description: 'One payer account per organization: 409 while one is registered or a registration is in progress.',
    body: { schema: startRegistrationBody, optional: true, example: { accountName: 'Contoso CSP' } },
    replies: {
      201: {
        description: 'Started; the registration moves to step 2 within moments.',
        json: registrationView,
        example: ex.started,
        headers: STATUS_LINK,
        links: { ...FOLLOW_REGISTRATION, ...historyOf('/registrationId') },
      },
    },
    problems: { 400: INVALID_BODY, 409: [C.PayerAccountExists, C.RegistrationInProgress] },
  },
  {
    method: 'get',
    route: REGISTRATION,
    operationId: 'getRegistration',
    tag: 'Registration',
    access: 'signedIn',
    summary: 'The registration in progress: step, status, verified details, the last error, the consent link',
    replies: {
      200: {
        description: 'The registration.',
        json: registrationView,
        example: ex.awaitingConsent,
        links: historyOf('/registrationId'),
      },
    },
    problems: { 404: [C.RegistrationNotFound] },
  },
  {
    method: 'post',
    route: `${REGISTRATION}/preflight`,
    operationId: 'runPreflight',
    tag: 'Registration',
    access: 'write',
    summary: 'Step 3: check the setup before the admin consents',
    description:
      "What an app-only token with step 2's app and secret can prove: Partner Center's App management, and that the Microsoft Partner and Microsoft Partner Center APIs have their service principals in the partner tenant (AADSTS500011 when not). The app registration's redirect URIs and delegated permissions cannot be read app-only: those checks answer cannotTell with what to look at. Each check names Microsoft's page.",
    replies: { 200: { description: 'The checks.', json: preflightReport, example: ex.preflightReport } },
    problems: {
      404: [C.RegistrationNotFound],
      409: [C.RegistrationNotAtThisStep],
      422: [C.SecretNoLongerAvailable],
      503: [C.SecretStoreUnavailable, C.IdentityProviderUnavailable],
    },
  },
  {
    method: 'delete',
    route: REGISTRATION,
    operationId: 'cancelRegistration',
    tag: 'Registration',
    access: 'write',
    summary: 'Cancel the registration in progress',
    description: 'Its staged secrets are deleted; the organization may start again at once.',
    replies: { 204: { description: 'Cancelled.' } },
    problems: { 404: [C.RegistrationNotFound] },
  },
  {
    method: 'put',
    route: `${REGISTRATION}/partner-center-credentials`,
    operationId: 'submitPartnerCenterCredentials',
    tag: 'Registration',
    access: 'write',
    summary: 'Step 2: Partner Center credentials, verified at once',
    description:
      'The secret goes to Key Vault; Entra ID and Partner Center verify the credentials. Answers with the result, or 202 when verification takes longer than a few seconds.',
    body: {
      schema: partnerCenterCredentialsBody,
      example: {
        applicationId: ex.applicationId,
        domain: 'contoso.onmicrosoft.com',
        secret: "the secret's Value from Certificates & secrets",
      },
    },
    replies: {
      200: {
        description: 'Verified: the registration is at step 3.',
        json: credentialsVerified,
        example: ex.verified,
        links: {
          step3: {
            operationId: 'requestConsentLink',
            description: 'Step 3: confirm `verified.tenantId` and `verified.applicationId` in its body.',
          },
        },
      },
      202: {
        description: 'Still verifying: follow the registration.',
        json: verificationPending,
        example: ex.pending,
        headers: { ...STATUS_LINK, 'Retry-After': 'Seconds to wait before looking.' },
        links: FOLLOW_REGISTRATION,
      },
    },
    problems: {
      400: INVALID_BODY,
      404: [C.RegistrationNotFound],
      409: [C.RegistrationNotAtThisStep],
      422: STEP_2_REFUSALS,
      503: [C.SecretStoreUnavailable, C.IdentityProviderUnavailable, C.PartnerCenterUnavailable],
    },
  },
  {
    method: 'put',
    route: `${REGISTRATION}/partner-api-credentials`,
    operationId: 'requestConsentLink',
    tag: 'Registration',
    access: 'write',
    summary: 'Step 3: confirm the verified IDs and get a consent link',
    description:
      "E-mailed to the admin when `adminEmail` is given: an address at the caller's domain or the partner tenant's (or a subdomain), else 422 `admin_email_not_allowed` (copy the link instead); at most 5 e-mailed links per organization per hour: 429 with `Retry-After`. A new link replaces the previous one.",
    body: {
      schema: partnerApiCredentialsBody,
      example: {
        tenantId: ex.tenantId,
        applicationId: ex.applicationId,
        mpnId: '1234567',
        adminEmail: 'admin@contoso.onmicrosoft.com',
      },
    },
    replies: { 200: { description: 'The consent link.', json: consentLinkView, example: ex.consentLink } },
    problems: {
      400: INVALID_BODY,
      404: [C.RegistrationNotFound],
      409: [C.RegistrationNotAtThisStep],
      422: [C.ConfirmationMismatch, C.AdminEmailNotAllowed],
      429: [C.TooManyConsentEmails],
      503: [C.SecretStoreUnavailable],
    },
  },
  pastedAddress({
    route: `${REGISTRATION}/authorization-code`,
    operationId: 'submitAuthorizationCode',
    tag: 'Registration',
    what: 'Step 3',
    flow: 'registration',
    statusUrl: '/api/payer-account/registration',
    notFound: C.RegistrationNotFound,
  }),
  {
    method: 'get',
    route: 'consent/start',
    operationId: 'startConsent',
    tag: 'Consent',
    access: 'anonymous',
    summary: "The consent link: redirects the admin to Microsoft's consent page",
    description: 'Each visit creates a fresh `state` and PKCE pair. Answers people with plain pages.',
    query: consentStartQuery,
    replies: {
      302: {
        description: "To the partner tenant's authorize endpoint.",
        headers: { Location: "Microsoft's authorize URL." },
      },
      ...ANONYMOUS_PAGES('link'),
    },
  },
  {
    method: 'get',
    route: 'consent/callback',
    operationId: 'consentCallback',
    tag: 'Consent',
    access: 'anonymous',
    summary: "The redirect URI partners register: Microsoft's answer to the consent",
    description:
      'Checks the signed, single-use `state`, keeps the code in Key Vault and continues the registration. Idempotent on refresh.',
    query: consentCallbackQuery,
    replies: {
      200: html('A page saying the consent was received, declined or did not complete.'),
      ...ANONYMOUS_PAGES('sign-in answer'),
    },
  },
  {
    method: 'get',
    route: 'payer-account',
    operationId: 'getPayerAccount',
    tag: 'Payer account',
    access: 'signedIn',
    summary: 'The registered payer account (never a secret)',
    replies: {
      200: {
        description: 'The payer account.',
        json: payerAccountView,
        example: ex.payerAccount,
        links: historyOf('/registrationId'),
      },
    },
    problems: { 404: [C.PayerAccountNotFound] },
  },
  {
    method: 'delete',
    route: 'payer-account',
    operationId: 'deregisterPayerAccount',
    tag: 'Payer account',
    access: 'write',
    summary: 'Deregister: the account and its Key Vault secrets go',
    description: 'The organization may register again afterwards. Calling again after a failure finishes the job.',
    replies: { 204: { description: 'Deregistered.' } },
    problems: {
      404: [C.PayerAccountNotFound],
      409: [C.RegistrationInProgress, C.ConcurrentChange],
      503: [C.SecretStoreUnavailable],
    },
  },
  {
    method: 'post',
    route: 'payer-account/reconsent',
    operationId: 'startReconsent',
    tag: 'Payer account',
    access: 'write',
    summary: 'Step 3 again for the registered account: a consent link',
    description:
      'When its token was revoked or expired (health.reconsentRequired), without registering again. The account keeps its current token until the new consent is redeemed. While a re-consent waits, asking again issues a new link for it.',
    body: { schema: reconsentBody, optional: true, example: { adminEmail: 'admin@contoso.onmicrosoft.com' } },
    replies: {
      202: {
        description: "The re-consent's link; follow it on the payer account.",
        json: reconsentStarted,
        example: ex.reconsentStarted,
        headers: { Location: '`/api/payer-account`' },
        links: {
          payerAccount: { operationId: 'getPayerAccount', description: 'Follow the re-consent on the payer account.' },
          ...historyOf('/reconsentId'),
        },
      },
    },
    problems: {
      400: INVALID_BODY,
      404: [C.PayerAccountNotFound],
      409: [C.RegistrationNotAtThisStep, C.ConcurrentChange],
      422: [C.AdminEmailNotAllowed],
      429: [C.TooManyConsentEmails],
      503: [C.SecretStoreUnavailable],
    },
  },
  pastedAddress({
    route: 'payer-account/reconsent/authorization-code',
    operationId: 'submitReconsentAuthorizationCode',
    tag: 'Payer account',
    what: 'Re-consent',
    flow: 're-consent',
    statusUrl: '/api/payer-account',
    notFound: C.ReconsentNotFound,
  }),
  {
    method: 'put',
    route: 'payer-account/secret',
    operationId: 'updateApplicationSecret',
    tag: 'Payer account',
    access: 'write',
    summary: 'Replace the application secret (verified first), with its expiry date',
    description:
      'Verified with Entra ID and Partner Center as in step 2, then swapped in; the old version is disabled. A refused secret changes nothing. With `expiresAt`, the admin is warned 30 days ahead.',
    body: {
      schema: applicationSecretBody,
      example: { secret: "the new secret's Value from Certificates & secrets", expiresAt: '2027-03-01' },
    },
    replies: { 200: { description: 'Replaced.', json: secretUpdated, example: ex.secretUpdated } },
    problems: {
      400: INVALID_BODY,
      404: [C.PayerAccountNotFound],
      409: [C.ConcurrentChange],
      422: STEP_2_REFUSALS,
      503: [C.SecretStoreUnavailable, C.IdentityProviderUnavailable, C.PartnerCenterUnavailable],
    },
  },
  {
    method: 'post',
    route: 'payer-account/connection-check',
    operationId: 'checkConnection',
    tag: 'Payer account',
    access: 'write',
    summary: 'Check the connection now: refresh token, price sheet, billing, MPN profile',
    description:
      "Redeems the refresh token (rotated and kept as the weekly keep-alive does; a dead one sets health.reconsentRequired), then with the fresh tokens reads the first rows of the account's market's price sheet, the invoices and the MPN profile. Answers each path's outcome with Microsoft's codes and IDs, and keeps the check on the account (`lastConnectionCheck`). At most CONNECTION_CHECKS_PER_HOUR (default 6) per organization per hour: 429 with `Retry-After`.",
    replies: {
      200: {
        description: 'Checked: the verdict and each path, whatever their outcome.',
        json: connectionCheck,
        example: ex.connectionCheck,
        links: {
          payerAccount: { operationId: 'getPayerAccount', description: 'The account, with this check as its last.' },
          supportBundle: { operationId: 'getSupportBundle', description: 'The support details, with this check.' },
        },
      },
    },
    problems: { 404: [C.PayerAccountNotFound], 429: [C.TooManyConnectionChecks] },
  },
  {
    method: 'get',
    route: 'payer-account/support-bundle',
    operationId: 'getSupportBundle',
    tag: 'Payer account',
    access: 'signedIn',
    summary: 'Support details for a Microsoft support ticket (redacted; JSON and plain text)',
    description:
      "The registration's timeline as ops read it (without payloads), the last connection check, every error seen with Microsoft's codes, trace and correlation IDs and times, and the app, tenant and MPN IDs; `text` is all of it to paste. Never a secret, code or token. Also while a registration is in progress.",
    replies: { 200: { description: 'The support details.', json: supportBundle, example: ex.supportBundle } },
    problems: { 404: [C.PayerAccountNotFound], 503: [C.ServiceUnavailable] },
  },
  {
    method: 'get',
    route: 'payer-account/audit',
    operationId: 'getAuditTrail',
    tag: 'Payer account',
    access: 'signedIn',
    summary: "Your organization's audit trail: who changed what and when, newest first",
    query: auditQuery,
    replies: { 200: { description: 'The newest entries.', json: auditPage, example: ex.auditTrail } },
    problems: { 400: INVALID_QUERY },
  },
  {
    method: 'get',
    route: 'ops/organizations/{organizationId}/audit',
    operationId: 'getOrganizationAuditTrail',
    tag: 'Ops',
    access: 'ops',
    summary: "Any organization's audit trail, newest first",
    params: { organizationId: organizationIdParam },
    query: auditQuery,
    replies: { 200: { description: 'The newest entries.', json: auditPage, example: ex.auditTrail } },
    problems: { 400: INVALID_QUERY },
  },
  {
    method: 'get',
    route: 'ops/registrations',
    operationId: 'listRegistrations',
    tag: 'Ops',
    access: 'ops',
    summary: 'Registration orchestrations, page by page',
    query: opsRegistrationsQuery,
    replies: {
      200: {
        description: 'One page.',
        json: registrationsPage,
        example: ex.registrationsPage,
        links: {
          nextPage: {
            operationId: 'listRegistrations',
            description: 'The next page, with the same filters; none after the last page (no `continuationToken`).',
            parameters: {
              status: '$request.query.status',
              createdFrom: '$request.query.createdFrom',
              createdTo: '$request.query.createdTo',
              pageSize: '$request.query.pageSize',
              continuationToken: '$response.body#/continuationToken',
            },
          },
          ...historyOf('/items/0/registrationId'),
        },
      },
    },
    problems: { 400: INVALID_QUERY, 503: [C.ServiceUnavailable] },
  },
  {
    method: 'get',
    route: 'ops/registrations/{instanceId}/history',
    operationId: 'getRegistrationHistory',
    tag: 'Ops',
    access: 'ops',
    summary: "One registration's redacted timeline",
    params: { instanceId: instanceIdParam },
    replies: { 200: { description: 'The timeline.', json: registrationTimeline, example: ex.timeline } },
    problems: { 400: [C.InvalidField], 404: [C.InstanceNotFound], 503: [C.ServiceUnavailable] },
  },
  {
    method: 'get',
    route: 'ops/keep-alive-rounds',
    operationId: 'listKeepAliveRounds',
    tag: 'Ops',
    access: 'ops',
    summary: 'Token keep-alive rounds, page by page, with their counts',
    description:
      "Each week's round (TOKEN_KEEP_ALIVE_SCHEDULE) and any run by hand: its progress while it runs (pages and accounts done, each outcome counted), its totals once it ended.",
    query: opsKeepAliveRoundsQuery,
    replies: {
      200: {
        description: 'One page.',
        json: keepAliveRoundsPage,
        example: ex.keepAliveRoundsPage,
        links: {
          nextPage: {
            operationId: 'listKeepAliveRounds',
            description: 'The next page; none after the last page (no `continuationToken`).',
            parameters: {
              pageSize: '$request.query.pageSize',
              continuationToken: '$response.body#/continuationToken',
            },
          },
        },
      },
    },
    problems: { 400: INVALID_QUERY, 503: [C.ServiceUnavailable] },
  },
  {
    method: 'get',
    route: 'openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'Meta',
    access: 'anonymous',
    summary: 'This document',
    replies: {
      200: {
        description: 'The OpenAPI 3.1 document.',
        other: { mediaType: 'application/json', schema: { type: 'object' } },
        headers: { ETag: "The document's version." },
      },
      304: { description: 'Not modified since the ETag given in If-None-Match.' },
    },
  },
] as const satisfies readonly ApiOperation[];
