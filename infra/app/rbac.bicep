// Every role assignment of the deployment, least privilege, at the narrowest scope that works.
// Names are guid(scope, principal, role); every assignment states its principalType.
// Model: Azure-Samples/functions-quickstart-typescript-azd infra/app/rbac.bicep.

@description('Required. Name of the storage account.')
param storageAccountName string

@description('Required. Name of the Application Insights component.')
param appInsightsName string

@description('Required. Name of the Key Vault that holds the invitation signing key.')
param keyVaultName string

@description('Required. Name of the Communication Services resource.')
param communicationServiceName string

@description('Required. Principal (object) ID of the app\'s user-assigned managed identity.')
param managedIdentityPrincipalId string

@description('Required. Role definition ID that lets the identity send email (the custom "Communication Email Sender" role or Contributor).')
param emailSenderRoleDefinitionId string

@description('Optional. Object ID of the deploying principal (for seeding partners).')
param deployerPrincipalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
@description('Optional. Type of the deploying principal.')
param deployerPrincipalType string = 'User'

@description('Optional. Grant the deploying principal Storage Table Data Contributor on the table service.')
param grantDeployerTableAccess bool = false

// Built-in role definition IDs.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource storageAccount 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2025-01-01' existing = {
  parent: storageAccount
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2025-01-01' existing = {
  parent: storageAccount
  name: 'default'
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource keyVault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationServiceName
}

// Blob: the deployment package container and the Functions host's own containers
// (azure-webjobs-hosts, azure-webjobs-secrets), which the host creates itself, so the scope is
// the account. Storage Blob Data Owner is the role Functions documents for identity-based
// AzureWebJobsStorage; it carries blob data actions only.
resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storageAccount.id, managedIdentityPrincipalId, roles.storageBlobDataOwner)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: managedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Tables: the service's two tables (created here and, if missing, by the app on first use) and
// the host's diagnostic-events table. Scoped to the table service, not the whole account.
resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(tableService.id, managedIdentityPrincipalId, roles.storageTableDataContributor)
  scope: tableService
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: managedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Queues: the webhook delivery queue and its poison queue (the app sends, the deliverEvents
// trigger reads, deletes and moves to poison). Scoped to the queue service.
resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(queueService.id, managedIdentityPrincipalId, roles.storageQueueDataContributor)
  scope: queueService
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: managedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Key Vault reference INVITATION_SIGNING_KEY (read secrets only).
resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, managedIdentityPrincipalId, roles.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: managedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Application Insights ingestion with Entra ID (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
resource monitoringMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, managedIdentityPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: managedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Email sends with Entra ID, on the Communication Services resource only.
resource emailSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communicationService.id, managedIdentityPrincipalId, emailSenderRoleDefinitionId)
  scope: communicationService
  properties: {
    roleDefinitionId: emailSenderRoleDefinitionId
    principalId: managedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Optional: the operator who seeds partners (npm run seed) with their az login identity.
resource deployerTableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantDeployerTableAccess && !empty(deployerPrincipalId)) {
  name: guid(tableService.id, deployerPrincipalId, roles.storageTableDataContributor)
  scope: tableService
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}
