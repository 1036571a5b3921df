// Azure Communication Services for the consent e-mail: an Email Communication Service with an
// Azure-managed domain (DoNotReply@<guid>.azurecomm.net), linked to a Communication Services
// resource that the app calls with its managed identity.
param communicationServiceName string
param emailServiceName string
@description('Data residency of the e-mail data, e.g. United States, Europe, UK.')
param dataLocation string
param tags object

// Communication Services resources are global; only their data has a location.
var globalLocation = 'global'

resource emailService 'Microsoft.Communication/emailServices@2025-05-01' = {
  name: emailServiceName
  location: globalLocation
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2025-05-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: globalLocation
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2025-05-01' = {
  name: communicationServiceName
  location: globalLocation
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [managedDomain.id]
    // Entra ID only: the resource's access keys (its connection strings) are refused.
    disableLocalAuth: true
  }
}

output name string = communicationService.name
output id string = communicationService.id
output endpoint string = 'https://${communicationService.properties.hostName}'
output senderAddress string = 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
