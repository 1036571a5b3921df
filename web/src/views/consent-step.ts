import { ApiProblem } from '../api';
import type { RegistrationView } from '../api-types';
import { consentCallbackUrl } from '../config';
import type { WizardContext } from '../context';
import { guid, mpnId as mpnIdCheck } from '../checks';
import { h } from '../dom';
import { field, FormErrors } from '../fields';
import { guideLink } from '../guide';
import { keepValues } from '../kept-values';
import { adminEmailField, offerLinkInstead } from './admin-email';
import { cancelButton } from './cancel-registration';
import { consentHelp } from './consent-help';
import { localHint } from './local-hints';
import { LOCALHOST, redirectChoice } from './redirect-choice';
import { actions, busy, stepSection } from './step-section';
import { preflightPanel } from './preflight-panel';
import { verifiedPartner } from './verified-partner';

/** Step 3: the person confirms what step 2 verified, names the admin, and asks for a consent link. */
export function consentStep(ctx: WizardContext, registration: RegistrationView): HTMLElement {
  const callback =
    registration.consent?.redirectUri && registration.consent.redirectUri !== LOCALHOST
      ? registration.consent.redirectUri
      : consentCallbackUrl(ctx.config);
  const verified = registration.verified;
  const tenantId = field({
    name: 'tenantId',
    label: 'Directory (tenant) ID',
    required: true,
    value: verified?.tenantId,
    spellcheck: false,
    hint: 'Confirm your partner tenant, as verified in step 2.',
    check: guid('under Verified with Microsoft'),
  });
  const applicationId = field({
    name: 'applicationId',
    label: 'Application (client) ID',
    required: true,
    value: verified?.applicationId,
    spellcheck: false,
    hint: 'Confirm the app the admin consents to, as verified in step 2.',
    check: guid('under Verified with Microsoft'),
  });
  const mpnId = field({
    name: 'mpnId',
    label: 'MPN ID (Partner ID)',
    optional: true,
    inputmode: 'numeric',
    // Partner Center gives the MPN ID only to a user's call (App+User), so it cannot be shown before consent.
    hint: "Octo reads your MPN ID from Partner Center after the admin's consent (Microsoft offers it only then). Type the one you expect (5 to 10 digits) and Octo checks that it matches.",
    check: mpnIdCheck,
  });
  const adminEmail = adminEmailField();
  const redirect = redirectChoice(callback, registration.consent?.redirectUri);
  const errors = new FormErrors([tenantId, applicationId, mpnId, adminEmail]);
  const kept = keepValues('partner-api-consent', [mpnId, adminEmail]);
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Get the consent link');
  const form = h(
    'form',
    { novalidate: true },
    errors.summary,
    tenantId.element,
    applicationId.element,
    mpnId.element,
    adminEmail.element,
    redirect.element,
    actions(submit, cancelButton(ctx)),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      if (!errors.check()) return;
      const optional = (name: string, value: string) => (value.trim() ? { [name]: value.trim() } : {});
      const redirectUri = redirect.value();
      try {
        const { body } = await ctx.api<{ emailedTo?: string }>(
          'PUT',
          '/payer-account/registration/partner-api-credentials',
          {
            tenantId: tenantId.input.value.trim(),
            applicationId: applicationId.input.value.trim(),
            ...optional('mpnId', mpnId.input.value),
            ...optional('adminEmail', adminEmail.input.value),
            redirectUri,
          },
        );
        kept.forget();
        ctx.announce(body.emailedTo ? `Consent link sent to ${body.emailedTo}.` : 'Consent link ready.');
        await ctx.refresh();
      } catch (error) {
        if (error instanceof ApiProblem && error.code === 'registration_not_at_this_step') return ctx.refresh();
        errors.show(error);
        offerLinkInstead(error, adminEmail, form);
      }
    });
  });

  const view = stepSection(
    3,
    'Partner API consent',
    h(
      'p',
      {},
      'An admin of your partner tenant signs in to Microsoft and accepts that Octo reads Azure prices through your app. ',
      guideLink('step-3-partner-api-consent', 'Guide: Step 3'),
    ),
    verifiedPartner(verified),
    consentHelp(callback),
    preflightPanel(ctx),
    localHint(ctx.config, 'consent'),
    form,
  );
  const earlier =
    registration.status === 'consentExpired'
      ? { code: 'consent_expired', message: 'The consent link expired before the admin consented. Ask for a new one.' }
      : registration.error;
  // After the view is shown (which focuses its heading), so the error takes focus and is announced.
  if (earlier)
    setTimeout(() =>
      errors.show(new ApiProblem(422, earlier.code, earlier.message, 'field' in earlier ? earlier.field : undefined)),
    );
  return view;
}
