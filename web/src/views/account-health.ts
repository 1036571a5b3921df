import type { PayerAccountView } from '../api-types';
import { details, formatDate, h, time } from '../dom';
import { actions } from './step-section';

type Health = PayerAccountView['health'];
type HealthError = NonNullable<Health['lastError']>;

/**
 * The last error concerns the application secret (refused, expired, gone from the vault): a new secret fixes it.
 * `secret_store_unavailable` is Key Vault being down (it passes); a stored token that is gone or unusable is
 * `token_no_longer_valid`, which only a new consent fixes.
 */
export function secretRefused(error: HealthError | undefined): boolean {
  return !!error && error.code.startsWith('secret_') && error.code !== 'secret_store_unavailable';
}

export const secretNeedsReplacing = (health: Health) => !!health.secretExpiresSoon || secretRefused(health.lastError);

/** Whose words the reason is: Microsoft's when it carries Microsoft's error number, else the product's. */
const reasonLabel = (error: HealthError) =>
  error.aadsts !== undefined || error.traceId !== undefined ? 'Microsoft said: ' : 'Reason: ';

/** Microsoft's message with its AADSTS number, unless the message already names it. */
export function microsoftAnswer(error: HealthError | { message: string; aadsts?: number }): string {
  const code = error.aadsts === undefined ? '' : `AADSTS${error.aadsts}`;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}

/**
 * The account's health in plain words: what is wrong, what Microsoft said, and the action that fixes it (the caller
 * gives the buttons to place here, so each action appears once on the page), then the dates the keep-alive recorded.
 */
export function accountHealth(
  account: PayerAccountView,
  offer: { reconsent?: HTMLElement; secret?: HTMLElement },
): HTMLElement {
  const health = account.health;
  const problems: HTMLElement[] = [];
  if (health.reconsentRequired) {
    problems.push(
      h(
        'div',
        { class: 'warning', id: 'reconsent-required' },
        h(
          'p',
          {},
          h('strong', {}, 'An admin must consent again. '),
          'Microsoft no longer accepts the consent Octo holds, so Octo cannot read your Azure prices and billing data. ' +
            "This happens when an administrator revokes the consenting admin's sign-in sessions or resets their password in the Microsoft Entra admin center, after a changed sign-in policy, or after 90 days without use. Your registration stays as it is.",
        ),
        health.lastError
          ? h('p', {}, reasonLabel(health.lastError), h('q', {}, microsoftAnswer(health.lastError)))
          : undefined,
        account.reconsent
          ? h('p', {}, 'A new consent is already under way: see "New consent in progress" below.')
          : undefined,
        offer.reconsent && actions(offer.reconsent),
      ),
    );
  }
  if (health.secretExpiresSoon || secretRefused(health.lastError)) {
    const refused = secretRefused(health.lastError) ? health.lastError : undefined;
    problems.push(
      h(
        'div',
        { class: 'warning', id: 'secret-problem' },
        h(
          'p',
          {},
          h(
            'strong',
            {},
            refused ? 'The application secret no longer works. ' : 'The application secret expires soon. ',
          ),
          refused
            ? 'A new client secret must be created for the app and given to Octo.'
            : `It expires on ${formatDate(account.applicationSecretExpiresAt) ?? 'a date within 30 days'}. A new client secret must be created for the app and given to Octo before then.`,
        ),
        refused ? h('p', {}, reasonLabel(refused), h('q', {}, microsoftAnswer(refused))) : undefined,
        offer.secret && actions(offer.secret),
      ),
    );
  }
  if (health.lastError && !health.reconsentRequired && !secretRefused(health.lastError)) {
    problems.push(
      h(
        'div',
        { class: 'warning', id: 'refresh-problem' },
        h(
          'p',
          {},
          h('strong', {}, 'The last token refresh did not go through. '),
          health.lastError.transient
            ? 'Microsoft or Key Vault did not answer; Octo tries again at the next weekly round.'
            : '',
        ),
        h('p', {}, 'Reason: ', h('q', {}, microsoftAnswer(health.lastError))),
      ),
    );
  }

  const level = healthLevel(health);
  return h(
    'section',
    { 'aria-labelledby': 'health-heading' },
    h('h3', { id: 'health-heading' }, 'Health'),
    ...problems,
    details(
      [
        ['Status', h('span', {}, badge(level.level), level.reason ? ` ${level.reason}` : undefined)],
        ['Last token refresh', time(health.lastRefreshAt) ?? 'Not yet (the keep-alive runs weekly)'],
        ['Last attempt', health.lastAttemptAt !== health.lastRefreshAt ? time(health.lastAttemptAt) : undefined],
        [
          'Consent valid until (estimate)',
          health.reconsentRequired
            ? 'No longer valid: an admin must consent again'
            : time(health.refreshTokenExpiresAt, formatDate),
        ],
        ['Secret expires', secretExpiry(account)],
      ],
      { 'aria-labelledby': 'health-heading', id: 'health' },
    ),
  );
}

export type HealthLevel = 'healthy' | 'action-needed' | 'failing';

const BADGE_WORDS: Record<HealthLevel, string> = {
  healthy: 'Healthy',
  'action-needed': 'Action needed',
  failing: 'Failing',
};

/**
 * One word for the account's state: failing while Octo cannot read the partner's data (consent or secret refused,
 * the last refresh failed), action needed while it can but something must be done soon (the secret expires within
 * 30 days), else healthy; with the reason in a few words.
 */
export function healthLevel(health: Health): { level: HealthLevel; reason?: string } {
  if (health.reconsentRequired) return { level: 'failing', reason: 'An admin must consent again.' };
  if (secretRefused(health.lastError)) return { level: 'failing', reason: 'The application secret is refused.' };
  if (health.lastError)
    return {
      level: 'failing',
      reason: health.lastError.transient
        ? 'The last token refresh did not go through; Octo tries again.'
        : 'The last token refresh did not go through.',
    };
  if (health.secretExpiresSoon)
    return { level: 'action-needed', reason: 'The application secret expires within 30 days.' };
  return { level: 'healthy' };
}

export const badge = (level: HealthLevel) =>
  h('span', { class: `badge badge-${level}`, 'data-level': level }, BADGE_WORDS[level]);

/** The secret's expiry date, marked when it is near; said plainly when no date was given. */
function secretExpiry(account: PayerAccountView): HTMLElement | string {
  const date = time(account.applicationSecretExpiresAt, formatDate);
  if (!date) return 'Unknown: no expiry date was given (replace the secret to give one)';
  return h('span', {}, date, account.health.secretExpiresSoon ? ' (within 30 days)' : undefined);
}
