/**
 * The one Azure credential of the process (managed identity in Azure), made on first use and
 * shared by the Tables and Email adapters. Locally (Azurite, ACS connection strings) it is
 * never created, and the SDK (with MSAL, about a third of the bundle) is never loaded: it is
 * required here, on first use, not imported.
 */
import type { TokenCredential } from '@azure/identity';

let credential: TokenCredential | undefined;

export function azureCredential(managedIdentityClientId: string | undefined): TokenCredential {
  if (!credential) {
    const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
    credential = new DefaultAzureCredential(managedIdentityClientId ? { managedIdentityClientId } : {});
  }
  return credential;
}
