import { openIdConfigurationV2, TENANT_TEMPLATE } from './stand-ins/entra-id/discovery';
import type { EntraFixtures, EntraUser } from './stand-ins/entra-id/fixtures';

/**
 * The wizard's `config.json` for the local stack (answered by the host from `LocalHost__WebConfig`): the Entra ID
 * stand-in as authority, with its metadata inline so the browser's first contact with it is the sign-in page
 * (where a person can accept its self-signed certificate), and hints about the fixtures. No password and no
 * secret value: those are printed by `npm start` only.
 */
export function wizardConfig(options: {
  entraUrl: string;
  fixtures: EntraFixtures;
  inboxUrl: string;
}): Record<string, unknown> {
  const { entraUrl, fixtures } = options;
  const app = (name: string) => {
    const found = fixtures.applications.find((a) => a.name === name);
    if (!found) throw new Error(`Entra ID fixtures lack the application ${name}`);
    return found;
  };
  const partnerCenterApp = app('contoso-partner-center-app');
  const home = fixtures.tenants.find((t) => t.tenantId === partnerCenterApp.homeTenantId);
  return {
    authority: `${entraUrl}/organizations`,
    clientId: app('octo-web').clientId,
    apiScope: `${app('octo-payer-registration-api').identifierUri}/access_as_user`,
    apiBaseUrl: '/api',
    knownAuthorities: [new URL(entraUrl).host],
    authorityMetadata: openIdConfigurationV2(entraUrl, 'organizations', TENANT_TEMPLATE),
    localHints: {
      users: fixtures.users.map((u) => ({ username: u.userPrincipalName, note: describeUser(u, fixtures) })),
      partnerCenterApp: {
        applicationId: partnerCenterApp.clientId,
        domain: home?.domains[0] ?? '',
        tenantId: partnerCenterApp.homeTenantId,
        secretId: partnerCenterApp.secrets[0]?.id,
      },
      credentialsNote: "The fixture password and the secret's value are printed in the terminal running npm start.",
      inboxUrl: options.inboxUrl,
    },
  };
}

function describeUser(user: EntraUser, fixtures: EntraFixtures): string {
  const tenant = fixtures.tenants.find((t) => t.tenantId === user.tenantId)?.displayName ?? 'unknown tenant';
  const roles = Object.values(user.appRoles).flat();
  const octo = roles.includes('PayerAccount.Manage')
    ? 'may register'
    : roles.includes('PayerAccount.Ops')
      ? 'ops'
      : 'may only look';
  const admin = user.partnerCenterRoles?.includes('AdminAgent')
    ? user.mfa
      ? ', Admin agent with MFA: can consent'
      : ', Admin agent without MFA: consent is refused'
    : '';
  return `${tenant}, ${octo}${admin}`;
}
