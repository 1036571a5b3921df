import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfig, settingsSchema } from '../../src/config';

const REPO = path.resolve(__dirname, '..', '..', '..');
const minimal = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  KEY_VAULT_URL: 'https://vault.example/',
  AZURE_CLIENT_ID: 'client',
  API_AUDIENCE: 'aaaaaaaa-0000-4000-8000-000000000001, api://octo',
  API_OPS_TENANTS: '11111111-1111-4111-8111-111111111111',
  PUBLIC_BASE_URL: 'https://payer.example/',
  CONSENT_EMAIL_SENDER: 'DoNotReply@payer.example',
  SMTP_HOST: '127.0.0.1',
};

describe('app settings', () => {
  it('applies defaults and normalizes lists and URLs', () => {
    const config = loadConfig(minimal);
    expect(config).toMatchObject({
      KEY_VAULT_URL: 'https://vault.example',
      API_AUDIENCE: ['aaaaaaaa-0000-4000-8000-000000000001', 'api://octo'],
      API_ORGANIZATION_CLAIM: 'tid',
      API_WRITE_ROLE: 'PayerAccount.Manage',
      REGISTRATION_EXPIRY_HOURS: 168,
      KEY_VAULT_DISABLE_CHALLENGE_RESOURCE_VERIFICATION: false,
      API_ALLOWED_TENANTS: [],
    });
  });

  it("reads the API's token authority from API_AUTHORITY, or from the former API_AUTHORITY_HOST", () => {
    expect(loadConfig(minimal).API_AUTHORITY).toBe('https://login.microsoftonline.com/organizations/v2.0');
    expect(loadConfig({ ...minimal, API_AUTHORITY: 'https://id.octo.example/realms/octo/' }).API_AUTHORITY).toBe(
      'https://id.octo.example/realms/octo',
    );
    expect(loadConfig({ ...minimal, API_AUTHORITY_HOST: 'https://login.microsoftonline.us/' }).API_AUTHORITY).toBe(
      'https://login.microsoftonline.us/organizations/v2.0',
    );
    const both = {
      ...minimal,
      API_AUTHORITY_HOST: 'https://login.microsoftonline.us',
      API_AUTHORITY: 'https://a.example',
    };
    expect(loadConfig(both).API_AUTHORITY).toBe('https://a.example');
    expect(() => loadConfig({ ...minimal, API_AUTHORITY: 'login.microsoftonline.com' })).toThrow(/API_AUTHORITY/);
  });

  it("takes Entra tenant IDs or another OpenID Connect issuer's https URL as the operator's tenants", () => {
    const ops = (value: string) => loadConfig({ ...minimal, API_OPS_TENANTS: value }).API_OPS_TENANTS;
    expect(ops('11111111-1111-4111-8111-111111111111, https://id.octo.example/realms/octo')).toEqual([
      '11111111-1111-4111-8111-111111111111',
      'https://id.octo.example/realms/octo',
    ]);
    for (const bad of ['octo', 'http://id.octo.example/realms/octo', 'https://'])
      expect(() => ops(bad)).toThrow(/API_OPS_TENANTS/);
  });

  it('names every missing or malformed setting at once', () => {
    expect(() => loadConfig({ REGISTRATION_EXPIRY_HOURS: '-1', KEY_VAULT_URL: 'not a url' })).toThrow(
      /AzureWebJobsStorage[\s\S]*KEY_VAULT_URL[\s\S]*AZURE_CLIENT_ID|KEY_VAULT_URL[\s\S]*AZURE_CLIENT_ID[\s\S]*API_AUDIENCE/,
    );
    expect(() => loadConfig({ ...minimal, REGISTRATION_EXPIRY_HOURS: '-1' })).toThrow(/REGISTRATION_EXPIRY_HOURS/);
    expect(() => loadConfig({ ...minimal, AzureWebJobsStorage: undefined })).toThrow(
      /AzureWebJobsStorage or AzureWebJobsStorage__tableServiceUri/,
    );
  });

  it('is documented, setting by setting, in local.settings.sample.json', () => {
    const sample = JSON.parse(readFileSync(path.join(REPO, 'local.settings.sample.json'), 'utf8'));
    const keys = Object.keys(settingsSchema.shape);
    for (const key of keys) {
      expect(sample.Values).toHaveProperty([key]);
      expect(sample.Documentation[key]).toEqual(expect.any(String));
    }
  });
});
