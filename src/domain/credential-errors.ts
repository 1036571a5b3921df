import type { FieldError } from './error-codes';
import { ErrorCode } from './error-codes';

/** A field error that came from Microsoft, with what support needs to trace it. */
export interface CredentialError extends FieldError {
  /** The AADSTS number Entra ID answered, if it was Entra ID. */
  aadsts?: number;
  /** Partner Center's error code (or HTTP status), if it was Partner Center. */
  partnerCenterCode?: string | number;
  correlationId?: string;
  traceId?: string;
  /** Microsoft could not be reached or kept failing: trying again later may work (503, not 422). */
  unavailable?: boolean;
}

/** What Entra ID answered (`error`, `error_codes`) plus its trace identifiers. */
export interface EntraFailure {
  error: string;
  errorCodes: number[];
  traceId?: string;
  correlationId?: string;
}

const C = ErrorCode;

interface Rule {
  codes: number[];
  build(context: { domain: string; secretLooksLikeId: boolean }): FieldError;
}

const ENTRA_RULES: Rule[] = [
  {
    codes: [7000215],
    build: ({ secretLooksLikeId }) => ({
      code: C.SecretInvalid,
      field: 'secret',
      message: secretLooksLikeId
        ? "This looks like the secret's ID, not its value. In Entra ID → App registrations → your app → Certificates & secrets, copy the Value column (shown only when the secret is created; create a new secret if you no longer have it)."
        : "Entra ID did not accept this secret for the application. Paste the secret's Value (not its Secret ID) from Certificates & secrets; if it was just created, wait a minute and try again.",
    }),
  },
  {
    codes: [7000222],
    build: () => ({
      code: C.SecretExpired,
      field: 'secret',
      message:
        'This secret has expired. Create a new client secret for the application in Entra ID → Certificates & secrets and paste its Value.',
    }),
  },
  {
    codes: [700016, 700011],
    build: ({ domain }) => ({
      code: C.ApplicationNotFound,
      field: 'applicationId',
      message: `No application with this Application (client) ID exists in the directory of "${domain}". Check the ID on the app's Overview page, and that the domain is your Partner Center tenant.`,
    }),
  },
  {
    codes: [90002, 90023, 900023],
    build: ({ domain }) => ({
      code: C.TenantNotFound,
      field: 'domain',
      message: `No Entra ID tenant was found for "${domain}". Enter your Partner Center tenant's primary domain (e.g. contoso.onmicrosoft.com) or its Directory (tenant) ID.`,
    }),
  },
  {
    codes: [50194],
    build: () => ({
      code: C.ApplicationNotMultiTenant,
      field: 'domain',
      message:
        'The application is single-tenant and was asked for a token outside its own tenant. Enter the domain or tenant ID of the tenant the application is registered in.',
    }),
  },
  {
    codes: [700025, 7000218],
    build: () => ({
      code: C.ApplicationIsPublicClient,
      field: 'applicationId',
      message:
        'This application is registered as a public client and cannot use a secret. Use a web/confidential application registration for Partner Center.',
    }),
  },
  {
    codes: [65001, 90094],
    build: () => ({
      code: C.ConsentRequired,
      field: 'applicationId',
      message:
        'The application lacks admin consent in your tenant. Grant admin consent for its API permissions in Entra ID → App registrations → API permissions.',
    }),
  },
  {
    codes: [53003, 530035, 7000112],
    build: () => ({
      code: C.AccessBlocked,
      field: 'applicationId',
      message:
        'Your tenant blocked the sign-in (Conditional Access, security defaults or a disabled application). Ask your Entra ID administrator to allow this application.',
    }),
  },
];

/** Maps Entra ID's answer to what the person is told; decided by `error_codes`, never by the description. */
export function mapEntraFailure(
  failure: EntraFailure,
  context: { domain: string; secretLooksLikeId: boolean },
): CredentialError {
  const rule = ENTRA_RULES.find((r) => failure.errorCodes.some((code) => r.codes.includes(code)));
  const aadsts = rule ? failure.errorCodes.find((code) => rule.codes.includes(code)) : failure.errorCodes[0];
  const base: FieldError = rule?.build(context) ?? {
    code: C.CredentialsRejected,
    field: 'applicationId',
    message: `Entra ID refused the credentials (${failure.error}${aadsts ? `, AADSTS${aadsts}` : ''}). Check the Application (client) ID, secret and domain; quote the trace ID to support if it persists.`,
  };
  return { ...base, aadsts, traceId: failure.traceId, correlationId: failure.correlationId };
}

/** Partner Center refused a valid token: the app is not enabled for its API, or the tenant is not a partner. */
export function mapPartnerCenterRefusal(
  status: number,
  code: string | number | undefined,
  correlationId: string | undefined,
): CredentialError {
  if (status === 401) {
    return {
      code: C.PartnerCenterAppNotEnabled,
      field: 'applicationId',
      partnerCenterCode: code ?? status,
      correlationId,
      message:
        'Partner Center does not accept this application. In Partner Center → Account settings → App management, add this Application (client) ID as a web app, then try again.',
    };
  }
  if (status === 403) {
    return {
      code: C.NotACspPartner,
      field: 'domain',
      partnerCenterCode: code ?? status,
      correlationId,
      message:
        'This tenant is not a Cloud Solution Provider partner in Partner Center (or the application lacks access to it). Enter the domain of your CSP partner tenant.',
    };
  }
  return {
    code: C.PartnerCenterRejected,
    partnerCenterCode: code ?? status,
    correlationId,
    message: `Partner Center refused the request (HTTP ${status}${code ? `, code ${code}` : ''}). Quote the correlation ID to support if it persists.`,
  };
}

export const unavailable = (
  code: ErrorCode,
  service: string,
  details: Partial<CredentialError> = {},
): CredentialError => ({
  code,
  unavailable: true,
  ...details,
  message: `${service} is not answering right now. Nothing was lost: try again in a few minutes.`,
});

/** 8-4-4-4-12 hex: the shape of a secret's ID, never of its value. */
export const looksLikeGuid = (value: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value.trim());
