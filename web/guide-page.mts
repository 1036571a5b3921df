import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Marked } from 'marked';
import type { Plugin } from 'vite';

/** The partner guide, docs/partner-setup.md, the one source: on GitHub as it is, and beside the wizard as a page. */
export const GUIDE_SOURCE = fileURLToPath(new URL('../docs/partner-setup.md', import.meta.url));
export const GUIDE_PAGE = 'partner-setup.html';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A heading's anchor as GitHub makes it, so the guide's links work on GitHub and in the wizard's copy alike: the
 * heading's words without Markdown marks, lower case, punctuation dropped, spaces as hyphens; repeats numbered.
 */
function headingAnchor(markdown: string, seen: Map<string, number>): string {
  const anchor = markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
  const count = seen.get(anchor) ?? 0;
  seen.set(anchor, count + 1);
  return count ? `${anchor}-${count}` : anchor;
}

/** The guide as HTML: headings carry GitHub's anchors, so the wizard's help panels can link to its sections. */
export function renderGuide(markdown: string): { title: string; html: string; anchors: string[] } {
  const seen = new Map<string, number>();
  const anchors: string[] = [];
  let title = 'Partner setup guide';
  const marked = new Marked({
    gfm: true,
    renderer: {
      heading({ tokens, depth, text }) {
        const inner = this.parser.parseInline(tokens);
        if (depth === 1) title = text;
        const id = headingAnchor(text, seen);
        anchors.push(id);
        return `<h${depth} id="${escape(id)}"><a class="anchor" href="#${escape(id)}">${inner}</a></h${depth}>\n`;
      },
    },
  });
  const html = marked.parse(markdown, { async: false });
  return { title, html, anchors };
}

/** The page around it: the wizard's header and stylesheet, a way back, and a policy that runs no script at all. */
function page(guide: { title: string; html: string }, stylesheet: string | undefined): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="referrer" content="no-referrer" />
    <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'; object-src 'none'" />
    <title>${escape(guide.title)} — Octo</title>
    ${stylesheet ? `<link rel="stylesheet" href="./${escape(stylesheet)}" />` : ''}
  </head>
  <body>
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="site-header">
      <p class="brand">Octo <span>Azure CSP payer account</span></p>
      <nav class="account" aria-label="Wizard"><a href="./">Back to the registration</a></nav>
    </header>
    <main id="main"><article class="guide">
${guide.html}
    </article></main>
  </body>
</html>
`;
}

/** Writes partner-setup.html into the build, with the wizard's own stylesheet. */
export function guidePage(): Plugin {
  return {
    name: 'octo-partner-guide',
    buildStart() {
      this.addWatchFile(GUIDE_SOURCE);
    },
    generateBundle(_options, bundle) {
      const css = Object.values(bundle).find((file) => file.type === 'asset' && file.fileName.endsWith('.css'));
      const guide = renderGuide(readFileSync(GUIDE_SOURCE, 'utf8'));
      this.emitFile({ type: 'asset', fileName: GUIDE_PAGE, source: page(guide, css?.fileName) });
    },
  };
}
