/** What this API reads from an authority's OpenID discovery document. */
export interface OpenIdMetadata {
  /** The tokens' `iss`; Microsoft's multi-tenant documents hold the template `{tenantid}` in it. */
  issuer: string;
  jwksUri: URL;
}

/** The discovery document could not be read or lacks what is needed: tokens cannot be checked for now. */
export class OpenIdConfigurationUnavailable extends Error {
  readonly name = 'OpenIdConfigurationUnavailable';
}

export interface OpenIdConfigurationOptions {
  /** How long a document is used before it is read again (a failed re-read keeps the one held). */
  refreshAfterMs: number;
  /** After a failed read, how long the next read waits; meanwhile the failure is answered at once. */
  failureCooldownMs: number;
  timeoutMs: number;
}

/**
 * `<authority>/.well-known/openid-configuration`, read on first use and kept. Reads are shared by concurrent
 * callers, and a failing authority is asked at most once per cooldown.
 */
export class OpenIdConfiguration {
  readonly documentUrl: string;
  private held?: { metadata: OpenIdMetadata; readAt: number };
  private failed?: { error: OpenIdConfigurationUnavailable; at: number };
  private pending?: Promise<OpenIdMetadata>;

  constructor(
    authority: string,
    private readonly options: OpenIdConfigurationOptions,
  ) {
    this.documentUrl = `${authority.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  }

  async get(): Promise<OpenIdMetadata> {
    const now = Date.now();
    if (this.held && now - this.held.readAt < this.options.refreshAfterMs) return this.held.metadata;
    if (this.failed && now - this.failed.at < this.options.failureCooldownMs) {
      if (this.held) return this.held.metadata;
      throw this.failed.error;
    }
    this.pending ??= this.read().finally(() => (this.pending = undefined));
    try {
      return await this.pending;
    } catch (error) {
      if (this.held) return this.held.metadata;
      throw error;
    }
  }

  private async read(): Promise<OpenIdMetadata> {
    try {
      const metadata = parse(await this.fetchDocument(), this.documentUrl);
      this.held = { metadata, readAt: Date.now() };
      this.failed = undefined;
      return metadata;
    } catch (error) {
      const unavailable =
        error instanceof OpenIdConfigurationUnavailable
          ? error
          : new OpenIdConfigurationUnavailable(`${this.documentUrl} could not be read: ${failureText(error)}`);
      this.failed = { error: unavailable, at: Date.now() };
      throw unavailable;
    }
  }

  private async fetchDocument(): Promise<unknown> {
    const response = await fetch(this.documentUrl, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new OpenIdConfigurationUnavailable(`${this.documentUrl} answered HTTP ${response.status}`);
    }
    try {
      return await response.json();
    } catch {
      throw new OpenIdConfigurationUnavailable(`${this.documentUrl} did not answer JSON`);
    }
  }
}

function parse(document: unknown, documentUrl: string): OpenIdMetadata {
  const { issuer, jwks_uri: jwksUri } = (document ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
  if (typeof issuer !== 'string' || !issuer) {
    throw new OpenIdConfigurationUnavailable(`${documentUrl} is malformed: it names no issuer`);
  }
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri) || !/^https?:$/.test(new URL(jwksUri).protocol)) {
    throw new OpenIdConfigurationUnavailable(`${documentUrl} is malformed: its jwks_uri is not an http(s) URL`);
  }
  return { issuer, jwksUri: new URL(jwksUri) };
}

/** A failure in words for the log: the underlying cause's message and its code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT…). */
export function failureText(error: unknown): string {
  const source = ((error as { cause?: unknown })?.cause ?? error) as { code?: unknown; message?: unknown };
  const message = typeof source?.message === 'string' ? source.message : String(source);
  return typeof source?.code === 'string' ? `${message} (${source.code})` : message;
}
