import { z } from 'zod';
import type { ConsentLinkView } from '../domain/consent';
import type { StagedSecret, VerifiedPartner } from '../domain/partner-center-credentials';
import type { CallerView, PayerAccountView } from '../domain/payer-account';
import type { RegistrationView } from '../domain/registration';
import { RegistrationStatus, RegistrationStep } from '../domain/registration';
import { credentialError, errorCode, help } from './problem-schema';
import { apiComponents, describes, guid, timestamp } from './schema-support';
import { connectionCheck } from './support-schemas';

/** Success bodies of the frontend API, output side; the handlers answer with exactly these types. */

export const verifiedPartner = describes<VerifiedPartner>()(
  z.object({
    tenantId: guid.describe("The partner's Directory (tenant) ID."),
    applicationId: guid.describe("The Partner Center application's (client) ID."),
    domain: z.string().describe('As entered in step 2: a domain name or the tenant ID.'),
    companyName: z.string().describe("From the partner's legal business profile in Partner Center."),
    country: z.string(),
  }),
)
  .describe('What step 2 verified with Entra ID and Partner Center.')
  .register(apiComponents, { id: 'VerifiedPartner' });

const handMade = z
  .object({
    consentUrl: z
      .url()
      .describe(
        "The sign-in address to build for the partner's own redirect URI (v2 endpoint of the partner tenant, no state or PKCE); the address it lands on is pasted to …/authorization-code.",
      ),
    redirectUri: z.string().describe('The redirect URI it names, as registered under Web.'),
  })
  .describe("Only when the link's redirect URI is the partner's own (not this product's callback).");

const consentInForce = z.object({
  linkId: guid,
  expiresAt: timestamp,
  emailedTo: z.email().optional(),
  redirectUri: z
    .url()
    .describe(
      "Where Microsoft sends the admin back: the product's callback, or https://localhost (the person pastes the address).",
    ),
  consentLink: z
    .url()
    .describe('Only while awaiting consent: the link to send to the admin (signed again on every read).')
    .optional(),
  handMade: handMade.optional(),
});

export const registrationView = describes<RegistrationView>()(
  z.object({
    registrationId: guid,
    accountName: z.string().optional(),
    step: z.enum(RegistrationStep),
    status: z.enum({ ...RegistrationStatus, Starting: 'starting' }),
    createdAt: timestamp,
    expiresAt: timestamp.describe('When the registration ends unless completed.').optional(),
    verified: verifiedPartner.optional(),
    error: credentialError
      .describe('Why the last submission was refused; the registration stays at its step.')
      .optional(),
    consent: consentInForce.describe('Step 3: the consent link in force.').optional(),
  }),
)
  .describe("The organization's registration in progress.")
  .register(apiComponents, { id: 'Registration' });

export const credentialsVerified = z
  .object({
    registrationId: guid,
    step: z.literal(RegistrationStep.PartnerApiConsent),
    status: z.literal(RegistrationStatus.AwaitingPartnerApiCredentials),
    verified: verifiedPartner,
  })
  .describe('Step 2 passed: the registration moved to step 3.')
  .register(apiComponents, { id: 'CredentialsVerified' });

const statusUrl = z.string().describe('Where to follow the registration: GET it until its status changes.');

export const verificationPending = z
  .object({
    registrationId: guid,
    submissionId: guid,
    status: z.literal(RegistrationStatus.VerifyingPartnerCenterCredentials),
    statusUrl,
  })
  .describe('Still verifying: the result appears on the registration.')
  .register(apiComponents, { id: 'VerificationPending' });

export const consentLinkView = describes<ConsentLinkView>()(
  z.object({
    consentLink: z.url().describe("For an admin with the Admin agent role: opens Microsoft's consent page."),
    expiresAt: timestamp,
    emailedTo: z.email().describe('The admin it was e-mailed to, when an address was given.').optional(),
    handMade: handMade.optional(),
  }),
)
  .describe('A consent link; a newer one replaces it.')
  .register(apiComponents, { id: 'ConsentLink' });

export const consentReceived = z
  .object({ message: z.string(), statusUrl })
  .describe('The pasted consent answer was accepted; the registration goes on.')
  .register(apiComponents, { id: 'ConsentReceived' });

const secretReference = describes<StagedSecret>()(z.object({ name: z.string(), version: z.string() }))
  .describe('Where a secret is kept in Key Vault: its name and version, never its value.')
  .register(apiComponents, { id: 'SecretReference' });

const accountHealth = z
  .object({
    lastRefreshAt: timestamp
      .describe('The last successful refresh of the delegated token (which rotated the refresh token).')
      .optional(),
    lastAttemptAt: timestamp.describe("The keep-alive's last attempt, successful or not.").optional(),
    refreshTokenExpiresAt: timestamp.describe('An estimate: 90 days after the refresh token was last used.').optional(),
    lastError: z
      .object({
        code: errorCode,
        message: z.string(),
        help: help.optional(),
        aadsts: z.number().int().optional(),
        traceId: z.string().optional(),
        correlationId: z.string().optional(),
        transient: z
          .boolean()
          .describe('Microsoft or Key Vault could not be reached; the next round tries again.')
          .optional(),
      })
      .describe('Why the last attempt failed.')
      .optional(),
    reconsentRequired: z
      .boolean()
      .describe("Only an admin's new consent brings the account back: POST /api/payer-account/reconsent."),
    secretExpiresSoon: z
      .boolean()
      .describe('The application secret expires within 30 days: PUT /api/payer-account/secret.'),
    secretExpiryWarnedFor: timestamp.describe('The expiry date the admin was last warned about by e-mail.').optional(),
  })
  .describe("How the account's delegated token and secret fare, as the weekly keep-alive last saw them.")
  .register(apiComponents, { id: 'AccountHealth' });

const reconsentView = z
  .object({
    reconsentId: guid,
    status: z.enum(RegistrationStatus),
    expiresAt: timestamp.describe('When the re-consent ends unless the admin consents.'),
    error: credentialError.describe('Why the last consent was refused.').optional(),
    consent: consentInForce.describe('The consent link in force.').optional(),
  })
  .describe('A re-consent in progress: step 3 again; the account keeps its token until it succeeds.')
  .register(apiComponents, { id: 'Reconsent' });

export const payerAccountView = describes<PayerAccountView>()(
  z.object({
    accountName: z.string().optional(),
    registrationId: guid,
    registeredAt: timestamp,
    tenantId: guid,
    applicationId: guid,
    mpnId: z.string().describe("The partner's MPN ID (Partner ID)."),
    companyName: z.string(),
    country: z.string(),
    consentedBy: z.string().describe('The admin who consented.'),
    consentedAt: timestamp,
    applicationSecretExpiresAt: timestamp
      .describe('When the application secret expires, if the person said.')
      .optional(),
    adminEmail: z
      .email()
      .describe('Where consent links were e-mailed; the admin asked again when the token dies.')
      .optional(),
    secrets: z.object({ tokenCache: secretReference, applicationSecret: secretReference }),
    health: accountHealth,
    lastConnectionCheck: connectionCheck
      .describe('The last connection check (POST /api/payer-account/connection-check), if any was run.')
      .optional(),
    reconsent: reconsentView.optional(),
  }),
)
  .describe("The organization's registered Azure CSP payer account.")
  .register(apiComponents, { id: 'PayerAccount' });

export const reconsentStarted = consentLinkView
  .extend({ reconsentId: guid, statusUrl: z.string().describe('Where to follow it: GET /api/payer-account.') })
  .describe('A consent link for the re-consent (a waiting re-consent gets a new link).')
  .register(apiComponents, { id: 'ReconsentStarted' });

export const secretUpdated = z
  .object({ applicationSecret: secretReference, expiresAt: timestamp.optional() })
  .describe('The new secret is verified and in use; the old version is disabled.')
  .register(apiComponents, { id: 'SecretUpdated' });

export type CredentialsVerified = z.output<typeof credentialsVerified>;
export type VerificationPending = z.output<typeof verificationPending>;
export type ConsentReceived = z.output<typeof consentReceived>;

export const callerView = describes<CallerView>()(
  z.object({
    organizationId: z
      .string()
      .describe('The organization the token signs in to (the configured claim, `tid` by default).'),
    canManage: z
      .boolean()
      .describe('Holds the write role: may register, replace the secret, ask for re-consent and deregister.'),
    canOperate: z
      .boolean()
      .describe("Holds the ops role: may read every organization's registrations and audit trail."),
    manageRole: z.string().describe('The app role that grants canManage: what to ask an administrator for.'),
  }),
)
  .describe('The signed-in caller and what it may do.')
  .register(apiComponents, { id: 'Caller' });
