import type { CallerView, RegistrationView } from '../api-types';
import type { WizardContext } from '../context';
import { formatTime, h } from '../dom';
import { actions, page } from './step-section';

/** Why a member sees no buttons: they may look, not change; and what to ask for. */
export function readOnlyNotice(caller: CallerView): HTMLElement {
  return h(
    'p',
    { class: 'notice', id: 'read-only' },
    "You can see your organization's payer account but not change it. To register or manage it, ask your administrator to assign you the ",
    h('strong', {}, caller.manageRole),
    ' app role, then sign out and in again.',
  );
}

const STATUS_WORDS: Partial<Record<RegistrationView['status'], string>> = {
  starting: 'starting',
  awaitingPartnerCenterCredentials: 'waiting for the Partner Center credentials',
  verifyingPartnerCenterCredentials: 'verifying the Partner Center credentials',
  awaitingPartnerApiCredentials: 'waiting for the Partner API credentials',
  awaitingConsent: 'waiting for an admin to consent',
  consentExpired: 'the consent link expired',
  redeemingConsent: "checking the admin's consent",
};

/**
 * For a member without the write role, when the organization has no payer account: that nobody registered it
 * yet, or how far the registration someone started has come (with its consent link, which any admin may open).
 */
export function readOnlyView(
  ctx: WizardContext,
  caller: CallerView,
  registration: RegistrationView | undefined,
): HTMLElement {
  const again = h('button', { type: 'button', class: 'secondary' }, 'Check again');
  again.addEventListener('click', () => void ctx.refresh());
  const inProgress = registration && !['expired', 'cancelled'].includes(registration.status) ? registration : undefined;
  if (!inProgress) {
    return page(
      'No payer account yet',
      undefined,
      h('p', {}, 'Your organization has not registered its Azure CSP payer account with Octo yet.'),
      readOnlyNotice(caller),
      actions(again),
    );
  }
  const step = inProgress.step === 'partnerApiConsent' ? 3 : 2;
  const link = inProgress.status === 'awaitingConsent' ? inProgress.consent?.consentLink : undefined;
  return page(
    'Registration in progress',
    undefined,
    h(
      'p',
      { id: 'registration-progress' },
      `Someone in your organization is registering the payer account: step ${step} of 3, ${STATUS_WORDS[inProgress.status] ?? inProgress.status}.`,
    ),
    inProgress.expiresAt
      ? h('p', { class: 'hint' }, `It must be finished by ${formatTime(inProgress.expiresAt)}.`)
      : undefined,
    link
      ? h(
          'p',
          {},
          'If you are the admin who consents: ',
          h(
            'a',
            { href: link, target: '_blank', rel: 'noopener noreferrer', id: 'consent-link' },
            'open the consent page in a new tab',
          ),
          '.',
        )
      : undefined,
    readOnlyNotice(caller),
    actions(again),
  );
}
