import type { AuthorizeRequest } from './authorization-state';
import type { EntraError } from './errors';
import type { EntraUser } from './fixtures';

/**
 * The sign-in, consent and error pages of the authorize endpoint: small, accessible HTML (labels, a fieldset
 * per choice, errors in a `role="alert"` region), no script and no external asset. The forms carry only the
 * server-side interaction ID; nothing else the server must trust travels through the browser.
 */

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
  body { font-family: "Segoe UI", system-ui, sans-serif; background: #f2f2f2; color: #1b1b1b; margin: 0; }
  main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 2rem 2.75rem; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
  .brand { font-weight: 600; color: #5e5e5e; margin: 0 0 1rem; }
  h1 { font-size: 1.5rem; font-weight: 600; margin: 0 0 1rem; }
  fieldset { border: 0; padding: 0; margin: 0 0 1rem; }
  legend { font-weight: 600; margin-bottom: .5rem; }
  label { display: block; margin: .35rem 0; }
  input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: .45rem; border: 1px solid #666; font-size: 1rem; margin-top: .2rem; }
  input:focus, button:focus { outline: 2px solid #0067b8; outline-offset: 2px; }
  .buttons { display: flex; gap: .75rem; justify-content: flex-end; margin-top: 1.5rem; }
  button { min-width: 6.5rem; padding: .5rem 1rem; font-size: 1rem; border: 1px solid #0067b8; cursor: pointer; }
  button.primary { background: #0067b8; color: #fff; }
  button.secondary { background: #fff; color: #1b1b1b; border-color: #8a8a8a; }
  .alert { border-left: 4px solid #a80000; background: #fde7e9; padding: .6rem .8rem; margin: 0 0 1rem; }
  .details { font-size: .8rem; color: #5e5e5e; word-break: break-all; }
  .note { font-size: .85rem; color: #5e5e5e; }
  ul.permissions { padding-left: 1.2rem; }
  ul.permissions li { margin: .4rem 0; }
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="brand" aria-hidden="true">Microsoft (local stand-in)</p>
${body}
</main>
</body>
</html>
`;
}

const alert = (message: string | undefined) =>
  message ? `<div class="alert" role="alert" id="error">${escapeHtml(message)}</div>` : '';

export interface SignInPage {
  request: AuthorizeRequest;
  interactionId: string;
  /** where the form posts (the authorize path) */
  action: string;
  /** the fixture users offered in the list */
  users: EntraUser[];
  /** the username to pre-fill (login_hint, or what was typed) */
  username?: string;
  /** an AADSTS message after a failed attempt */
  error?: string;
}

/** "Sign in to your account": pick a fixture user (or type a username), then the password. */
export function signInPage(p: SignInPage): string {
  const chosen = p.username?.toLowerCase();
  const listed = p.users.some((u) => u.userPrincipalName.toLowerCase() === chosen);
  const radios = p.users
    .map((u, i) => {
      const checked = u.userPrincipalName.toLowerCase() === chosen || (!p.username && i === 0) ? ' checked' : '';
      return `<label><input type="radio" name="account" value="${escapeHtml(u.userPrincipalName)}"${checked}> ${escapeHtml(u.displayName)} (${escapeHtml(u.userPrincipalName)})</label>`;
    })
    .join('\n');
  const typed = p.username && !listed ? p.username : '';
  return page(
    'Sign in to your account',
    `<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(p.request.app.name)}</strong></p>
${alert(p.error)}
<form method="post" action="${escapeHtml(p.action)}">
<input type="hidden" name="interaction" value="${escapeHtml(p.interactionId)}">
${p.users.length > 0 ? `<fieldset>\n<legend>Pick an account</legend>\n${radios}\n</fieldset>` : ''}
<label for="username">Or type a username</label>
<input type="text" id="username" name="username" autocomplete="username" value="${escapeHtml(typed)}" placeholder="someone@example.com">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${p.error ? ' aria-describedby="error"' : ''}>
<div class="buttons">
<button type="submit" class="primary" name="action" value="signin">Sign in</button>
</div>
</form>`,
  );
}

const OIDC_PERMISSIONS: Record<string, string> = {
  openid: 'Sign you in',
  profile: 'View your basic profile',
  email: 'View your email address',
  offline_access: 'Maintain access to data you have given it access to',
};

function describePermission(resourceName: string, permission: string): string {
  if (permission === 'user_impersonation') return `Access ${resourceName} as you`;
  return `${resourceName}: ${permission}`;
}

export interface ConsentPage {
  request: AuthorizeRequest;
  interactionId: string;
  action: string;
  user: EntraUser;
}

/** "Permissions requested": what the app asks for, with Accept and Cancel. */
export function consentPage(p: ConsentPage): string {
  const items = [
    ...p.request.consent.resources.flatMap((r) =>
      r.permissions.map(
        (perm) =>
          `<li>${escapeHtml(describePermission(r.displayName, perm))}<br><span class="note">${escapeHtml(`${r.uri.replace(/\/+$/, '')}/${perm}`)}</span></li>`,
      ),
    ),
    ...p.request.consent.oidc
      .filter((s) => OIDC_PERMISSIONS[s])
      .map((s) => `<li>${escapeHtml(OIDC_PERMISSIONS[s])}<br><span class="note">${escapeHtml(s)}</span></li>`),
  ].join('\n');
  return page(
    'Permissions requested',
    `<p>${escapeHtml(p.user.userPrincipalName)}</p>
<h1>Permissions requested</h1>
<p><strong>${escapeHtml(p.request.app.name)}</strong> (application ID ${escapeHtml(p.request.app.clientId)})</p>
<h2 id="permissions-heading">This app would like to:</h2>
<ul class="permissions" aria-labelledby="permissions-heading">
${items}
</ul>
<p class="note">Accepting these permissions means that you allow this app to use your data as specified in their terms of service and privacy statement.</p>
<form method="post" action="${escapeHtml(p.action)}">
<input type="hidden" name="interaction" value="${escapeHtml(p.interactionId)}">
<div class="buttons">
<button type="submit" class="secondary" name="action" value="cancel">Cancel</button>
<button type="submit" class="primary" name="action" value="accept">Accept</button>
</div>
</form>`,
  );
}

export interface ErrorPageDetails {
  traceId: string;
  correlationId: string;
  timestamp: string;
}

/** Entra's "Sorry, but we're having trouble signing you in." page, with the AADSTS message. */
export function errorPage(err: EntraError, details: ErrorPageDetails): string {
  return page(
    'Sign in to your account',
    `<h1>Sign in</h1>
<p>Sorry, but we're having trouble signing you in.</p>
<div class="alert" role="alert"><p>${escapeHtml(err.message)}</p></div>
<p class="details">Error code: ${err.code}<br>Request Id: ${escapeHtml(details.traceId)}<br>Correlation Id: ${escapeHtml(details.correlationId)}<br>Timestamp: ${escapeHtml(details.timestamp)}</p>`,
  );
}

/** A page for a finished, unknown or timed-out sign-in (a refreshed or re-submitted page). */
export function sessionGonePage(): string {
  return page(
    'Sign in to your account',
    `<h1>Sign in</h1>
<div class="alert" role="alert"><p>This sign-in has already finished or has timed out. Go back to the application and start again.</p></div>`,
  );
}
