import { InteractionRequiredAuthError, PublicClientApplication, type AccountInfo } from '@azure/msal-browser';
import type { WizardConfig } from './config';

/** Sign-in with Microsoft Entra ID (authorization code + PKCE, by redirect) and access tokens for the API. */
export interface Auth {
  account(): AccountInfo | undefined;
  signIn(): Promise<void>;
  /** Forgets this browser's tokens (the API refused them: revoked, or issued by another sign-in service) and signs in. */
  signInAgain(): Promise<void>;
  signOut(): Promise<void>;
  /** An access token for the API; redirects to sign in again when the session can no longer be renewed silently. */
  token(): Promise<string>;
  /** Why the sign-in that just came back from Microsoft failed (declined, or the token could not be redeemed). */
  signInError?: unknown;
}

export async function startAuth(config: WizardConfig): Promise<Auth> {
  const redirectUri = config.redirectUri ?? new URL('./', document.baseURI).href;
  const msal = new PublicClientApplication({
    auth: {
      clientId: config.clientId,
      authority: config.authority,
      knownAuthorities: config.knownAuthorities ?? [],
      authorityMetadata: config.authorityMetadata ? JSON.stringify(config.authorityMetadata) : undefined,
      redirectUri,
      postLogoutRedirectUri: redirectUri,
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  await msal.initialize();
  let signInError: unknown;
  try {
    const signedIn = await msal.handleRedirectPromise();
    if (signedIn?.account) msal.setActiveAccount(signedIn.account);
  } catch (error) {
    signInError = error;
  }
  const account = () => msal.getActiveAccount() ?? msal.getAllAccounts()[0] ?? undefined;
  const request = { scopes: [config.apiScope] };

  return {
    signInError,
    account,
    signIn: () => msal.loginRedirect({ ...request, prompt: 'select_account' }),
    async signInAgain() {
      await msal.clearCache();
      await msal.loginRedirect({ ...request, prompt: 'select_account' });
    },
    async signOut() {
      // The session ends here; Entra's own sign-out page is not needed to leave the wizard.
      await msal.clearCache();
      location.reload();
    },
    async token() {
      const current = account();
      if (!current) throw new Error('Not signed in');
      try {
        return (await msal.acquireTokenSilent({ ...request, account: current })).accessToken;
      } catch (error) {
        if (error instanceof InteractionRequiredAuthError)
          await msal.acquireTokenRedirect({ ...request, account: current });
        throw error;
      }
    },
  };
}
