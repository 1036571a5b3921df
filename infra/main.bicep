// Everything the payer-registration API needs in Azure, deployable with `azd up`.
// Subscription scope: creates the resource group, then deploys the local modules in modules/ into it.
// No registry (br/public:) modules: the template must compile offline (infra/bicep-check.sh).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds the resource token.')
param environmentName string

// Regions that offer the Flex Consumption plan. Microsoft's Flex Consumption page
// (learn.microsoft.com/azure/azure-functions/flex-consumption-how-to#view-currently-supported-regions) names no fixed
// list; it sends to `az functionapp list-flexconsumption-locations`. This is the list of Microsoft's own Flex
// Consumption azd templates (Azure-Samples/functions-quickstart-typescript-azd, infra/main.bicep, list of 2025-05-06),
// less the canary region eastus2euap; checked 2026-12-05. Add a region here once that command lists it.
@minLength(1)
@description('Primary location for all resources: a region that offers the Flex Consumption plan.')
@metadata({ azd: { type: 'location' } })
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
param location string

@description('Region of the wizard\'s Static Web App (its control plane; files are served from the edge). Static Web Apps exists in five regions only (westus2, centralus, eastus2, westeurope, eastasia): the deployment\'s own when it is one of them, else East US 2.')
param webLocation string = contains(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'], location) ? location : 'eastus2'

@description('Object ID of the deploying user or service principal (azd: AZURE_PRINCIPAL_ID). Gets data access to storage and Key Vault for debugging; empty for none.')
param principalId string = ''

@description('Optional resource group name; defaults to rg-<environmentName>.')
param resourceGroupName string = ''

@description('Node.js version of the Flex Consumption app: 22 LTS (Node 20 left support on 30 April 2026).')
@allowed(['22'])
param nodeVersion string = '22'

@description('Upper bound of Flex Consumption instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per Flex Consumption instance, in MB.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

// ---- The app's settings (src/config.ts); defaults match the schema's -------------------------

@description('API_AUDIENCE (required, no default: a wrong one refuses every token): accepted audiences of this API\'s bearer tokens, comma-separated: the API app registration\'s client ID and/or application ID URI (api://…).')
@minLength(1)
param apiAudience string

@description('The delegated scope the API\'s app registration exposes, which the wizard asks for.')
@minLength(1)
param apiScopeName string = 'access_as_user'

@description('WEB_CLIENT_ID (required): Application (client) ID of the wizard\'s app registration (Single-page application platform, redirect URI = the WEB_URI output).')
@minLength(36)
@maxLength(36)
param webClientId string

@description('WEB_ORIGINS: further browser origins allowed to call the API (CORS), comma-separated, e.g. https://portal.octo.example; the wizard\'s Static Web App is always allowed.')
param webOrigins string = ''

@description('Entra ID sign-in host: the wizard signs in at <host>/organizations, and API_AUTHORITY defaults to <host>/organizations/v2.0.')
param apiAuthorityHost string = environment().authentication.loginEndpoint

@description('API_AUTHORITY: OpenID Connect authority of this API\'s bearer tokens (its /.well-known/openid-configuration names their issuer and signing keys), e.g. <host>/<tenant ID>/v2.0 for one tenant. Empty: <apiAuthorityHost>/organizations/v2.0, any Entra ID tenant.')
param apiAuthority string = ''

@description('API_ALLOWED_TENANTS: comma-separated tenant IDs allowed to call the API; empty allows any tenant.')
param apiAllowedTenants string = ''

@description('API_ORGANIZATION_CLAIM: token claim that names the caller\'s organization.')
@minLength(1)
param apiOrganizationClaim string = 'tid'

@description('API_WRITE_ROLE: app role needed to start or cancel a registration.')
@minLength(1)
param apiWriteRole string = 'PayerAccount.Manage'

@description('API_OPS_ROLE: app role needed for the ops endpoints.')
@minLength(1)
param apiOpsRole string = 'PayerAccount.Ops'

@description('API_OPS_TENANTS: the operator\'s own tenant IDs, comma-separated; the ops role counts only in their tokens. Empty: the deploying tenant.')
param apiOpsTenants string = ''
var opsTenants = empty(apiOpsTenants) ? tenant().tenantId : apiOpsTenants

@description('REGISTRATION_EXPIRY_HOURS: how long a registration waits for the person before it expires (at most 90 days).')
@minValue(1)
@maxValue(2160)
param registrationExpiryHours int = 168

@description('PARTNER_AUTHORITY_HOST: Entra ID host for the partners\' tenants (tenant lookup, their apps\' tokens).')
param partnerAuthorityHost string = environment().authentication.loginEndpoint

@description('PARTNER_CENTER_API_URL: Partner Center REST API base URL.')
param partnerCenterApiUrl string = 'https://api.partnercenter.microsoft.com'

@description('PARTNER_CENTER_VERIFY_WAIT_SECONDS: how long step 2 waits for verification before answering 202.')
@minValue(0)
@maxValue(60)
param partnerCenterVerifyWaitSeconds int = 8

@description('CONSENT_LINK_TTL_HOURS: how long a consent link stays valid.')
@minValue(1)
@maxValue(720)
param consentLinkTtlHours int = 72

@description('TOKEN_KEEP_ALIVE_SCHEDULE: NCRONTAB of the token keep-alive round (refresh tokens die after 90 days unused). Default: Mondays 03:00 UTC.')
@minLength(9)
param tokenKeepAliveSchedule string = '0 0 3 * * 1'

@description('PAYER_ACCOUNTS_TABLE: table holding one row per organization\'s payer account.')
@minLength(3)
@maxLength(63)
param payerAccountsTableName string = 'PayerAccounts'

@description('AUDIT_TABLE: table holding the audit trail (who changed what and when, per organization).')
@minLength(3)
@maxLength(63)
param auditTableName string = 'AuditTrail'

@description('DurableTaskHubName (read by host.json): Durable Functions task hub, letters and digits, 3-45 characters.')
@minLength(3)
@maxLength(45)
param durableTaskHubName string = 'PayerRegistration'

@description('Where Azure Communication Services stores e-mail data at rest (e.g. United States, Europe, UK, Australia).')
param emailDataLocation string = 'United States'

@description('Role that lets the app send e-mail: Custom (only the three actions sending needs; default) or Contributor on the Communication Services resource (for tenants that forbid custom roles).')
@allowed(['Custom', 'Contributor'])
param emailSenderRoleType string = 'Custom'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var audiences = map(split(apiAudience, ','), (audience) => trim(audience))
var identifierUris = filter(audiences, (audience) => startsWith(audience, 'api://'))
// The wizard asks for a named scope of the API (not /.default: MSAL's cache then serves every call).
var apiScope = '${empty(identifierUris) ? 'api://${audiences[0]}' : identifierUris[0]}/${apiScopeName}'
var extraWebOrigins = empty(webOrigins) ? [] : map(split(webOrigins, ','), (origin) => trim(origin))
var loginEndpoint = endsWith(apiAuthorityHost, '/') ? apiAuthorityHost : '${apiAuthorityHost}/'
var apiTokenAuthority = empty(apiAuthority) ? '${loginEndpoint}organizations/v2.0' : apiAuthority
var tags = { 'azd-env-name': environmentName }

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package'
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module communication 'modules/communication.bicep' = {
  name: 'communication'
  scope: rg
  params: {
    communicationServiceName: 'acs-${resourceToken}'
    emailServiceName: 'ecs-${resourceToken}'
    dataLocation: emailDataLocation
    tags: tags
  }
}

module emailSenderRole 'modules/email-sender-role.bicep' = {
  name: 'email-sender-role'
  scope: rg
  params: {
    roleType: emailSenderRoleType
  }
}

module web 'modules/static-web-app.bicep' = {
  name: 'web'
  scope: rg
  params: {
    name: 'swa-web-${resourceToken}'
    location: webLocation
    tags: union(tags, { 'azd-service-name': 'web' })
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    communicationServiceName: communication.outputs.name
    // Read from the role module's output: rbac's deployment starts once the role definition's has finished.
    emailSenderRoleDefinitionId: emailSenderRole.outputs.roleDefinitionId
  }
}

module api 'modules/function-app.bicep' = {
  name: 'api'
  scope: rg
  // The app starts only once its identity may reach storage, Key Vault, telemetry and e-mail.
  dependsOn: [rbac]
  params: {
    name: 'func-api-${resourceToken}'
    planName: 'plan-${resourceToken}'
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    nodeVersion: nodeVersion
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultUri: keyVault.outputs.uri
    acsEndpoint: communication.outputs.endpoint
    consentEmailSender: communication.outputs.senderAddress
    corsAllowedOrigins: union([web.outputs.uri], extraWebOrigins)
    wizardUrl: web.outputs.uri
    durableTaskHubName: durableTaskHubName
    payerAccountsTableName: payerAccountsTableName
    auditTableName: auditTableName
    apiAudience: apiAudience
    apiAuthority: apiTokenAuthority
    apiAllowedTenants: apiAllowedTenants
    apiOrganizationClaim: apiOrganizationClaim
    apiWriteRole: apiWriteRole
    apiOpsRole: apiOpsRole
    apiOpsTenants: opsTenants
    registrationExpiryHours: registrationExpiryHours
    partnerAuthorityHost: partnerAuthorityHost
    partnerCenterApiUrl: partnerCenterApiUrl
    partnerCenterVerifyWaitSeconds: partnerCenterVerifyWaitSeconds
    consentLinkTtlHours: consentLinkTtlHours
    tokenKeepAliveSchedule: tokenKeepAliveSchedule
  }
}

// ---- Outputs: azd stores them in .azure/<env>/.env. None is a secret. ------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
@description('The redirect URI partners must register on their app registration (Web platform).')
output CONSENT_CALLBACK_URL string = '${api.outputs.uri}/api/consent/callback'
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URL string = keyVault.outputs.uri
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output ACS_ENDPOINT string = communication.outputs.endpoint
output CONSENT_EMAIL_SENDER string = communication.outputs.senderAddress

// The wizard (azure.yaml service `web`): its address, and what tools/write-web-config.ts writes into its config.json.
output SERVICE_WEB_NAME string = web.outputs.name
@description('The wizard\'s address: register it as a Single-page application redirect URI of WEB_CLIENT_ID\'s app.')
output WEB_URI string = web.outputs.uri
output WEB_AUTHORITY string = '${loginEndpoint}organizations'
output WEB_CLIENT_ID string = webClientId
output WEB_API_SCOPE string = apiScope
output WEB_API_BASE_URL string = '${api.outputs.uri}/api'
