import { ApiProblem } from '../api';
import type { PayerAccountView } from '../api-types';
import type { WizardContext } from '../context';
import { code, h } from '../dom';
import { FormErrors } from '../fields';
import { actions, busy, page } from './step-section';

/** The account page's button: it leads to the confirmation, never straight to the deletion. */
export function deregisterButton(ctx: WizardContext, account: PayerAccountView): HTMLButtonElement {
  // Styled as destructive: it leads to deleting the account, even if only after a confirmation.
  const button = h('button', { type: 'button', class: 'danger-outline' }, 'Deregister this payer account');
  button.addEventListener('click', () => ctx.show(deregisterConfirmation(ctx, account)));
  return button;
}

/** What deregistering deletes, then an explicit choice; done, the organization is back at step 1. */
export function deregisterConfirmation(ctx: WizardContext, account: PayerAccountView): HTMLElement {
  const errors = new FormErrors([]);
  const confirm = h('button', { type: 'button', class: 'danger' }, 'Yes, deregister');
  const keep = h('button', { type: 'button', class: 'secondary' }, 'No, keep the account');
  keep.addEventListener('click', () => void ctx.refresh());
  confirm.addEventListener(
    'click',
    () =>
      void busy(confirm, async () => {
        errors.clear();
        try {
          await ctx.api('DELETE', '/payer-account');
          ctx.announce('The payer account is deregistered.');
        } catch (error) {
          // Already gone (deregistered from elsewhere): the same end.
          if (!(error instanceof ApiProblem && error.status === 404)) return errors.show(error);
        }
        await ctx.refresh();
      }),
  );
  return page(
    'Deregister the payer account?',
    undefined,
    h('p', {}, 'Deregistering deletes, in Octo:'),
    h(
      'ul',
      {},
      h(
        'li',
        {},
        'The payer account ',
        h('strong', {}, account.accountName ?? account.companyName),
        ' (tenant ',
        code(account.tenantId),
        ', app ',
        code(account.applicationId),
        ').',
      ),
      h(
        'li',
        {},
        "Its secrets in Octo's Key Vault: the stored copy of the application secret and the admin's consent (the token).",
      ),
      account.reconsent ? h('li', {}, 'The new consent in progress: its link stops working.') : undefined,
    ),
    h(
      'p',
      {},
      'Octo then stops reading your Azure prices and billing data. Your app and its secrets in your own tenant stay as they are. ' +
        'Your organization may register again at any time.',
    ),
    errors.summary,
    actions(confirm, keep),
  );
}
