import { ApiProblem } from '../api';
import { email } from '../checks';
import { h } from '../dom';
import type { Field } from '../fields';
import { field } from '../fields';

/** The API sends the consent link only to addresses the partner plausibly owns; anything else is this 422. */
export const ADMIN_EMAIL_NOT_ALLOWED = 'admin_email_not_allowed';

/** Step 3's and re-consent's optional e-mail of the admin who consents. */
export function adminEmailField(lastTime?: string): Field {
  return field({
    name: 'adminEmail',
    label: "Admin's e-mail",
    type: 'email',
    optional: true,
    autocomplete: 'email',
    check: email,
    hint: `Octo e-mails the consent link to this admin, at an address of your organization. Leave it empty to open or copy the link yourself.${lastTime ? ` Last time the link went to ${lastTime}.` : ''}`,
  });
}

/**
 * When the API refused to e-mail that address: after the API's message, a button that sends the form again
 * without the e-mail, so the person gets the link to copy and pass on.
 */
export function offerLinkInstead(error: unknown, adminEmail: Field, form: HTMLFormElement): void {
  const refused =
    error instanceof ApiProblem && [error, ...error.errors].some((p) => p.code === ADMIN_EMAIL_NOT_ALLOWED);
  if (!refused) return;
  const instead = h(
    'button',
    { type: 'button', class: 'secondary', id: 'link-instead' },
    'Get the link to copy instead',
  );
  instead.addEventListener('click', () => {
    adminEmail.input.value = '';
    adminEmail.input.dispatchEvent(new Event('input'));
    form.requestSubmit();
  });
  // Inside the field's error, so it goes when the error does.
  adminEmail.error.append(' ', instead);
}
