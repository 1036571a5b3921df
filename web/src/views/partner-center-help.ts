import { code, h } from '../dom';
import { guideLink } from '../guide';

/** Where a partner finds step 2's values in Partner Center and the Microsoft Entra admin center. */
export function partnerCenterHelp(): HTMLElement {
  return h(
    'details',
    { class: 'help' },
    h('summary', {}, 'Where do I find these? (creating the Partner Center app)'),
    h(
      'ol',
      {},
      h(
        'li',
        {},
        'Sign in to Partner Center with an admin account and open ',
        h('strong', {}, 'Account settings → App management'),
        '.',
      ),
      h(
        'li',
        {},
        'Under ',
        h('strong', {}, 'Web app'),
        ', choose ',
        h('strong', {}, 'Add new web app'),
        ' (or use the one you have). Partner Center creates a Microsoft Entra app in your partner tenant.',
      ),
      h(
        'li',
        {},
        'Copy the ',
        h('strong', {}, 'App ID'),
        ': it is the ',
        h('em', {}, 'Application (client) ID'),
        ", also shown on the app's Overview page in the Microsoft Entra admin center (App registrations).",
      ),
      h(
        'li',
        {},
        'Your ',
        h('strong', {}, 'domain'),
        " is your partner tenant's, for example ",
        code('contoso.onmicrosoft.com'),
        '; or give the ',
        h('em', {}, 'Directory (tenant) ID'),
        " from the Entra admin center's Overview page.",
      ),
      h(
        'li',
        {},
        'Choose ',
        h('strong', {}, 'Add key'),
        ' in App management (or ',
        h('em', {}, 'Certificates & secrets → New client secret'),
        " in the Entra admin center) and copy the secret's ",
        h('strong', {}, 'Value'),
        ' at once: it is shown only once. ',
        'The ',
        h('em', {}, 'Secret ID'),
        ' beside it is not the secret.',
      ),
      h(
        'li',
        {},
        "Note the secret's ",
        h('strong', {}, 'Expires'),
        ' date: give it below and Octo reminds you 30 days before.',
      ),
    ),
    h(
      'p',
      {},
      'More in the partner setup guide: ',
      guideLink('app-management', 'App management'),
      ', ',
      guideLink('client-secret', 'Client secret'),
      ', ',
      guideLink('step-2-partner-center-credentials', 'Step 2'),
      '.',
    ),
  );
}
