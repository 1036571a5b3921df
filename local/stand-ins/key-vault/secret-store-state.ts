import { randomBytes } from 'node:crypto';
import type { StateFile } from '../state-file';
import { kvErrors } from './errors';

/** One version of a secret; times in Unix seconds as on the wire. */
export interface SecretVersion {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
}

export interface VersionOf {
  name: string;
  v: SecretVersion;
}

export interface DeletedSecret {
  name: string;
  versions: SecretVersion[];
  deletedDate: number;
  scheduledPurgeDate: number;
}

export interface SetInput {
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled?: boolean;
  nbf?: number;
  exp?: number;
}

export type UpdateInput = Omit<SetInput, 'value'>;

export const RECOVERABLE_DAYS = 90;

/** What a persisted vault keeps: every live secret under the name it was created with, and the soft-deleted ones. */
export interface VaultSnapshot {
  live: { name: string; versions: SecretVersion[] }[];
  deleted: DeletedSecret[];
}

/**
 * The vault: live secrets (versions in creation order, the last is "current") and soft-deleted ones, in memory, and
 * with a state file also saved on every change and loaded at construction. Methods throw KeyVaultError for what Key
 * Vault refuses.
 */
export class SecretStoreState {
  private readonly live = new Map<string, SecretVersion[]>();
  private readonly deleted = new Map<string, DeletedSecret>();
  private readonly names = new Map<string, string>();

  constructor(
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
    private readonly file?: StateFile<VaultSnapshot>,
  ) {
    const saved = file?.load();
    for (const { name, versions } of saved?.live ?? []) {
      this.live.set(keyOf(name), versions);
      this.names.set(keyOf(name), name);
    }
    for (const secret of saved?.deleted ?? []) {
      this.deleted.set(keyOf(secret.name), secret);
      this.names.set(keyOf(secret.name), secret.name);
    }
  }

  set(name: string, input: SetInput): VersionOf {
    const key = keyOf(name);
    if (this.deleted.has(key)) throw kvErrors.deletedConflict(name);
    const now = this.nowSeconds();
    const v: SecretVersion = {
      version: randomBytes(16).toString('hex'),
      value: input.value,
      contentType: input.contentType,
      tags: input.tags,
      enabled: input.enabled ?? true,
      nbf: input.nbf,
      exp: input.exp,
      created: now,
      updated: now,
    };
    const versions = this.live.get(key) ?? [];
    versions.push(v);
    this.live.set(key, versions);
    const shown = this.displayName(key, name);
    this.save();
    return { name: shown, v };
  }

  /** A version (or the current one when `version` is empty) for reading its value. */
  get(name: string, version?: string): VersionOf {
    const found = this.find(name, version);
    if (!found.v.enabled) throw kvErrors.disabled('get');
    return found;
  }

  update(name: string, version: string | undefined, patch: UpdateInput): VersionOf {
    const found = this.find(name, version);
    const { v } = found;
    if (patch.enabled !== undefined) v.enabled = patch.enabled;
    if (patch.nbf !== undefined) v.nbf = patch.nbf;
    if (patch.exp !== undefined) v.exp = patch.exp;
    if (patch.contentType !== undefined) v.contentType = patch.contentType;
    if (patch.tags !== undefined) v.tags = patch.tags;
    v.updated = this.nowSeconds();
    this.save();
    return found;
  }

  /** The current version of every live secret, ordered by name. */
  listCurrent(): VersionOf[] {
    return [...this.live.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, versions]) => ({ name: this.displayName(key), v: versions[versions.length - 1] }));
  }

  /** Every version of a live secret; empty (not 404) for an unknown name, as Key Vault answers. */
  listVersions(name: string): VersionOf[] {
    const versions = this.live.get(keyOf(name)) ?? [];
    return versions.map((v) => ({ name: this.displayName(keyOf(name), name), v }));
  }

  delete(name: string): DeletedSecret {
    const key = keyOf(name);
    const versions = this.live.get(key);
    if (!versions) throw kvErrors.secretNotFound(name);
    const now = this.nowSeconds();
    const deleted: DeletedSecret = {
      name: this.displayName(key, name),
      versions,
      deletedDate: now,
      scheduledPurgeDate: now + RECOVERABLE_DAYS * 24 * 3600,
    };
    this.live.delete(key);
    this.deleted.set(key, deleted);
    this.save();
    return deleted;
  }

  /** A soft-deleted secret; like Key Vault, 403 SecretDisabled when its current version is disabled. */
  getDeleted(name: string): DeletedSecret {
    const deleted = this.findDeleted(name);
    if (!deleted.versions[deleted.versions.length - 1].enabled) throw kvErrors.disabled('get');
    return deleted;
  }

  listDeleted(): DeletedSecret[] {
    return [...this.deleted.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  purge(name: string): void {
    const key = keyOf(name);
    if (!this.deleted.delete(key)) throw kvErrors.deletedSecretNotFound(name);
    this.names.delete(key);
    this.save();
  }

  recover(name: string): VersionOf {
    const key = keyOf(name);
    const deleted = this.findDeleted(name);
    this.deleted.delete(key);
    this.live.set(key, deleted.versions);
    this.save();
    return { name: deleted.name, v: deleted.versions[deleted.versions.length - 1] };
  }

  clear(): void {
    this.live.clear();
    this.deleted.clear();
    this.names.clear();
    this.save();
  }

  private save(): void {
    this.file?.save({
      live: [...this.live.entries()].map(([key, versions]) => ({ name: this.displayName(key), versions })),
      deleted: [...this.deleted.values()],
    });
  }

  private findDeleted(name: string): DeletedSecret {
    const deleted = this.deleted.get(keyOf(name));
    if (!deleted) throw kvErrors.deletedSecretNotFound(name);
    return deleted;
  }

  private find(name: string, version?: string): VersionOf {
    const key = keyOf(name);
    const versions = this.live.get(key);
    if (!versions) throw kvErrors.secretNotFound(version ? `${name}/${version}` : name);
    const v = version ? versions.find((x) => x.version === version) : versions[versions.length - 1];
    if (!v) throw kvErrors.secretNotFound(`${name}/${version}`);
    return { name: this.displayName(key, name), v };
  }

  /** Key Vault names are case-insensitive but keep the case they were created with. */
  private displayName(key: string, asGiven?: string): string {
    if (!this.names.has(key) && asGiven) this.names.set(key, asGiven);
    return this.names.get(key) ?? key;
  }
}

function keyOf(name: string): string {
  return name.toLowerCase();
}
