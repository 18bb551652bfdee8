// Reseller relationships service: a Flex Consumption Function App that reaches every
// dependency with its user-assigned managed identity. No keys or connection strings are read
// or written anywhere in this template (see docs/deploy.md).
//
// Layout follows the azd Flex Consumption templates
// (Azure-Samples/functions-quickstart-typescript-azd): this file creates the resource group
// and the shared resources from pinned Azure Verified Modules, app/api.bicep creates the
// Function App, its app settings and App Service Authentication, app/rbac.bicep holds every
// role assignment.
targetScope = 'subscription'

metadata name = 'Reseller relationships service'
metadata description = 'Function App (Flex Consumption, Node) with Table Storage, Key Vault, Communication Services Email and Microsoft Entra sign-in, identity-only.'

// ------------------------------------------------------------------------------------------
// Parameters
// ------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Required. Name of the azd environment. Names the resource group and seeds the resource token.')
param environmentName string

@minLength(1)
@description('Required. Primary location for all resources. Must be a region that offers the Flex Consumption plan.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@minLength(36)
@maxLength(36)
@description('Required. Application (client) ID of the multi-tenant Microsoft Entra app registration that App Service Authentication uses for partner and customer sign-in.')
param authClientId string

@description('Optional. Extra audiences accepted in bearer tokens, besides "api://<authClientId>" and the client ID itself.')
param authAllowedAudiences string[] = []

@description('Optional. OpenID issuer of the Entra provider. The common v2.0 endpoint accepts users of any tenant; the service itself checks tenants and roles.')
param authOpenIdIssuer string = '${environment().authentication.loginEndpoint}common/v2.0'

@description('Optional. The operator\'s Entra tenant ID (OPERATOR_TENANT_ID): its Operator role holders use /api/admin.')
param operatorTenantId string = ''

@description('Optional. Origins of the partner portal allowed to call the API from a browser (CORS), e.g. ["https://portal.example.com"]. Empty: no cross-origin browser calls.')
param portalOrigins string[] = []

@description('Optional. Region of the partner portal\'s Static Web App (a Static Web App region: westus2, centralus, eastus2, westeurope, eastasia).')
param portalLocation string = 'westeurope'

@maxLength(32)
@description('Optional. Prefix of every table name (letters and digits, starting with a letter). Empty for none.')
param tablePrefix string = ''

@minValue(1)
@maxValue(90)
@description('Optional. Days an invitation link stays valid.')
param invitationTtlDays int = 30

@minValue(1)
@maxValue(3650)
@description('Optional. Days events (the feed) and their webhook delivery records are kept; audit events are kept regardless.')
param eventRetentionDays int = 90

@secure()
@minLength(32)
@description('Required. Secret that signs invitation tokens, stored in Key Vault. azd generates it once per environment, keeps it in the environment\'s secret config and reuses it on every provision, so pending invitation links survive re-deployments. Never output.')
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 64
      noSpecial: true
    }
  }
})
param invitationSigningKey string

@description('Optional. Where Communication Services stores its data at rest (for example Europe, United States, UK).')
param communicationDataLocation string = 'Europe'

@allowed([
  'custom'
  'contributor'
])
@description('Optional. Role that lets the identity send email: "custom" (least privilege: read/write on the Communication Services resource and EmailServices/write, no keys, no delete) or "contributor" (the built-in fallback the Communication Services samples document).')
param emailSenderRole string = 'custom'

// Node 20 reached end of life on 30 April 2026. The deployed bundle (scripts/build.mjs) targets
// Node 22 and CI tests on it: another version needs the bundle's target changed with it.
@allowed([
  '22'
])
@description('Optional. Node.js version of the Flex Consumption runtime (the bundle is built for Node 22).')
param nodeVersion string = '22'

@allowed([
  512
  2048
  4096
])
@description('Optional. Instance memory of the Flex Consumption app, in MB.')
param instanceMemoryMB int = 2048

@maxValue(1000)
@description('Optional. Upper bound of Flex Consumption scale-out.')
param maximumInstanceCount int = 100

@description('Optional. Enable Key Vault purge protection (recommended in production; a purge-protected vault blocks "azd down --purge" and re-use of its name for the retention period).')
param keyVaultEnablePurgeProtection bool = false

@description('Optional. Object ID of the principal running the deployment (azd sets AZURE_PRINCIPAL_ID). Used only when grantDeployerTableAccess is true.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
@description('Optional. Type of principalId (azd sets AZURE_PRINCIPAL_TYPE).')
param principalType string = 'User'

@description('Optional. Grant the deploying principal Storage Table Data Contributor on the table service, so it can seed partners with "npm run seed". Off by default.')
param grantDeployerTableAccess bool = false

// ------------------------------------------------------------------------------------------
// Names
// ------------------------------------------------------------------------------------------

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var portalName = '${abbrs.webStaticSites}portal-${resourceToken}'
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var deploymentStorageContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'
// The service's tables (src/storage/tableStore.ts): "<TABLE_PREFIX>partners" and "<TABLE_PREFIX>data".
// Created here, with the storage account, so that no request of the app pays a createTable
// round trip; the app still creates a table it finds missing (for instance one deleted by hand).
var partnersTableName = '${tablePrefix}partners'
var dataTableName = '${tablePrefix}data'
// The webhook delivery queue (src/config.ts eventQueueName) and the poison queue the host
// moves a message to after maxDequeueCount tries (host.json).
var eventQueueName = '${toLower(tablePrefix)}webhook-events'
// Deliveries waiting for their own partner (a slot, a probe): src/config.ts waitingQueueName.
var waitingQueueName = '${toLower(tablePrefix)}webhook-waiting'
// Key Vault secret names allow letters, digits and dashes only.
var signingKeySecretName = 'invitation-signing-key'

// ------------------------------------------------------------------------------------------
// Resource group and shared resources
// ------------------------------------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// The one identity of the app: storage (host + tables + deployment package), Key Vault
// reference, Application Insights ingestion and email. Roles in app/rbac.bicep.
module apiIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.6.0' = {
  name: 'apiUserAssignedIdentity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module appServicePlan 'br/public:avm/res/web/serverfarm:0.7.0' = {
  name: 'appServicePlan'
  scope: rg
  params: {
    name: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    skuName: 'FC1'
    reserved: true
    zoneRedundant: false
  }
}

module storage 'br/public:avm/res/storage/storage-account:0.33.0' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    kind: 'StorageV2'
    skuName: 'Standard_LRS'
    allowSharedKeyAccess: false // identity-only: no account keys, no SAS
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    dnsEndpointType: 'Standard'
    // No virtual network here: Flex Consumption and operators reach the account over its
    // public endpoint, authorised by Entra ID only.
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    blobServices: {
      containerDeleteRetentionPolicyEnabled: true
      containerDeleteRetentionPolicyDays: 7
      deleteRetentionPolicyEnabled: true
      deleteRetentionPolicyDays: 7
      containers: [
        { name: deploymentStorageContainerName }
      ]
    }
    tableServices: {
      tables: [
        { name: partnersTableName }
        { name: dataTableName }
      ]
    }
    queueServices: {
      queues: [
        { name: eventQueueName }
        { name: '${eventQueueName}-poison' }
        { name: waitingQueueName }
        { name: '${waitingQueueName}-poison' }
      ]
    }
  }
}

module logAnalytics 'br/public:avm/res/operational-insights/workspace:0.16.1' = {
  name: 'logAnalytics'
  scope: rg
  params: {
    name: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    location: location
    tags: tags
    dataRetention: 30
  }
}

module monitoring 'br/public:avm/res/insights/component:0.8.0' = {
  name: 'applicationInsights'
  scope: rg
  params: {
    name: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: logAnalytics.outputs.resourceId
    disableLocalAuth: true // ingestion only with Entra ID (Monitoring Metrics Publisher)
    retentionInDays: 30
  }
}

module keyVault 'br/public:avm/res/key-vault/vault:0.14.0' = {
  name: 'keyVault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    sku: 'standard'
    enableRbacAuthorization: true
    enablePurgeProtection: keyVaultEnablePurgeProtection
    enableVaultForDeployment: false
    enableVaultForTemplateDeployment: false
    enableVaultForDiskEncryption: false
    // Key Vault references from App Service without a virtual network use the public endpoint;
    // access is by RBAC only (Key Vault Secrets User for the app identity).
    publicNetworkAccess: 'Enabled'
    secrets: [
      {
        name: signingKeySecretName
        value: invitationSigningKey
        contentType: 'text/plain'
      }
    ]
  }
}

module emailService 'br/public:avm/res/communication/email-service:0.4.5' = {
  name: 'emailService'
  scope: rg
  params: {
    name: '${abbrs.communicationEmailServices}${resourceToken}'
    location: 'global'
    tags: tags
    dataLocation: communicationDataLocation
    domains: [
      {
        name: 'AzureManagedDomain'
        domainManagement: 'AzureManaged'
        userEngagementTracking: 'Disabled'
      }
    ]
  }
}

module communicationService 'br/public:avm/res/communication/communication-service:0.5.0' = {
  name: 'communicationService'
  scope: rg
  params: {
    name: '${abbrs.communicationCommunicationServices}${resourceToken}'
    location: 'global'
    tags: tags
    dataLocation: communicationDataLocation
    linkedDomains: [
      emailService.outputs.domainResourceIds[0]
    ]
  }
}

// Least-privilege role for sending email with Entra ID: the three actions Microsoft documents
// for Entra-authenticated sends. Unlike Contributor it cannot list keys or delete anything.
resource emailSenderRoleDefinition 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (emailSenderRole == 'custom') {
  name: guid(subscription().id, rg.id, 'communication-email-sender')
  properties: {
    roleName: 'Communication Email Sender (${rg.name}, ${uniqueString(rg.id)})'
    description: 'Send email through the Communication Services resources of resource group ${rg.name} with Microsoft Entra ID. No keys, no deletes.'
    type: 'customRole'
    permissions: [
      {
        actions: [
          'Microsoft.Communication/CommunicationServices/Read'
          'Microsoft.Communication/CommunicationServices/Write'
          'Microsoft.Communication/EmailServices/write'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      rg.id
    ]
  }
}

var contributorRoleDefinitionId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')

// ------------------------------------------------------------------------------------------
// Role assignments (all of them) and the Function App
// ------------------------------------------------------------------------------------------

module rbac 'app/rbac.bicep' = {
  name: 'rbacAssignments'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.name
    keyVaultName: keyVault.outputs.name
    communicationServiceName: communicationService.outputs.name
    managedIdentityPrincipalId: apiIdentity.outputs.principalId
    emailSenderRoleDefinitionId: emailSenderRole == 'custom' ? emailSenderRoleDefinition.id : contributorRoleDefinitionId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
    grantDeployerTableAccess: grantDeployerTableAccess
  }
}

// The partner portal: static files on a Static Web App, its origin allowed by the API's CORS.
module portal 'app/portal.bicep' = {
  name: 'portal'
  scope: rg
  params: {
    name: portalName
    location: portalLocation
    tags: tags
  }
}
var apiCorsOrigins = union(portalOrigins, [portal.outputs.SERVICE_PORTAL_URI])

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  // The identity must hold its roles before the app first resolves its Key Vault reference and
  // reads its deployment package.
  dependsOn: [
    rbac
  ]
  params: {
    name: functionAppName
    location: location
    tags: tags
    appServicePlanId: appServicePlan.outputs.resourceId
    identityId: apiIdentity.outputs.resourceId
    identityClientId: apiIdentity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentStorageContainerName: deploymentStorageContainerName
    applicationInsightsName: monitoring.outputs.name
    runtimeVersion: nodeVersion
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    portalOrigins: apiCorsOrigins
    tablePrefix: tablePrefix
    invitationSigningKeySecretUri: '${keyVault.outputs.uri}secrets/${signingKeySecretName}'
    invitationTtlDays: invitationTtlDays
    eventRetentionDays: eventRetentionDays
    acsEndpoint: 'https://${communicationService.outputs.endpoint}'
    emailSenderAddress: 'DoNotReply@${emailService.outputs.domainMailFromSenderDomains[0]}'
    authClientId: authClientId
    authAllowedAudiences: authAllowedAudiences
    authOpenIdIssuer: authOpenIdIssuer
    operatorTenantId: operatorTenantId
  }
}

// ------------------------------------------------------------------------------------------
// Outputs (azd writes them to .azure/<env>/.env). No secret is ever output.
// ------------------------------------------------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = api.outputs.SERVICE_API_NAME
output SERVICE_API_URI string = api.outputs.SERVICE_API_URI
output AZURE_FUNCTION_NAME string = api.outputs.SERVICE_API_NAME
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output TABLES_ENDPOINT string = 'https://${storage.outputs.name}.table.${environment().suffixes.storage}'
output TABLE_PREFIX string = tablePrefix
output QUEUES_ENDPOINT string = 'https://${storage.outputs.name}.queue.${environment().suffixes.storage}'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output ACS_ENDPOINT string = 'https://${communicationService.outputs.endpoint}'
output EMAIL_SENDER_ADDRESS string = 'DoNotReply@${emailService.outputs.domainMailFromSenderDomains[0]}'
output SERVICE_PORTAL_NAME string = portal.outputs.SERVICE_PORTAL_NAME
output SERVICE_PORTAL_URI string = portal.outputs.SERVICE_PORTAL_URI
output AUTH_CALLBACK_URL string = '${api.outputs.SERVICE_API_URI}/.auth/login/aad/callback'
