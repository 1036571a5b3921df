import type { PayerAccountView } from '../api-types';
import type { WizardContext } from '../context';
import { copyButton } from '../copy-button';
import { formatTime, h } from '../dom';
import { microsoftAnswer } from './account-health';
import { handMadeAddress } from './hand-made-address';
import { CONSENT_RECEIVED, pastedAddressForm } from './pasted-address-form';
import { LOCALHOST } from './redirect-choice';
import { actions } from './step-section';

export type Reconsent = NonNullable<PayerAccountView['reconsent']>;

const WAITING = 'Waiting for the admin to consent…';
const REDEEMING = 'Consent received. Checking access to the Partner API and your MPN profile…';

/** What the re-consent is doing, in one sentence (also what is announced when it changes). */
export function reconsentStatus(reconsent: Reconsent): string {
  switch (reconsent.status) {
    case 'awaitingConsent':
      return WAITING;
    case 'redeemingConsent':
    case 'registered':
      return REDEEMING;
    case 'consentExpired':
      return 'The consent link expired before the admin consented: a new one is needed.';
    case 'awaitingPartnerApiCredentials':
      return reconsent.error
        ? "The admin's consent did not go through: once the cause is fixed, a new consent is needed."
        : 'Preparing the consent link…';
    default:
      return 'The new consent has ended.';
  }
}

/** Identifies what the panel shows: a change of status, link or error redraws it. */
export const reconsentKey = (r: Reconsent) =>
  [r.status, r.consent?.linkId, r.consent?.redirectUri, r.error?.code].join('|');

/**
 * A re-consent in progress (asked for here, or started by the weekly keep-alive, which e-mails the admin): its
 * link, the pasted-address form for https://localhost, why the last consent failed, and its status.
 * `again`: the button that asks for a new link; undefined for a member who may not change the account, who
 * gets neither it nor the pasted-address form (the link any admin may open).
 */
export function reconsentProgress(
  ctx: WizardContext,
  reconsent: Reconsent,
  again: HTMLElement | undefined,
): HTMLElement {
  const consent = reconsent.status === 'awaitingConsent' ? reconsent.consent : undefined;
  const status = h(
    'p',
    { class: 'status', role: 'status', 'aria-live': 'polite', id: 'reconsent-status' },
    reconsentStatus(reconsent),
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
  const pasted =
    again && (consent?.redirectUri === LOCALHOST || consent?.handMade)
      ? pastedAddressForm(ctx, '/payer-account/reconsent/authorization-code', (message) => {
          status.textContent = message === CONSENT_RECEIVED ? REDEEMING : `${message}.`;
        })
      : undefined;
  return h(
    'section',
    { 'aria-labelledby': 'reconsent-heading', id: 'reconsent' },
    h('h3', { id: 'reconsent-heading', tabindex: '-1' }, 'New consent in progress'),
    reconsent.error
      ? h(
          'p',
          { class: 'form-error' },
          'The last consent was not accepted: ',
          h('q', {}, microsoftAnswer(reconsent.error)),
        )
      : undefined,
    consent?.emailedTo
      ? h(
          'p',
          {},
          'We sent the consent link to ',
          h('strong', {}, consent.emailedTo),
          '. If you are that admin, you can also open it here.',
        )
      : undefined,
    consent
      ? h(
          'p',
          {},
          'The admin signs in to Microsoft with their Partner Center account (Admin agent role, with multi-factor authentication) and selects Accept. ' +
            'Until then Octo keeps using the consent it has.',
        )
      : undefined,
    link,
    again ? handMadeAddress(consent?.handMade) : undefined,
    consent?.expiresAt
      ? h('p', { class: 'hint' }, `The link works until ${formatTime(consent.expiresAt)}.`)
      : undefined,
    status,
    pasted,
    // While Microsoft's answer is being checked there is nothing to ask again.
    reconsent.status === 'redeemingConsent' || !again ? undefined : actions(again),
  );
}
