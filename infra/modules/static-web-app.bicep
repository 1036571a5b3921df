// The registration wizard's static host: Azure Static Web Apps, Free tier. azd deploys web/dist to it (azure.yaml
// service `web`), with web/public/staticwebapp.config.json, whose globalHeaders add
// `Content-Security-Policy: frame-ancestors 'none'` to every answer, and config.json written from this deployment's
// outputs (tools/write-web-config.ts). No repository is linked: azd uploads with the site's deployment token.
param name string
// Static Web Apps runs its control plane in these regions only (the files are served from Azure's edge everywhere).
@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
param location string
param tags object

resource site 'Microsoft.Web/staticSites@2024-11-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Free'
    tier: 'Free'
  }
  properties: {
    provider: 'Custom'
    allowConfigFileUpdates: true
  }
}

output name string = site.name
output uri string = 'https://${site.properties.defaultHostname}'
