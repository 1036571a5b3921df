import { h } from './dom';

/** The partner guide (docs/partner-setup.md), built beside the wizard's index.html (web/guide-page.mts). */
export const GUIDE_PAGE = 'partner-setup.html';

/**
 * A link to a section of the partner guide, in a new tab so the wizard stays as it is. `section` is the anchor of
 * one of the guide's headings (a unit test checks each one the wizard uses).
 */
export function guideLink(section: string, text: string): HTMLAnchorElement {
  return h(
    'a',
    {
      href: new URL(`${GUIDE_PAGE}#${section}`, document.baseURI).href,
      target: '_blank',
      rel: 'noopener',
      class: 'guide-link',
    },
    text,
  );
}
