import type { TokenCredential } from '@azure/identity';
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  assertValidSecretName,
  assertValidSecretReference,
  SecretStoreError,
  type LatestSecret,
  type PutSecretOptions,
  type SecretReference,
  type SecretStore,
  type SecretStoreFailureReason,
} from '../ports/secret-store';
import { retryAfterMs } from '../domain/retry-after';

export interface KeyVaultSecretStoreOptions {
  /**
   * Skip the check that the vault's auth challenge names a resource matching the vault's host.
   * false in Azure (`*.vault.azure.net`); true for a vault on loopback (the stand-in).
   */
  disableChallengeResourceVerification: boolean;
  /** The SDK's retry policy (default: 3 retries, exponential from 800 ms). */
  retryOptions?: SecretClientOptions['retryOptions'];
  /** TLS settings, e.g. `{ ca }` to trust a loopback certificate without NODE_EXTRA_CA_CERTS. */
  tlsOptions?: SecretClientOptions['tlsOptions'];
}

/** Error shape of the Key Vault SDK (RestError); read by duck typing so nothing is loaded eagerly. */
interface SdkError {
  statusCode?: number;
  code?: string;
  details?: { error?: { code?: string; innerError?: { code?: string } } };
  response?: { headers?: { get(name: string): string | undefined } };
  name?: string;
}

const TRANSIENT_STATUS = (status: number): boolean =>
  status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);

/**
 * SecretStore over Azure Key Vault (RBAC: the identity needs "Key Vault Secrets Officer").
 * Faults of the vault are thrown as SecretStoreError (the orchestrator retries activities);
 * a secret value never appears in an error, and the SDK's error (whose request holds the
 * body) is never attached as a cause.
 */
export class KeyVaultSecretStore implements SecretStore {
  private client: SecretClient | undefined;

  constructor(
    private readonly vaultUrl: string,
    private readonly credential: TokenCredential,
    private readonly options: KeyVaultSecretStoreOptions,
  ) {
    new URL(vaultUrl); // fail at composition time on a malformed URL
  }

  async put(name: string, value: string, options: PutSecretOptions = {}): Promise<SecretReference> {
    assertValidSecretName(name);
    if (typeof value !== 'string' || value.length === 0)
      throw new Error(`Secret ${name}: value must be a non-empty string`);
    try {
      const secret = await this.secrets().setSecret(name, value, {
        expiresOn: options.expiresOn,
        contentType: options.contentType,
        tags: options.tags,
      });
      const version = secret.properties.version;
      if (!version) throw new SecretStoreError(`Key Vault returned no version for secret ${name}`, 'unexpected');
      return { name, version };
    } catch (err) {
      throw this.translate(err, 'set', name);
    }
  }

  async getLatest(name: string): Promise<LatestSecret | undefined> {
    assertValidSecretName(name);
    try {
      const secret = await this.secrets().getSecret(name);
      if (secret.properties.enabled === false || secret.value === undefined || !secret.properties.version)
        return undefined;
      return {
        ref: { name, version: secret.properties.version },
        value: secret.value,
        createdAt: secret.properties.createdOn,
      };
    } catch (err) {
      const e = err as SdkError;
      if (e?.statusCode === 404) return undefined;
      if (e?.statusCode === 403 && e.details?.error?.innerError?.code === 'SecretDisabled') return undefined;
      throw this.translate(err, 'get', name);
    }
  }

  async get(ref: SecretReference): Promise<string | undefined> {
    assertValidSecretReference(ref);
    try {
      const secret = await this.secrets().getSecret(ref.name, { version: ref.version });
      if (secret.properties.enabled === false) return undefined;
      return secret.value;
    } catch (err) {
      const e = err as SdkError;
      if (e?.statusCode === 404) return undefined;
      if (e?.statusCode === 403 && e.details?.error?.innerError?.code === 'SecretDisabled') return undefined;
      throw this.translate(err, 'get', `${ref.name}/${ref.version}`);
    }
  }

  async disableVersion(ref: SecretReference): Promise<void> {
    assertValidSecretReference(ref);
    try {
      await this.secrets().updateSecretProperties(ref.name, ref.version, { enabled: false });
    } catch (err) {
      if ((err as SdkError)?.statusCode === 404) return; // gone already: nothing left to disable
      throw this.translate(err, 'disable', `${ref.name}/${ref.version}`);
    }
  }

  async delete(name: string): Promise<void> {
    assertValidSecretName(name);
    try {
      // Sends DELETE, then one GET of the deleted secret; does not wait for the purge window.
      await this.secrets().beginDeleteSecret(name, { intervalInMs: 500 });
    } catch (err) {
      if ((err as SdkError)?.statusCode === 404) return; // missing or already soft-deleted
      throw this.translate(err, 'delete', name);
    }
  }

  private secrets(): SecretClient {
    if (!this.client) {
      this.client = new SecretClient(this.vaultUrl, this.credential, {
        disableChallengeResourceVerification: this.options.disableChallengeResourceVerification,
        ...(this.options.retryOptions ? { retryOptions: this.options.retryOptions } : {}),
        ...(this.options.tlsOptions ? { tlsOptions: this.options.tlsOptions } : {}),
      });
    }
    return this.client;
  }

  /** Maps an SDK failure to a SecretStoreError that names the object, never its value. */
  private translate(err: unknown, operation: string, object: string): Error {
    if (err instanceof SecretStoreError) return err;
    const e = (err ?? {}) as SdkError;
    const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
    const serviceCode = e.details?.error?.code ?? (typeof e.code === 'string' ? e.code : undefined);
    const requestId = safeHeader(e, 'x-ms-request-id');
    let reason: SecretStoreFailureReason;
    let what: string;
    if (status === 409 && operation === 'set') {
      reason = 'name-deleted';
      what = 'the name is in a deleted but recoverable state (purge or recover it, or use another name)';
    } else if (status === undefined || TRANSIENT_STATUS(status)) {
      reason = 'unavailable';
      what =
        status === undefined
          ? `network failure (${serviceCode ?? e.name ?? 'unknown'})`
          : `the vault is unavailable (HTTP ${status})`;
    } else if (status === 401) {
      reason = 'unauthorized';
      what = 'the vault rejected the access token (HTTP 401)';
    } else if (status === 403) {
      reason = 'forbidden';
      what = 'the identity is not allowed this operation (HTTP 403)';
    } else {
      reason = 'unexpected';
      what = `HTTP ${status}${serviceCode ? ` ${serviceCode}` : ''}`;
    }
    return new SecretStoreError(`Key Vault ${operation} of secret ${object} failed: ${what}`, reason, {
      status,
      serviceCode,
      requestId,
      retryAfterMs: retryAfterMs(safeHeader(e, 'retry-after'), Date.now()),
    });
  }
}

function safeHeader(e: SdkError, name: string): string | undefined {
  try {
    return e.response?.headers?.get(name) ?? undefined;
  } catch {
    return undefined;
  }
}
