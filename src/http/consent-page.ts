const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface ConsentPageOptions {
  /** The registration wizard, for the way back (WIZARD_URL). */
  wizardUrl?: string;
  /** A refusal is marked as a problem; anything else as news. */
  problem?: boolean;
}

/** The wizard's colours and header, inline: the page's policy allows inline styles and nothing else. */
const STYLE = `
:root{--ink:#1b1b1b;--muted:#555;--line:#c8c8c8;--accent:#0b5cad;--error:#a4262c;--error-bg:#fde7e9;--ok:#0f6b2f}
body{margin:0;background:#f5f5f5;color:var(--ink);line-height:1.5;font-family:'Segoe UI',system-ui,-apple-system,sans-serif}
header{display:flex;flex-wrap:wrap;align-items:center;padding:.75rem 1.5rem;background:#fff;border-bottom:1px solid var(--line)}
.brand{margin:0;font-weight:700}.brand span{font-weight:400;color:var(--muted);margin-left:.5rem}
main{max-width:40rem;margin:2rem auto;padding:0 1rem}
.card{background:#fff;padding:1.5rem 2rem 2rem;border:1px solid var(--line);border-left:6px solid var(--ok);border-radius:4px}
.card.problem{border-left-color:var(--error)}
h1{font-size:1.4rem;margin:.25rem 0 .75rem}
a.button{display:inline-block;margin-top:1rem;padding:.55rem 1.1rem;background:var(--accent);color:#fff;text-decoration:none;border-radius:2px}
a.button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
@media (max-width:30rem){.brand span{display:block;margin-left:0}.card{padding:1rem}}`;

/** The small page the admin sees after the consent link or Microsoft's redirect: what happened, in plain words. */
export function consentPageHtml(title: string, message: string, options: ConsentPageOptions = {}): string {
  const back = options.wizardUrl
    ? `<p><a class="button" href="${escape(options.wizardUrl)}">Go to the Octo registration</a></p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escape(title)} — Azure CSP payer account</title>
<style>${STYLE}</style>
</head><body>
<header><p class="brand">Octo <span>Azure CSP payer account</span></p></header>
<main><div class="card${options.problem ? ' problem' : ''}"><h1>${escape(title)}</h1><p>${escape(message)}</p>${back}</div></main>
</body></html>`;
}
