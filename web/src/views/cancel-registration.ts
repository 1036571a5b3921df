import { ApiProblem } from '../api';
import type { WizardContext } from '../context';
import { h } from '../dom';
import { busy } from './step-section';

/** Cancels the registration in progress (its staged secrets are deleted); the organization may start again at once. */
export function cancelButton(ctx: WizardContext): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'secondary' }, 'Cancel registration');
  button.addEventListener('click', () => {
    if (!window.confirm('Cancel this registration? What you entered is deleted and you can start again.')) return;
    void busy(button, async () => {
      try {
        await ctx.api('DELETE', '/payer-account/registration');
        ctx.announce('Registration cancelled.');
      } catch (error) {
        if (!(error instanceof ApiProblem && error.status === 404)) throw error;
      }
      await ctx.refresh();
    });
  });
  return button;
}
