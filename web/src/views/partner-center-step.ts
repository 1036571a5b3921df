import { ApiProblem } from '../api';
import type { RegistrationView } from '../api-types';
import type { WizardContext } from '../context';
import { domainOrTenantId, guid } from '../checks';
import { h } from '../dom';
import { field, FormErrors } from '../fields';
import { keepValues } from '../kept-values';
import { cancelButton } from './cancel-registration';
import { localHint } from './local-hints';
import { partnerCenterHelp } from './partner-center-help';
import { actions, busy, stepSection } from './step-section';

const VERIFYING = 'verifyingPartnerCenterCredentials';

/** Step 2: the Partner Center app's ID, the partner's domain or tenant ID, the secret; verified with Microsoft at once. */
export function partnerCenterStep(ctx: WizardContext, registration: RegistrationView): HTMLElement {
  const applicationId = field({
    name: 'applicationId',
    label: 'Application (client) ID',
    required: true,
    spellcheck: false,
    placeholder: '00000000-0000-0000-0000-000000000000',
    hint: 'The App ID of your Partner Center app (Account settings → App management).',
    check: guid("in Partner Center's App management or on the app's Overview page"),
  });
  const domain = field({
    name: 'domain',
    label: 'Domain or Directory (tenant) ID',
    required: true,
    spellcheck: false,
    placeholder: 'contoso.onmicrosoft.com',
    hint: "Your partner tenant's domain, or its Directory (tenant) ID.",
    check: domainOrTenantId,
  });
  const secret = field({
    name: 'secret',
    label: 'Client secret value',
    secret: true,
    required: true,
    autocomplete: 'off',
    hint: "The secret's Value, not its Secret ID. It is sent once over HTTPS and kept in Key Vault; Octo never shows it again.",
  });
  const expiry = field({
    name: 'secretExpiresAt',
    label: 'Secret expiry date',
    type: 'date',
    optional: true,
    hint: 'The Expires date shown with the secret: Octo reminds you 30 days before.',
  });
  const errors = new FormErrors([applicationId, domain, secret, expiry]);
  // Typed values come back after a reload; the secret never is kept.
  const kept = keepValues('partner-center', [applicationId, domain, expiry]);
  const status = h('p', { class: 'status', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Verify credentials');

  // Resolves when the verification has answered, so the button stays busy (nothing is sent twice) until then.
  const waitForVerification = () =>
    new Promise<void>((resolve) => {
      status.textContent = 'Checking your credentials with Microsoft Entra ID and Partner Center…';
      ctx.poll(view, async () => {
        const { body } = await ctx.api<RegistrationView>('GET', '/payer-account/registration');
        if (!view.isConnected) return true;
        if (body.status === VERIFYING) return false;
        status.textContent = '';
        resolve();
        if (body.error) errors.show(new ApiProblem(422, body.error.code, body.error.message, body.error.field));
        else {
          kept.forget();
          await ctx.refresh();
        }
        return true;
      });
    });

  const form = h(
    'form',
    { novalidate: true },
    errors.summary,
    applicationId.element,
    domain.element,
    secret.element,
    expiry.element,
    status,
    actions(submit, cancelButton(ctx)),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      if (!errors.check()) return;
      const body = {
        applicationId: applicationId.input.value.trim(),
        domain: domain.input.value.trim(),
        secret: secret.input.value,
        ...(expiry.input.value ? { secretExpiresAt: expiry.input.value } : {}),
      };
      status.textContent = 'Checking your credentials with Microsoft…';
      try {
        const answer = await ctx.api<{ verified?: { companyName: string } }>(
          'PUT',
          '/payer-account/registration/partner-center-credentials',
          body,
        );
        if (answer.status === 202) return waitForVerification();
        status.textContent = '';
        kept.forget();
        ctx.announce(`Credentials verified for ${answer.body.verified?.companyName ?? 'your company'}.`);
        await ctx.refresh();
      } catch (error) {
        status.textContent = '';
        if (error instanceof ApiProblem && error.code === 'registration_not_at_this_step') return ctx.refresh();
        errors.show(error);
      }
    });
  });

  const view = stepSection(
    2,
    'Partner Center credentials',
    h(
      'p',
      {},
      'Octo reads your Azure pricing through your Partner Center app. Give its ID and a secret; Octo checks them with Microsoft right away.',
    ),
    partnerCenterHelp(),
    localHint(ctx.config, 'partnerCenter'),
    form,
  );
  if (registration.status === VERIFYING) void busy(submit, waitForVerification);
  // After the view is shown (which focuses its heading), so the error takes focus and is announced.
  else if (registration.error)
    setTimeout(() =>
      errors.show(
        new ApiProblem(422, registration.error!.code, registration.error!.message, registration.error!.field),
      ),
    );
  return view;
}
