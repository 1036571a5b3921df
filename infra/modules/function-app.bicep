// The Flex Consumption Function App (Linux, Node) and its plan. It runs as the user-assigned
// identity and reaches storage, Key Vault, Application Insights and Communication Services with
// Entra tokens only: no app setting holds a key, a connection string with a key, or a secret.
param name string
param planName string
param location string
param tags object

@allowed(['22'])
param nodeVersion string
param maximumInstanceCount int
param instanceMemoryMB int

param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string
param keyVaultUri string
param acsEndpoint string
param consentEmailSender string
@description('Browser origins allowed to call the API (CORS): the wizard\'s static site and any others given.')
param corsAllowedOrigins array
@description('The registration wizard\'s address: the consent page links back to it.')
param wizardUrl string

param durableTaskHubName string
param payerAccountsTableName string
param auditTableName string
param apiAudience string
param apiAuthority string
param apiAllowedTenants string
param apiOrganizationClaim string
param apiWriteRole string
param apiOpsRole string
param apiOpsTenants string
param registrationExpiryHours int
param partnerAuthorityHost string
param partnerCenterApiUrl string
param partnerCenterVerifyWaitSeconds int
param consentLinkTtlHours int
param tokenKeepAliveSchedule string

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      // The wizard calls the API from its own origin with a bearer token in the Authorization header; no cookies.
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
}

// Every setting src/config.ts requires in Azure (its schema minus LOCAL_ONLY_SETTINGS), the task
// hub host.json names, and the runtime's identity-based connections. test/infra checks this list
// against the schema. Flex Consumption takes the runtime from functionAppConfig, so
// FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION must not be set.
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // Functions runtime, Durable Functions (connectionName AzureWebJobsStorage) and the app's tables.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    DurableTaskHubName: durableTaskHubName

    // Telemetry: the connection string identifies the resource (not a secret: local auth is off);
    // ingestion is authenticated with the identity's Entra token.
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

    // The app's own settings (src/config.ts).
    AZURE_CLIENT_ID: identityClientId
    KEY_VAULT_URL: keyVaultUri
    PAYER_ACCOUNTS_TABLE: payerAccountsTableName
    AUDIT_TABLE: auditTableName
    API_AUTHORITY: apiAuthority
    API_AUDIENCE: apiAudience
    API_ALLOWED_TENANTS: apiAllowedTenants
    API_ORGANIZATION_CLAIM: apiOrganizationClaim
    API_WRITE_ROLE: apiWriteRole
    API_OPS_ROLE: apiOpsRole
    API_OPS_TENANTS: apiOpsTenants
    REGISTRATION_EXPIRY_HOURS: string(registrationExpiryHours)
    PARTNER_AUTHORITY_HOST: partnerAuthorityHost
    PARTNER_CENTER_API_URL: partnerCenterApiUrl
    PARTNER_API_URL: 'https://api.partner.microsoft.com'
    PARTNER_CENTER_VERIFY_WAIT_SECONDS: string(partnerCenterVerifyWaitSeconds)
    PARTNER_CENTER_VERIFY_FIRST_POLL_MS: '2'
    PARTNER_CENTER_VERIFY_POLL_MS: '25'
    CONSENT_VERDICT_WAIT_SECONDS: '12'
    CONSENT_VERDICT_POLL_MS: '100'
    PUBLIC_BASE_URL: 'https://${site.properties.defaultHostName}'
    WIZARD_URL: wizardUrl
    CONSENT_LINK_TTL_HOURS: string(consentLinkTtlHours)
    CONSENT_STATE_TTL_MINUTES: '15'
    CONSENT_STATES_TABLE: 'ConsentStates'
    TOKEN_KEEP_ALIVE_SCHEDULE: tokenKeepAliveSchedule
    KEEP_ALIVE_CONCURRENCY: '16'
    KEEP_ALIVE_PAGE_SIZE: '100'
    CONNECTION_CHECKS_PER_HOUR: '6'
    HISTORY_RETENTION_DAYS: '90'
    HISTORY_PURGE_SCHEDULE: '0 30 4 * * *'

    // Consent e-mail through Azure Communication Services (identity-based; no access key).
    ACS_ENDPOINT: acsEndpoint
    CONSENT_EMAIL_SENDER: consentEmailSender
  }
}

// No publishing with user names and passwords (FTP or the SCM site's basic auth): deployments
// authenticate with Entra ID.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

output name string = site.name
output id string = site.id
output uri string = 'https://${site.properties.defaultHostName}'
