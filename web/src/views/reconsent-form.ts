import type { ConsentLinkView, PayerAccountView } from '../api-types';
import { consentCallbackUrl } from '../config';
import type { WizardContext } from '../context';
import { h } from '../dom';
import { FormErrors } from '../fields';
import { guideLink } from '../guide';
import { keepValues } from '../kept-values';
import { adminEmailField, offerLinkInstead } from './admin-email';
import { consentHelp } from './consent-help';
import { localHint } from './local-hints';
import { LOCALHOST, redirectChoice } from './redirect-choice';
import { actions, busy, page } from './step-section';

/**
 * Re-consent of the registered account (step 3 again): who to e-mail the link to and where Microsoft sends the
 * admin afterwards. Asking while a re-consent waits issues a new link for it; the old link stops working.
 */
export function reconsentForm(ctx: WizardContext, account: PayerAccountView): HTMLElement {
  const current = account.reconsent?.consent?.redirectUri;
  const callback = current && current !== LOCALHOST ? current : consentCallbackUrl(ctx.config);
  const adminEmail = adminEmailField(account.adminEmail);
  const redirect = redirectChoice(callback, current);
  const errors = new FormErrors([adminEmail]);
  const kept = keepValues('reconsent', [adminEmail]);
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Get the consent link');
  const back = h('button', { type: 'button', class: 'secondary' }, 'Back to the account');
  back.addEventListener('click', () => void ctx.refresh());
  const form = h(
    'form',
    { novalidate: true },
    errors.summary,
    adminEmail.element,
    redirect.element,
    actions(submit, back),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      if (!errors.check()) return;
      const email = adminEmail.input.value.trim();
      try {
        const { body } = await ctx.api<ConsentLinkView>('POST', '/payer-account/reconsent', {
          ...(email ? { adminEmail: email } : {}),
          redirectUri: redirect.value(),
        });
        kept.forget();
        ctx.announce(body.emailedTo ? `Consent link sent to ${body.emailedTo}.` : 'Consent link ready.');
        await ctx.refresh();
      } catch (error) {
        errors.show(error);
        offerLinkInstead(error, adminEmail, form);
      }
    });
  });
  return page(
    'Ask the admin to consent again',
    undefined,
    h(
      'p',
      {},
      'An admin of your partner tenant signs in to Microsoft and accepts again that Octo reads Azure prices through your app ',
      h('code', {}, account.applicationId),
      '. Nothing else changes: Octo keeps the consent it has until the new one is in. ',
      guideLink('consent-again', 'Guide: Consent again'),
    ),
    consentHelp(callback),
    localHint(ctx.config, 'consent'),
    form,
  );
}
