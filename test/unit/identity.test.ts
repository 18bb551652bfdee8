/** The credential is made (and @azure/identity loaded) on first use, once per process. */
import { describe, expect, it } from 'vitest';
import { azureCredential } from '../../src/identity';

describe('azureCredential', () => {
  it('loads the SDK on first use and returns one shared credential', () => {
    const first = azureCredential('00000000-0000-0000-0000-000000000001');
    expect(typeof first.getToken).toBe('function');
    expect(first.constructor.name).toBe('DefaultAzureCredential');
    expect(azureCredential(undefined)).toBe(first);
  });
});
