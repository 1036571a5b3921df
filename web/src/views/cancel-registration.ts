import { ApiProblem } from '../api';
import type { WizardContext } from '../context';
import { h } from '../dom';
import { errorMessage } from '../fields';
import { busy } from './step-section';

/** Cancels the registration in progress (its staged secrets are deleted); the organization may start again at once. */
export function cancelButton(ctx: WizardContext): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'secondary' }, 'Cancel registration');
  const failure = h('p', { class: 'form-error', role: 'alert', id: 'cancel-error' });
  button.addEventListener('click', () => {
    if (!window.confirm('Cancel this registration? What you entered is deleted and you can start again.')) return;
    void busy(button, async () => {
      failure.remove();
      try {
        await ctx.api('DELETE', '/payer-account/registration');
        ctx.announce('Registration cancelled.');
      } catch (error) {
        // 404: it ended meanwhile; anything else is said beside the buttons, and the registration stays.
        if (!(error instanceof ApiProblem && error.status === 404)) {
          failure.textContent = `The registration was not cancelled: ${errorMessage(error)}`;
          button.parentElement?.after(failure);
          return;
        }
      }
      await ctx.refresh();
    });
  });
  return button;
}
