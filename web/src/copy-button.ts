import { h } from './dom';

const COPIED_FOR_MS = 2500;

/**
 * A Copy button for a value people paste elsewhere (a redirect URI, an ID, a link): it says "Copied" on itself for
 * a moment, and its status line tells screen readers. `what` names the value: "the consent link".
 */
export function copyButton(value: string, what: string): HTMLElement {
  const button = h('button', { type: 'button', class: 'secondary copy' }, 'Copy');
  button.setAttribute('aria-label', `Copy ${what}`);
  const said = h('span', { class: 'copy-status', role: 'status' });
  let reset: number | undefined;
  button.addEventListener('click', () => {
    void copy(value).then((ok) => {
      button.textContent = ok ? 'Copied' : 'Copy';
      button.classList.toggle('copied', ok);
      // The button says it to the eye; the status line to screen readers, and to everyone when copying failed.
      said.textContent = ok ? `Copied ${what}.` : `Copying is not allowed here: select ${what} and copy it yourself.`;
      said.classList.toggle('visually-hidden', ok);
      if (document.activeElement === document.body) button.focus();
      window.clearTimeout(reset);
      reset = window.setTimeout(() => {
        button.textContent = 'Copy';
        button.classList.remove('copied');
        said.textContent = '';
      }, COPIED_FOR_MS);
    });
  });
  return h('span', { class: 'copy-wrap' }, button, said);
}

/** A value with its Copy button beside it. */
export const copyable = (value: string, what: string) =>
  h('span', { class: 'copyable' }, h('code', {}, value), copyButton(value, what));

/** The Clipboard API where the page may use it; else the older selection copy (plain http, some embedded browsers). */
async function copy(value: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    const area = h('textarea', { readonly: true, class: 'visually-hidden' });
    area.value = value;
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}
