import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

const base = {
  TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  QUEUES_CONNECTION_STRING: 'UseDevelopmentStorage=true',
  PUBLIC_BASE_URL: 'https://relationships.example.com/',
  INVITATION_SIGNING_KEY: 'k'.repeat(32),
};

describe('send limit settings', () => {
  it('default to 5 per invitation and 200 per partner per day', () => {
    expect(loadConfig(base).sendLimits).toEqual({ perInvitation: 5, perPartnerPerDay: 200 });
    expect(loadConfig({ ...base, SEND_LIMIT_PER_INVITATION: ' ', SEND_LIMIT_PER_PARTNER_PER_DAY: '' }).sendLimits).toEqual({
      perInvitation: 5,
      perPartnerPerDay: 200,
    });
  });

  it('are read as whole numbers', () => {
    expect(loadConfig({ ...base, SEND_LIMIT_PER_INVITATION: '2', SEND_LIMIT_PER_PARTNER_PER_DAY: '1000' }).sendLimits).toEqual({
      perInvitation: 2,
      perPartnerPerDay: 1000,
    });
  });

  it.each([
    ['SEND_LIMIT_PER_INVITATION', '0'],
    ['SEND_LIMIT_PER_INVITATION', '101'],
    ['SEND_LIMIT_PER_INVITATION', '2.5'],
    ['SEND_LIMIT_PER_PARTNER_PER_DAY', 'many'],
    ['SEND_LIMIT_PER_PARTNER_PER_DAY', '-1'],
    ['SEND_LIMIT_PER_PARTNER_PER_DAY', '100001'],
  ])('refuse %s=%s, naming it', (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(new RegExp(`${name}: must be a whole number`));
  });
});
