/**
 * The one Azure credential of the process (managed identity in Azure), made on first use and
 * shared by the Tables and Email adapters. Locally (Azurite, ACS connection strings) it is
 * never created.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

let credential: TokenCredential | undefined;

export function azureCredential(managedIdentityClientId: string | undefined): TokenCredential {
  credential ??= new DefaultAzureCredential(managedIdentityClientId ? { managedIdentityClientId } : {});
  return credential;
}
