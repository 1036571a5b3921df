import type { WizardConfig } from '../config';
import { h } from '../dom';
import { localHint } from './local-hints';
import { actions, busy, page } from './step-section';

/** Before anything: sign in with the organization's Microsoft work account. */
export function signInView(config: WizardConfig, signIn: () => Promise<void>, problem?: string): HTMLElement {
  const button = h('button', { type: 'button', class: 'primary' }, 'Sign in with Microsoft');
  button.addEventListener('click', () => void busy(button, signIn));
  return page(
    'Register your Azure CSP payer account',
    undefined,
    problem ? h('div', { class: 'form-error', role: 'alert' }, problem) : undefined,
    h(
      'p',
      {},
      'Sign in with your work account. Anyone in your organization may look; registering needs the PayerAccount.Manage role in Octo.',
    ),
    localHint(config, 'signIn'),
    actions(button),
  );
}
