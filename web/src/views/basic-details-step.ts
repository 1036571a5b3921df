import { ApiProblem } from '../api';
import type { WizardContext } from '../context';
import { accountName as nameCheck } from '../checks';
import { h } from '../dom';
import { field, FormErrors } from '../fields';
import { guideLink } from '../guide';
import { keepValues } from '../kept-values';
import { actions, busy, stepSection } from './step-section';

/** Step 1: the account's name; starting the registration claims the organization's one payer account. */
export function basicDetailsStep(ctx: WizardContext): HTMLElement {
  const name = field({
    name: 'accountName',
    label: 'Account name',
    optional: true,
    autocomplete: 'organization',
    hint: 'How this payer account appears in Octo, for example "Contoso CSP". You can leave it empty.',
    check: nameCheck,
  });
  const errors = new FormErrors([name]);
  const kept = keepValues('basic-details', [name]);
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Start registration');
  const form = h('form', { novalidate: true }, errors.summary, name.element, actions(submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      if (!errors.check()) return;
      const accountName = name.input.value.trim();
      try {
        await ctx.api('POST', '/payer-account/registration', accountName ? { accountName } : {});
        kept.forget();
        ctx.announce('Registration started.');
        await ctx.refresh();
      } catch (error) {
        // Someone else in the organization got there first: show where it stands.
        if (error instanceof ApiProblem && ['payer_account_exists', 'registration_in_progress'].includes(error.code))
          return ctx.refresh();
        errors.show(error);
      }
    });
  });
  return stepSection(
    1,
    'Basic details',
    h(
      'p',
      {},
      "Register your organization's Azure CSP payer account so Octo can read your Azure prices and billing data from Microsoft. " +
        'It takes three steps; an admin of your partner tenant consents in the last one. Each organization has one payer account.',
    ),
    h(
      'p',
      {},
      'Prepare your app registration and the admin first, as the ',
      guideLink('what-you-need', 'partner setup guide'),
      ' describes.',
    ),
    form,
  );
}
