import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { retryAfterMs } from '../domain/retry-after';
import { TransientError } from '../domain/transient-error';

/** When Entra ID throttles without saying for how long (MSAL's own default wait). */
const DEFAULT_THROTTLE_MS = 60_000;

/**
 * MSAL's network over fetch, as MSAL's own client does it, that also keeps Entra ID's answer to throttling: MSAL's
 * errors carry the status but not `Retry-After`. Entra ID answers 429 with Retry-After when an application asks too
 * often (https://learn.microsoft.com/en-us/entra/msal/dotnet/advanced/client-and-server-throttling). One per MSAL
 * application, which is one per request here.
 */
export class ThrottleAwareNetwork implements INetworkModule {
  /** Set once Entra ID answered 429: how long it asked to wait. */
  throttledForMs: number | undefined;

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'GET', options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'POST', options);
  }

  /** The throttling Entra ID answered, as a transient fault with its wait; undefined when it did not throttle. */
  throttling(): TransientError | undefined {
    if (this.throttledForMs === undefined) return undefined;
    return new TransientError('Entra ID is throttling token requests (HTTP 429)', {
      status: 429,
      retryAfterMs: this.throttledForMs,
    });
  }

  private async send<T>(
    url: string,
    method: 'GET' | 'POST',
    options?: NetworkRequestOptions,
    timeout?: number,
  ): Promise<NetworkResponse<T>> {
    const response = await fetch(url, {
      method,
      headers: options?.headers,
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      signal: timeout ? AbortSignal.timeout(timeout) : undefined,
    });
    const headers = Object.fromEntries(response.headers);
    if (response.status === 429)
      this.throttledForMs = retryAfterMs(headers['retry-after'], Date.now()) ?? DEFAULT_THROTTLE_MS;
    const text = await response.text();
    try {
      return { headers, body: JSON.parse(text) as T, status: response.status };
    } catch {
      if (this.throttledForMs !== undefined) return { headers, body: {} as T, status: response.status };
      throw new TransientError(`Entra ID answered HTTP ${response.status} with a body that is not JSON`, {
        status: response.status,
      });
    }
  }
}
