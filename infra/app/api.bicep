// The Function App (Flex Consumption), its app settings and App Service Authentication.
// Model: Azure-Samples/functions-quickstart-typescript-azd infra/app/api.bicep.

@description('Required. Name of the Function App.')
param name string

@description('Optional. Location for all resources.')
param location string = resourceGroup().location

@description('Optional. Tags of the resources.')
param tags object = {}

@description('Optional. azd service name (azure.yaml) that deploys to this app.')
param serviceName string = 'api'

@description('Required. Resource ID of the Flex Consumption (FC1) plan.')
param appServicePlanId string

@description('Required. Resource ID of the user-assigned managed identity.')
param identityId string

@description('Required. Client ID of the user-assigned managed identity.')
param identityClientId string

@description('Required. Name of the storage account (host storage, deployment package and tables).')
param storageAccountName string

@description('Required. Blob container that holds the deployment package.')
param deploymentStorageContainerName string

@description('Required. Name of the Application Insights component.')
param applicationInsightsName string

@allowed([
  '22'
])
@description('Optional. Node.js version of the Flex Consumption runtime (the bundle is built for Node 22).')
param runtimeVersion string = '22'

@allowed([
  512
  2048
  4096
])
@description('Optional. Instance memory in MB.')
param instanceMemoryMB int = 2048

@description('Optional. Upper bound of scale-out.')
param maximumInstanceCount int = 100

@description('Optional. Origins of the partner portal allowed by CORS.')
param portalOrigins string[] = []

@description('Optional. Prefix of every table name.')
param tablePrefix string = ''

@description('Required. URI (without version) of the Key Vault secret holding the invitation signing key.')
param invitationSigningKeySecretUri string

@minValue(1)
@maxValue(90)
@description('Optional. Days an invitation link stays valid.')
param invitationTtlDays int = 30

@minValue(1)
@maxValue(3650)
@description('Optional. Days events (the feed) and their webhook delivery records are kept; audit events are kept regardless.')
param eventRetentionDays int = 90

@description('Required. Endpoint of the Communication Services resource (https://...communication.azure.com).')
param acsEndpoint string

@description('Required. Sender address of invitation emails.')
param emailSenderAddress string

@description('Optional. The operator\'s Entra tenant ID: its Operator role holders use /api/admin (empty: the operator API is off).')
param operatorTenantId string = ''

@description('Required. Client ID of the Entra app registration used by App Service Authentication.')
param authClientId string

@description('Optional. Extra audiences accepted in bearer tokens.')
param authAllowedAudiences string[] = []

@description('Required. OpenID issuer of the Entra provider (multi-tenant: the common v2.0 endpoint).')
param authOpenIdIssuer string

resource stg 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

module api 'br/public:avm/res/web/site:0.24.0' = {
  name: '${serviceName}-flex-consumption'
  params: {
    kind: 'functionapp,linux'
    name: name
    location: location
    tags: union(tags, { 'azd-service-name': serviceName })
    serverFarmResourceId: appServicePlanId
    httpsOnly: true
    clientAffinityEnabled: false
    managedIdentities: {
      systemAssigned: false
      userAssignedResourceIds: [
        identityId
      ]
    }
    // keyVaultReferenceIdentity: Key Vault references resolve with the user-assigned identity.
    keyVaultAccessIdentityResourceId: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${stg.properties.primaryEndpoints.blob}${deploymentStorageContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      // Flex Consumption sets the language here; FUNCTIONS_WORKER_RUNTIME is not used.
      runtime: {
        name: 'node'
        version: runtimeVersion
      }
    }
    siteConfig: {
      alwaysOn: false
      minTlsVersion: '1.2'
      // The portal's origins (parameter portalOrigins). The platform answers preflights.
      cors: {
        allowedOrigins: portalOrigins
        supportCredentials: false
      }
    }
    // Deployments use Entra ID (azd); no publishing passwords.
    basicPublishingCredentialsPolicies: [
      {
        name: 'ftp'
        allow: false
      }
      {
        name: 'scm'
        allow: false
      }
    ]
  }
}

// The app settings, exactly: the keys of settingsSchema in src/config.ts that apply in Azure,
// plus the platform's identity-based host storage and Application Insights settings.
// test/unit/infra.test.ts compares this object with SETTING_NAMES.
// Not here on purpose: TABLES_CONNECTION_STRING, ACS_CONNECTION_STRING, QUEUES_CONNECTION_STRING,
// WEBHOOK_ALLOW_PRIVATE_TARGETS and WEBHOOK_RETRY_SCALE (local and tests only), CORS_ALLOWED_ORIGINS
// (local only) and FUNCTIONS_WORKER_RUNTIME (Flex takes the runtime from functionAppConfig).
var appSettings = {
  // --- service settings (src/config.ts) ---
  TABLES_ENDPOINT: 'https://${stg.name}.table.${environment().suffixes.storage}'
  TABLE_PREFIX: tablePrefix
  PUBLIC_BASE_URL: 'https://${api.outputs.defaultHostname}'
  INVITATION_SIGNING_KEY: '@Microsoft.KeyVault(SecretUri=${invitationSigningKeySecretUri})'
  INVITATION_TTL_DAYS: string(invitationTtlDays)
  EVENT_RETENTION_DAYS: string(eventRetentionDays)
  SEND_LIMIT_PER_INVITATION: '5'
  SEND_LIMIT_PER_PARTNER_PER_DAY: '200'
  ACS_ENDPOINT: acsEndpoint
  EMAIL_SENDER_ADDRESS: emailSenderAddress
  AZURE_CLIENT_ID: identityClientId
  OPERATOR_TENANT_ID: operatorTenantId
  QUEUES_ENDPOINT: 'https://${stg.name}.queue.${environment().suffixes.storage}'
  // --- platform settings: the deliverEvents queue trigger's identity-based connection (QUEUES) ---
  QUEUES__queueServiceUri: stg.properties.primaryEndpoints.queue
  QUEUES__credential: 'managedidentity'
  QUEUES__clientId: identityClientId
  // --- platform settings: host storage with the user-assigned identity ---
  AzureWebJobsStorage__blobServiceUri: stg.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: stg.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: stg.properties.primaryEndpoints.table
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // --- platform settings: Application Insights with Entra ID ingestion (local auth is off) ---
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// Written after the site exists because PUBLIC_BASE_URL needs its default hostname.
// No currentAppSettings: the app ends up with exactly the settings above.
module apiAppSettings 'br/public:avm/res/web/site/config:0.2.2' = {
  name: '${serviceName}-appsettings'
  params: {
    appName: api.outputs.name
    name: 'appsettings'
    properties: appSettings
  }
}

// App Service Authentication (Easy Auth) with Microsoft Entra ID, multi-tenant. Anonymous
// requests reach the functions, which answer 401 themselves (and the accept page offers
// sign-in at /.auth/login/aad); a token or session that is present is validated here and
// turned into the x-ms-client-principal headers, which the platform strips from client input.
// No client secret: browser sign-in uses the ID-token flow; APIs take bearer tokens.
module apiAuthSettings 'br/public:avm/res/web/site/config:0.2.2' = {
  name: '${serviceName}-authsettingsV2'
  dependsOn: [
    apiAppSettings // one site config write at a time
  ]
  params: {
    appName: api.outputs.name
    name: 'authsettingsV2'
    properties: {
      platform: {
        enabled: true
        runtimeVersion: '~1'
      }
      globalValidation: {
        requireAuthentication: false
        unauthenticatedClientAction: 'AllowAnonymous'
      }
      httpSettings: {
        requireHttps: true
        routes: {
          apiPrefix: '/.auth'
        }
        forwardProxy: {
          convention: 'NoProxy'
        }
      }
      identityProviders: {
        azureActiveDirectory: {
          enabled: true
          isAutoProvisioned: false
          registration: {
            clientId: authClientId
            openIdIssuer: authOpenIdIssuer
          }
          login: {
            disableWWWAuthenticate: false
          }
          validation: {
            allowedAudiences: concat(['api://${authClientId}'], authAllowedAudiences)
          }
        }
      }
      login: {
        tokenStore: {
          enabled: false
        }
        preserveUrlFragmentsForLogins: false
        cookieExpiration: {
          convention: 'FixedTime'
          timeToExpiration: '08:00:00'
        }
        nonce: {
          validateNonce: true
          nonceExpirationInterval: '00:05:00'
        }
      }
    }
  }
}

@description('The name of the Function App.')
output SERVICE_API_NAME string = api.outputs.name

@description('The base URL of the Function App.')
output SERVICE_API_URI string = 'https://${api.outputs.defaultHostname}'

@description('The resource ID of the Function App.')
output resourceId string = api.outputs.resourceId
