import { ApiProblem } from '../api';
import type { RegistrationView } from '../api-types';
import type { WizardContext } from '../context';
import { copyButton } from '../copy-button';
import { formatTime, h } from '../dom';
import { guideLink } from '../guide';
import { handMadeAddress } from './hand-made-address';
import { cancelButton } from './cancel-registration';
import { consentStep } from './consent-step';
import { CONSENT_RECEIVED, pastedAddressForm } from './pasted-address-form';
import { LOCALHOST } from './redirect-choice';
import { actions, stepSection } from './step-section';
import { verifiedPartner } from './verified-partner';

const WAITING = 'Waiting for the admin to consent…';
const REDEEMING = 'Consent received. Checking access to the Partner API and your MPN profile…';

/** Step 3 while the admin has the link: the link itself, the pasted-address path, and the registration's live status. */
export function consentWaiting(ctx: WizardContext, registration: RegistrationView): HTMLElement {
  const consent = registration.consent;
  const status = h(
    'p',
    { class: 'status', role: 'status', 'aria-live': 'polite' },
    registration.status === 'redeemingConsent' ? REDEEMING : WAITING,
  );
  const link = consent?.consentLink
    ? h(
        'p',
        { class: 'link-row' },
        h(
          'a',
          {
            href: consent.consentLink,
            target: '_blank',
            rel: 'noopener noreferrer',
            class: 'button-link',
            id: 'consent-link',
          },
          'Open the consent page in a new tab',
        ),
        copyButton(consent.consentLink, 'the consent link'),
      )
    : undefined;
  const again = h('button', { type: 'button', class: 'secondary' }, 'Change details or get a new link');
  again.addEventListener('click', () => ctx.show(consentStep(ctx, registration)));
  const pasted =
    consent?.redirectUri === LOCALHOST || consent?.handMade
      ? pastedAddressForm(ctx, '/payer-account/registration/authorization-code', (message) => {
          status.textContent = message === CONSENT_RECEIVED ? REDEEMING : `${message}.`;
        })
      : undefined;

  const view = stepSection(
    3,
    'Waiting for consent',
    verifiedPartner(registration.verified),
    consent?.emailedTo
      ? h(
          'p',
          {},
          'We sent the consent link to ',
          h('strong', {}, consent.emailedTo),
          '. If you are that admin, you can also open it here.',
        )
      : undefined,
    h(
      'p',
      {},
      'The admin signs in to Microsoft with their Partner Center account (Admin agent role, with multi-factor authentication) and selects Accept.',
    ),
    link,
    handMadeAddress(consent?.handMade),
    consent?.expiresAt
      ? h('p', { class: 'hint' }, `The link works until ${formatTime(consent.expiresAt)}.`)
      : undefined,
    status,
    pasted,
    h('p', { class: 'hint' }, guideLink('waiting-for-consent', 'Guide: Waiting for consent')),
    actions(again, cancelButton(ctx)),
  );
  ctx.poll(view, async () => {
    let current: RegistrationView;
    try {
      current = (await ctx.api<RegistrationView>('GET', '/payer-account/registration')).body;
      if (!view.isConnected) return true; // the person moved on while this look was under way
    } catch (error) {
      // Once registered, the registration is over: the payer account tells the rest.
      if (!(error instanceof ApiProblem && error.status === 404)) throw error;
      await ctx.refresh();
      return true;
    }
    if (current.status === 'awaitingConsent' && current.consent?.linkId === consent?.linkId) return false;
    if (current.status === 'redeemingConsent') {
      if (status.textContent !== REDEEMING) status.textContent = REDEEMING;
      return false;
    }
    await ctx.refresh();
    return true;
  });

  return view;
}
