import { ApiProblem } from '../api';
import type { PayerAccountView } from '../api-types';
import type { WizardContext } from '../context';
import { copyable } from '../copy-button';
import { details, formatTime, h } from '../dom';
import { accountHealth, secretNeedsReplacing } from './account-health';
import { connectionPanel } from './connection-panel';
import { deregisterButton } from './deregister';
import { readOnlyNotice } from './read-only';
import { reconsentForm } from './reconsent-form';
import { reconsentKey, reconsentProgress, reconsentStatus } from './reconsent-progress';
import { replaceSecretView } from './replace-secret';
import { actions, page } from './step-section';

const HEALTHY_AGAIN = 'The admin consented again: the account is healthy.';
const ENDED = 'The new consent ended without the admin consenting. Ask again when the admin is ready.';

/**
 * The registered payer account: its details, its health explained with the action that fixes it, a re-consent in
 * progress (followed live until it is done), and the account's actions: re-consent, a new secret, deregistration.
 * `notice`: what just happened (the admin consented again), shown above the rest.
 */
export function payerAccountView(ctx: WizardContext, account: PayerAccountView, notice?: string): HTMLElement {
  const health = account.health;
  const button = (label: string, kind: 'primary' | 'secondary', onClick: () => void) => {
    const b = h('button', { type: 'button', class: kind }, label);
    b.addEventListener('click', onClick);
    return b;
  };
  // Each action appears once: beside the problem it fixes, else under "Manage the account"; none for a member who
  // may only look.
  const readOnly = ctx.caller && !ctx.caller.canManage ? ctx.caller : undefined;
  const reconsentUrgent = health.reconsentRequired;
  const secretUrgent = secretNeedsReplacing(health);
  const reconsent = readOnly
    ? undefined
    : button('Ask the admin to consent again', reconsentUrgent ? 'primary' : 'secondary', () =>
        ctx.show(reconsentForm(ctx, account)),
      );
  const secret = readOnly
    ? undefined
    : button('Replace the application secret', secretUrgent ? 'primary' : 'secondary', () =>
        ctx.show(replaceSecretView(ctx, account)),
      );
  let panel = account.reconsent ? reconsentProgress(ctx, account.reconsent, reconsent) : undefined;
  const reconsentInHealth = reconsentUrgent && !panel;

  const view = page(
    account.accountName ? `Payer account: ${account.accountName}` : 'Your Azure CSP payer account',
    undefined,
    notice ? h('p', { class: 'notice', id: 'account-notice' }, notice) : undefined,
    health.reconsentRequired
      ? h('p', {}, 'Registered, but paused until an admin consents again (see Health).')
      : h('p', { class: 'success' }, 'Registered. Octo reads your Azure prices and billing data with this account.'),
    details(
      [
        ['Company', account.companyName],
        ['Country', account.country],
        ['MPN ID', account.mpnId],
        ['Directory (tenant) ID', copyable(account.tenantId, 'the Directory (tenant) ID')],
        ['Application (client) ID', copyable(account.applicationId, 'the Application (client) ID')],
        ['Consented by', account.consentedBy],
        ['Registered', formatTime(account.registeredAt)],
      ],
      { 'aria-label': 'Account details' },
    ),
    accountHealth(account, {
      reconsent: reconsentInHealth ? reconsent : undefined,
      secret: secretUrgent ? secret : undefined,
    }),
    connectionPanel(ctx, account, !readOnly),
    panel,
    readOnly
      ? readOnlyNotice(readOnly)
      : h(
          'section',
          { 'aria-labelledby': 'manage-heading' },
          h('h3', { id: 'manage-heading' }, 'Manage the account'),
          actions(
            reconsentInHealth || panel ? undefined : reconsent,
            secretUrgent ? undefined : secret,
            deregisterButton(ctx, account),
          ),
        ),
  );

  // A re-consent in progress is followed until it is gone: its panel is redrawn when its status, link or error
  // changes; once it is over, the account is shown afresh with what happened.
  let shown = account.reconsent;
  if (shown) {
    ctx.poll(view, async () => {
      let next: PayerAccountView;
      try {
        next = (await ctx.api<PayerAccountView>('GET', '/payer-account')).body;
        if (!view.isConnected) return true; // the person moved on (e.g. to replace the secret) while this look was under way
      } catch (error) {
        if (!(error instanceof ApiProblem && error.status === 404)) throw error;
        await ctx.refresh(); // deregistered meanwhile
        return true;
      }
      if (!next.reconsent) {
        const message = next.health.reconsentRequired ? ENDED : HEALTHY_AGAIN;
        ctx.announce(message);
        ctx.show(payerAccountView(ctx, next, message));
        return true;
      }
      if (shown && reconsentKey(next.reconsent) !== reconsentKey(shown) && panel) {
        const hadFocus = panel.contains(document.activeElement);
        const redrawn = reconsentProgress(ctx, next.reconsent, reconsent);
        panel.replaceWith(redrawn);
        panel = redrawn;
        shown = next.reconsent;
        ctx.announce(reconsentStatus(next.reconsent));
        if (hadFocus) redrawn.querySelector<HTMLElement>('h3')?.focus();
      }
      return false;
    });
  }
  return view;
}
