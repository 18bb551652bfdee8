// The partner portal (portal/, built into dist/portal): an Azure Static Web App. It holds only
// static files; the portal signs in with Microsoft Entra ID (MSAL) and calls the Function App
// with a bearer token, so the Static Web App needs no app settings, no API link and no identity.

@description('Required. Name of the Static Web App.')
param name string

@description('Optional. Location: Static Web Apps exist in a few regions only.')
@allowed([
  'westus2'
  'centralus'
  'eastus2'
  'westeurope'
  'eastasia'
])
param location string = 'westeurope'

@description('Optional. Tags of the resources.')
param tags object = {}

@description('Optional. azd service name (azure.yaml) that deploys to this app.')
param serviceName string = 'portal'

resource portal 'Microsoft.Web/staticSites@2023-12-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  sku: {
    name: 'Free'
    tier: 'Free'
  }
  properties: {
    // azd deploys the built files; no repository is linked.
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

output SERVICE_PORTAL_NAME string = portal.name
output SERVICE_PORTAL_URI string = 'https://${portal.properties.defaultHostname}'
