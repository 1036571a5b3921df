// Application Insights on a Log Analytics workspace. Local (instrumentation-key) authentication is
// disabled: telemetry is accepted only with an Entra token, which the Functions host obtains with the
// user-assigned identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
param logAnalyticsName string
param applicationInsightsName string
param location string
param tags object

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output applicationInsightsName string = appInsights.name
output applicationInsightsId string = appInsights.id
