import type { ConsentLinkView } from '../api-types';
import { copyButton } from '../copy-button';
import { h } from '../dom';
import { guideLink } from '../guide';

/**
 * Beside "open the consent link": the sign-in address to build by hand for the partner's own redirect URI, as the
 * partner guide describes; the address it lands on is pasted below like any other.
 */
export function handMadeAddress(handMade: ConsentLinkView['handMade']): HTMLElement | undefined {
  if (!handMade) return undefined;
  return h(
    'details',
    { class: 'hand-made', id: 'hand-made' },
    h('summary', {}, 'Or build the sign-in address yourself'),
    h(
      'p',
      {},
      'If you prefer to sign in from an address you build, use exactly this one (your tenant, ',
      h('code', {}, 'redirect_uri'),
      ` ${handMade.redirectUri}, the Partner API's permission, a fresh sign-in). After Accept, paste the address the browser lands on below.`,
    ),
    h('p', { class: 'link-row' }, h('code', { class: 'long-value', id: 'hand-made-url' }, handMade.consentUrl)),
    h('p', {}, copyButton(handMade.consentUrl, 'the sign-in address')),
    h(
      'p',
      { class: 'hint' },
      guideLink('building-the-consent-url-yourself', 'Guide: Building the consent URL yourself'),
    ),
  );
}
