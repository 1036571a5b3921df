import type { PayerAccountView } from '../api-types';
import type { WizardContext } from '../context';
import { code, formatDate, h } from '../dom';
import { field, FormErrors } from '../fields';
import { guideLink } from '../guide';
import { localHint } from './local-hints';
import { actions, busy, page } from './step-section';

interface SecretUpdated {
  applicationSecret: { name: string; version: string };
  expiresAt?: string;
}

/**
 * A new application secret for the registered account: checked with Microsoft as in step 2 before it replaces the
 * old one (a refused secret changes nothing), with its expiry date for the 30-day reminder.
 */
export function replaceSecretView(ctx: WizardContext, account: PayerAccountView): HTMLElement {
  const secret = field({
    name: 'secret',
    label: 'New client secret value',
    secret: true,
    required: true,
    autocomplete: 'off',
    hint: "The new secret's Value, not its Secret ID. It is sent once over HTTPS and kept in Key Vault; Octo never shows it again.",
  });
  const expiry = field({
    name: 'expiresAt',
    label: "New secret's expiry date",
    type: 'date',
    optional: true,
    hint: 'The Expires date shown with the secret: Octo reminds you 30 days before.',
  });
  const errors = new FormErrors([secret, expiry]);
  const status = h('p', { class: 'status', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Replace the secret');
  const back = backButton(ctx, 'secondary');
  const form = h(
    'form',
    { novalidate: true },
    errors.summary,
    secret.element,
    expiry.element,
    status,
    actions(submit, back),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      if (!errors.check()) return;
      status.textContent = 'Checking the new secret with Microsoft Entra ID and Partner Center…';
      try {
        const { body } = await ctx.api<SecretUpdated>('PUT', '/payer-account/secret', {
          secret: secret.input.value,
          ...(expiry.input.value ? { expiresAt: expiry.input.value } : {}),
        });
        secret.input.value = '';
        const message = body.expiresAt
          ? `The new secret is in use. It expires on ${formatDate(body.expiresAt)}; Octo reminds you 30 days before.`
          : 'The new secret is in use. No expiry date was given, so Octo cannot remind you before it expires.';
        ctx.announce(message);
        ctx.show(
          page(
            'Application secret replaced',
            undefined,
            h('p', { class: 'success', id: 'secret-replaced' }, message),
            h(
              'p',
              {},
              "Octo's copy of the old secret is disabled. Delete the old secret in the Microsoft Entra admin center once nothing else uses it.",
            ),
            actions(backButton(ctx, 'primary')),
          ),
        );
      } catch (error) {
        status.textContent = '';
        errors.show(error);
      }
    });
  });
  return page(
    'Replace the application secret',
    undefined,
    h(
      'p',
      {},
      'Octo signs in to Microsoft with your app ',
      code(account.applicationId),
      " and its client secret. Paste a new secret's value: Octo checks it with Microsoft first, and if the check fails nothing changes.",
    ),
    h(
      'details',
      { class: 'help' },
      h('summary', {}, 'Creating a new client secret'),
      h(
        'ol',
        {},
        h(
          'li',
          {},
          'In the Microsoft Entra admin center, open ',
          h('strong', {}, 'App registrations'),
          ', your app, then ',
          h('strong', {}, 'Certificates & secrets → New client secret'),
          ' (or ',
          h('strong', {}, 'Add key'),
          " in Partner Center's App management).",
        ),
        h(
          'li',
          {},
          "Copy the secret's ",
          h('strong', {}, 'Value'),
          ' at once: it is shown only once. The ',
          h('em', {}, 'Secret ID'),
          ' beside it is not the secret.',
        ),
        h('li', {}, 'Note its ', h('strong', {}, 'Expires'), ' date and give it below.'),
      ),
      h('p', {}, guideLink('replace-the-application-secret', 'Guide: Replace the application secret')),
    ),
    localHint(ctx.config, 'secret'),
    form,
  );
}

function backButton(ctx: WizardContext, kind: 'primary' | 'secondary'): HTMLButtonElement {
  const button = h('button', { type: 'button', class: kind }, 'Back to the account');
  button.addEventListener('click', () => void ctx.refresh());
  return button;
}
