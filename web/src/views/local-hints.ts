import type { WizardConfig } from '../config';
import { code, h } from '../dom';

/** Local stand-ins only (config.json has `localHints`): what to type, so a first try needs no documentation. */
export function localHint(
  config: WizardConfig,
  topic: 'signIn' | 'partnerCenter' | 'consent' | 'secret',
): HTMLElement | undefined {
  const hints = config.localHints;
  if (!hints) return undefined;
  // Folded away: it concerns only the local stand-ins, never a partner.
  const box = (...content: (Node | string)[]) =>
    h(
      'details',
      { class: 'local-hint' },
      h('summary', {}, 'Local stand-ins only: what to use here'),
      h('div', {}, ...content),
    );
  if (topic === 'signIn') {
    return box(
      'Sign in as one of these fixture users. ',
      hints.credentialsNote,
      h('ul', {}, ...hints.users.map((u) => h('li', {}, code(u.username), ` — ${u.note}`))),
    );
  }
  const app = hints.partnerCenterApp;
  if (topic === 'partnerCenter') {
    return box(
      "Contoso's Partner Center app: application ID ",
      code(app.applicationId),
      ', domain ',
      code(app.domain),
      '. ',
      hints.credentialsNote,
      ...(app.secretId
        ? [" Paste the secret's ID ", code(app.secretId), ' instead to see the most common mistake explained.']
        : []),
    );
  }
  if (topic === 'secret') {
    return box(
      "Contoso's app has another valid secret to replace the first with; its value is printed in the terminal running npm start. " +
        'Any other value shows how a refused secret is explained.',
    );
  }
  return box(
    'Give ',
    code(hints.users[0]?.username ?? ''),
    " as the admin's e-mail; the consent e-mail lands in the local inbox",
    hints.inboxUrl
      ? h(
          'span',
          {},
          ' at ',
          h('a', { href: hints.inboxUrl, target: '_blank', rel: 'noopener noreferrer' }, hints.inboxUrl),
        )
      : '',
    '.',
  );
}
