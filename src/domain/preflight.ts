/**
 * What an app-only token lets the product prove about a partner's setup before the admin consents, each check
 * answered pass / fail / cannot tell with the fix and the Microsoft page that explains it. What needs the app
 * registration itself (its redirect URIs, its delegated permissions and their consent) is readable only with
 * Microsoft Graph directory permissions the partner's app does not have: those checks say so, never guess.
 */
export type PreflightOutcome = 'pass' | 'fail' | 'cannotTell';

export type PreflightCheckId =
  | 'partnerCenterAppAccess'
  | 'partnerApiServicePrincipal'
  | 'partnerCenterServicePrincipal'
  | 'redirectUriPlatform'
  | 'delegatedPermissions';

export interface PreflightCheck {
  id: PreflightCheckId;
  outcome: PreflightOutcome;
  /** What was found, or why it cannot be told. */
  detail: string;
  /** What to change, when it failed or cannot be told. */
  fix?: string;
  /** Microsoft's page that explains it. */
  page: string;
  aadsts?: number;
  traceId?: string;
  correlationId?: string;
}

const ENTRA = 'https://learn.microsoft.com/en-us/entra/identity-platform';

/** The Microsoft APIs whose service principal must exist in the partner tenant for the consent to name them. */
export const PREFLIGHT_APIS = [
  {
    id: 'partnerApiServicePrincipal' as const,
    name: 'Microsoft Partner',
    appId: '4990cffe-04e8-4e8b-808a-1175604b879f',
    scope: 'https://api.partner.microsoft.com/.default',
  },
  {
    id: 'partnerCenterServicePrincipal' as const,
    name: 'Microsoft Partner Center',
    appId: 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd',
    scope: 'https://api.partnercenter.microsoft.com/.default',
  },
];

/** AADSTS500011: "The resource principal named … was not found in the tenant". */
export const RESOURCE_PRINCIPAL_NOT_FOUND = 500011;

export const preflightPages = {
  clientCredentials: `${ENTRA}/v2-oauth2-client-creds-grant-flow`,
  errorCodes: `${ENTRA}/reference-error-codes`,
  servicePrincipal: 'https://learn.microsoft.com/en-us/partner-center/developer/secure-sample-application',
  appManagement: 'https://learn.microsoft.com/en-us/partner-center/developer/set-up-api-access-in-partner-center',
  redirectUri: `${ENTRA}/how-to-add-redirect-uri`,
  permissions: `${ENTRA}/quickstart-configure-app-access-web-apis`,
};

/** The checks no app-only token can answer: what the partner should look at themselves. */
export const CANNOT_TELL: PreflightCheck[] = [
  {
    id: 'redirectUriPlatform',
    outcome: 'cannotTell',
    detail:
      "The app registration's redirect URIs are readable only with Microsoft Graph directory permissions, which your app is not asked for.",
    fix: 'In Entra ID → App registrations → your app → Authentication, check that the redirect URI you chose in step 3 is listed under Web, not Single-page application.',
    page: preflightPages.redirectUri,
  },
  {
    id: 'delegatedPermissions',
    outcome: 'cannotTell',
    detail:
      "The app's delegated permissions and their admin consent are readable only with Microsoft Graph directory permissions, which your app is not asked for.",
    fix: 'In Entra ID → App registrations → your app → API permissions, check Microsoft Partner → user_impersonation and Microsoft Partner Center → user_impersonation are listed as Delegated, with admin consent granted.',
    page: preflightPages.permissions,
  },
];
