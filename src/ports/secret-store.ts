/**
 * Where submitted secrets (application secrets, authorization codes, token caches) live.
 * Orchestrations, logs, Table entities and HTTP responses carry only a SecretReference.
 * No Azure imports here: the adapter (Key Vault) and any fakes implement this.
 */

export interface SecretReference {
  name: string;
  version: string;
}

export interface PutSecretOptions {
  expiresOn?: Date;
  contentType?: string;
  tags?: Record<string, string>;
}

export interface SecretStore {
  /** Stores a new version of `name` and returns its reference. */
  put(name: string, value: string, options?: PutSecretOptions): Promise<SecretReference>;
  /** The value of exactly that version; undefined when it does not exist, is disabled or deleted. */
  get(ref: SecretReference): Promise<string | undefined>;
  /** The current version of `name` and its value; undefined when there is none or it is disabled. */
  getLatest(name: string): Promise<LatestSecret | undefined>;
  /** Disables one version (a resubmission replaced a staged secret). */
  disableVersion(ref: SecretReference): Promise<void>;
  /** Soft-deletes every version of `name`; idempotent (a missing name is fine). */
  delete(name: string): Promise<void>;
}

/** A secret's newest enabled version: its reference, its value and when that version was stored. */
export interface LatestSecret {
  ref: SecretReference;
  value: string;
  createdAt?: Date;
}

/** Why a SecretStore call failed (never carries a secret value). */
export type SecretStoreFailureReason =
  /** The name is soft-deleted (recoverable) and cannot be set until purged or recovered. */
  | 'name-deleted'
  /** 5xx, 408, 429 or a network fault: worth retrying later. */
  | 'unavailable'
  /** The store rejected our credential (401). */
  | 'unauthorized'
  /** Our identity lacks permission (403). */
  | 'forbidden'
  /** Anything else the store answered. */
  | 'unexpected';

export interface SecretStoreErrorDetails {
  /** HTTP status, when the store answered. */
  status?: number;
  /** The store's own error code, e.g. Key Vault's `Conflict` or `ServiceUnavailable`. */
  serviceCode?: string;
  /** The store's request ID, for correlation in logs. */
  requestId?: string;
  /** How long the store asked to wait (its Retry-After), when it throttled. */
  retryAfterMs?: number;
}

/** Thrown by SecretStore adapters for failures of the store (not for programming errors). */
export class SecretStoreError extends Error {
  constructor(
    message: string,
    readonly reason: SecretStoreFailureReason,
    readonly details: SecretStoreErrorDetails = {},
  ) {
    super(message);
  }
  /** Whether retrying the same call later may succeed. */
  get transient(): boolean {
    return this.reason === 'unavailable';
  }
}
// On the prototype, so the stack's first line reads "SecretStoreError: …".
Object.defineProperty(SecretStoreError.prototype, 'name', {
  value: 'SecretStoreError',
  writable: true,
  configurable: true,
});

/** Key Vault's rule for object names; callers choose names such as `reg-<instanceId>-pc-secret`. */
export const SECRET_NAME_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;
const SECRET_VERSION_PATTERN = /^[0-9a-zA-Z]{1,64}$/;

/** Throws a plain Error for a name Key Vault would refuse (a programming error, not user input). */
export function assertValidSecretName(name: string): void {
  if (typeof name !== 'string' || !SECRET_NAME_PATTERN.test(name)) {
    throw new Error(
      `Invalid secret name ${JSON.stringify(String(name).slice(0, 140))}: 1-127 characters of 0-9, a-z, A-Z and '-'`,
    );
  }
}

/** Throws a plain Error for a malformed reference (an empty version would silently mean "latest"). */
export function assertValidSecretReference(ref: SecretReference): void {
  if (!ref || typeof ref !== 'object') throw new Error('Invalid secret reference: expected { name, version }');
  assertValidSecretName(ref.name);
  if (typeof ref.version !== 'string' || !SECRET_VERSION_PATTERN.test(ref.version)) {
    throw new Error(`Invalid version for secret ${ref.name}: expected 1-64 letters or digits`);
  }
}
