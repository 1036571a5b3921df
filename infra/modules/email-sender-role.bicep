// The role the app's identity gets on the Communication Services resource to send e-mail with an Entra token.
// Microsoft documents either a custom role with exactly the three actions below or a broader built-in one;
// Contributor would also hand out the resource's access keys (listKeys) and delete. So by default this module
// defines the custom role, assignable only in this resource group; 'Contributor' is the fallback for tenants whose
// policy forbids custom roles.
//
// A module of its own, so the definition is created in a deployment that has finished before rbac.bicep's
// deployment starts: rbac.bicep receives the role's ID from this module's output, and ARM starts a deployment
// that reads another's output only once that one has succeeded.
@allowed(['Custom', 'Contributor'])
param roleType string

var actions = [
  'Microsoft.Communication/CommunicationServices/Read'
  'Microsoft.Communication/CommunicationServices/Write'
  'Microsoft.Communication/EmailServices/write'
]
// Stable per resource group, so a second `azd up` updates the same role.
var customRoleId = guid(subscription().id, resourceGroup().id, 'acs-email-sender')
// Contributor (built-in; the same ID in every tenant).
var contributorRoleId = 'b24988ac-6180-42a0-ab88-20f7382dd24c'

resource customRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (roleType == 'Custom') {
  name: customRoleId
  properties: {
    // Role names are unique per tenant: the suffix tells two resource groups of the same name apart.
    roleName: 'ACS Email Sender ${resourceGroup().name} ${uniqueString(resourceGroup().id)}'
    description: 'Send e-mail through Azure Communication Services with a Microsoft Entra token; no access keys.'
    type: 'CustomRole'
    assignableScopes: [resourceGroup().id]
    permissions: [
      {
        actions: actions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

@description('The role definition to assign, as its subscription-level resource ID.')
output roleDefinitionId string = subscriptionResourceId(
  'Microsoft.Authorization/roleDefinitions',
  roleType == 'Custom' ? customRole.name : contributorRoleId
)
