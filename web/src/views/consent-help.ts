import { copyable } from '../copy-button';
import { code, h } from '../dom';
import { guideLink } from '../guide';
import { remember, remembered } from '../kept-values';
import { LOCALHOST } from './redirect-choice';

export const PARTNER_API_APP_ID = '4990cffe-04e8-4e8b-808a-1175604b879f';
const TICKED = 'setup-checklist';

/**
 * The setup checklist before consent: what the partner's app registration and admin need for the consent to work.
 * It stays open until the partner has ticked every item (remembered for this tab), then folds away.
 */
export function consentHelp(callbackUrl: string): HTMLElement {
  const items: [string, string, Node, HTMLAnchorElement][] = [
    [
      'permissions',
      "The app's API permissions, with admin consent",
      h(
        'p',
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
        '. Then choose ',
        h('strong', {}, 'Grant admin consent'),
        ' for your tenant.',
      ),
      guideLink('api-permissions', 'Guide: API permissions'),
    ],
    [
      'redirect',
      'The redirect URI, under Web',
      h(
        'div',
        {},
        h(
          'p',
          {},
          'Under ',
          h('strong', {}, 'Authentication → Add a platform → Web'),
          ' (not Single-page application), add Octo’s consent callback:',
        ),
        h('p', {}, copyable(callbackUrl, 'the redirect URI')),
        h(
          'p',
          {},
          'or ',
          copyable(LOCALHOST, 'https://localhost'),
          ' if you prefer to paste the address the browser shows after consent.',
        ),
      ),
      guideLink('redirect-uri', 'Guide: Redirect URI'),
    ],
    [
      'admin',
      'The admin: Admin agent, with multi-factor authentication',
      h(
        'p',
        {},
        'The admin who consents has the ',
        h('strong', {}, 'Admin agent'),
        ' role in Partner Center (Octo checks billing and pricing access, and only that role has both) and signs in with ',
        h('strong', {}, 'multi-factor authentication'),
        ' (Partner Center refuses the admin’s calls without it).',
      ),
      guideLink('the-admin-who-consents', 'Guide: The admin who consents'),
    ],
  ];
  const boxes: HTMLInputElement[] = [];
  const count = h('span', { class: 'checklist-count' });
  const panel = h(
    'details',
    { class: 'help checklist', id: 'setup-checklist' },
    h('summary', {}, 'Setup checklist before consent ', count),
  );
  const list = h('ul', { class: 'checks' });
  for (const [name, title, body, link] of items) {
    const id = `check-${name}`;
    const box = h('input', { type: 'checkbox', id, checked: remembered(TICKED) });
    boxes.push(box);
    list.append(h('li', {}, box, h('div', {}, h('label', { for: id }, title), body, h('p', {}, link))));
  }
  const update = () => {
    const done = boxes.filter((b) => b.checked).length;
    count.textContent = done === boxes.length ? '(all done)' : `(${done} of ${boxes.length} done)`;
    return done === boxes.length;
  };
  for (const box of boxes)
    box.addEventListener('change', () => {
      const all = update();
      remember(TICKED, all);
      if (all) panel.open = false;
    });
  panel.open = !update();
  panel.append(
    list,
    h(
      'p',
      { class: 'hint' },
      'Your MPN ID (Partner ID) is in Partner Center under Account settings → Identifiers. ',
      guideLink('in-partner-center', 'Guide: In Partner Center'),
    ),
  );
  return panel;
}
