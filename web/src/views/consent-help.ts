import { code, h } from '../dom';

export const PARTNER_API_APP_ID = '4990cffe-04e8-4e8b-808a-1175604b879f';

/** What the partner's app registration and admin need before the consent can work. */
export function consentHelp(callbackUrl: string): HTMLElement {
  return h(
    'details',
    { class: 'help' },
    h('summary', {}, "Before you ask for consent: the app's permission, its redirect URI, the admin"),
    h(
      'ol',
      {},
      h(
        'li',
        {},
        'In the Microsoft Entra admin center, open your app under ',
        h('strong', {}, 'App registrations → API permissions'),
        ' and add ',
        h('strong', {}, 'Microsoft Partner'),
        ' (application ID ',
        code(PARTNER_API_APP_ID),
        ') → Delegated → ',
        code('user_impersonation'),
        ', and ',
        h('strong', {}, 'Microsoft Partner Center'),
        ' → ',
        code('user_impersonation'),
        '. Then grant admin consent for your tenant.',
      ),
      h(
        'li',
        {},
        'Under ',
        h('strong', {}, 'Authentication → Web → Redirect URIs'),
        ', add ',
        code(callbackUrl),
        ' — or ',
        code('https://localhost'),
        ' if you prefer to paste the address the browser shows after consent.',
      ),
      h(
        'li',
        {},
        'The admin who consents needs the ',
        h('strong', {}, 'Admin agent'),
        ' role in Partner Center and signs in with ',
        h('strong', {}, 'multi-factor authentication'),
        ' (required for Partner Center since April 2026).',
      ),
      h(
        'li',
        {},
        'Your ',
        h('strong', {}, 'MPN ID'),
        ' (Partner ID) is in Partner Center under ',
        h('em', {}, 'Account settings → Identifiers'),
        '; if you give it, Octo checks it against Partner Center.',
      ),
    ),
  );
}
