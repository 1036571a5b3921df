import { ApiProblem } from '../api';
import type { ConsentLinkView, PayerAccountView } from '../api-types';
import { consentCallbackUrl } from '../config';
import type { WizardContext } from '../context';
import { h } from '../dom';
import { field, FormErrors } from '../fields';
import { consentHelp } from './consent-help';
import { localHint } from './local-hints';
import { LOCALHOST, redirectChoice } from './redirect-choice';
import { actions, busy, page } from './step-section';

/** How long to wait for the re-consent to put the new link in force before showing the account anyway. */
const LINK_WAIT_MS = 15_000;

/**
 * Re-consent of the registered account (step 3 again): who to e-mail the link to and where Microsoft sends the
 * admin afterwards. Asking while a re-consent waits issues a new link for it; the old link stops working.
 */
export function reconsentForm(ctx: WizardContext, account: PayerAccountView): HTMLElement {
  const current = account.reconsent?.consent?.redirectUri;
  const callback = current && current !== LOCALHOST ? current : consentCallbackUrl(ctx.config);
  const adminEmail = field({ name: 'adminEmail', label: 'Admin\'s e-mail', type: 'email', optional: true, autocomplete: 'email',
    hint: `Octo e-mails the consent link to this admin. Leave it empty to open the link yourself.${account.adminEmail ? ` Last time the link went to ${account.adminEmail}.` : ''}` });
  const redirect = redirectChoice(callback, current);
  const errors = new FormErrors([adminEmail]);
  const status = h('p', { class: 'status', role: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Get the consent link');
  const back = h('button', { type: 'button', class: 'secondary' }, 'Back to the account');
  back.addEventListener('click', () => void ctx.refresh());
  const form = h('form', { novalidate: true }, errors.summary, adminEmail.element, redirect.element, status, actions(submit, back));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      errors.clear();
      const email = adminEmail.input.value.trim();
      try {
        const { body } = await ctx.api<ConsentLinkView>('POST', '/payer-account/reconsent', { ...(email ? { adminEmail: email } : {}), redirectUri: redirect.value() });
        status.textContent = 'Preparing the consent link…';
        await linkInForce(ctx, body.expiresAt);
        status.textContent = '';
        ctx.announce(body.emailedTo ? `Consent link sent to ${body.emailedTo}.` : 'Consent link ready.');
        await ctx.refresh();
      } catch (error) {
        status.textContent = '';
        errors.show(error);
      }
    });
  });
  return page('Ask the admin to consent again', undefined,
    h('p', {}, 'An admin of your partner tenant signs in to Microsoft and accepts again that Octo reads Azure prices through your app ',
      h('code', {}, account.applicationId), '. Nothing else changes: Octo keeps the consent it has until the new one is in.'),
    consentHelp(callback), localHint(ctx.config, 'consent'), form);
}

/**
 * The new link works once the re-consent has taken it in (a moment after the request): until then the consent page
 * would call it replaced. Waits until the account shows the link with this expiry (or the re-consent moved on).
 */
async function linkInForce(ctx: WizardContext, expiresAt: string): Promise<void> {
  const until = Date.now() + LINK_WAIT_MS;
  while (Date.now() < until) {
    try {
      const { body } = await ctx.api<PayerAccountView>('GET', '/payer-account');
      // A new re-consent shows on the account once its workflow has started.
      const reconsent = body.reconsent;
      if (reconsent && (reconsent.consent?.expiresAt === expiresAt || !['awaitingConsent', 'awaitingPartnerApiCredentials', 'consentExpired'].includes(reconsent.status))) return;
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 404) return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
