import { ApiProblem } from '../api';
import type { ConnectionCheck, PayerAccountView } from '../api-types';
import type { WizardContext } from '../context';
import { append, h, time } from '../dom';
import { actions, busy } from './step-section';

type PathCheck = ConnectionCheck['paths'][number];

const PATH_NAMES: Record<PathCheck['path'], string> = {
  refreshToken: 'Refresh token (Entra ID)',
  priceSheet: 'Price sheet (Partner API)',
  billing: 'Billing: invoices (Partner Center)',
  mpnProfile: 'MPN profile (Partner Center)',
};
const OUTCOMES: Record<PathCheck['outcome'], string> = {
  ok: 'OK',
  failed: 'Failed',
  unavailable: 'Microsoft did not answer',
  notChecked: 'Not checked',
};
const VERDICTS: Record<ConnectionCheck['verdict'], string> = {
  ok: 'Every data path works.',
  failed: 'Microsoft refused at least one data path: see what to do below.',
  unavailable: 'Microsoft did not answer every check: try again in a few minutes.',
};

/** Microsoft's references of a refusal, as its support asks for them. */
function references(error: NonNullable<PathCheck['error']>): string {
  return [
    error.aadsts !== undefined ? `AADSTS${error.aadsts}` : undefined,
    error.partnerCenterCode !== undefined ? `Partner Center code ${error.partnerCenterCode}` : undefined,
    error.correlationId ? `correlation ID ${error.correlationId}` : undefined,
    error.traceId ? `trace ID ${error.traceId}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}

function results(check: ConnectionCheck): HTMLElement {
  const list = h('ul', { class: 'connection-paths' });
  for (const path of check.paths) {
    const error = path.error;
    append(
      list,
      h(
        'li',
        { 'data-path': path.path, 'data-outcome': path.outcome },
        h('strong', {}, `${PATH_NAMES[path.path]}: ${OUTCOMES[path.outcome]}`),
        ' ',
        time(path.at),
        path.detail && !error ? h('div', {}, path.detail) : undefined,
        error ? h('div', {}, error.message) : undefined,
        error && references(error) ? h('div', {}, h('code', {}, references(error))) : undefined,
        error?.help?.startsWith('https://')
          ? h('div', {}, h('a', { href: error.help, target: '_blank', rel: 'noopener noreferrer' }, 'How to fix it'))
          : undefined,
      ),
    );
  }
  return h(
    'div',
    { id: 'connection-check-result' },
    h(
      'p',
      { class: check.verdict === 'ok' ? 'success' : 'warning' },
      VERDICTS[check.verdict],
      ' ',
      time(check.checkedAt),
    ),
    list,
  );
}

/**
 * The account's connection: "Check connection" (write role) proves every data path now and shows each outcome; "Copy
 * support details" (any member) copies the redacted summary for a Microsoft support ticket.
 */
export function connectionPanel(ctx: WizardContext, account: PayerAccountView, canManage: boolean): HTMLElement {
  let shown = account.lastConnectionCheck ? results(account.lastConnectionCheck) : undefined;
  const status = h('p', { class: 'status', role: 'status', id: 'connection-status' });
  const checkButton = canManage
    ? h('button', { type: 'button', class: 'secondary', id: 'check-connection' }, 'Check connection')
    : undefined;
  const copyButton = h(
    'button',
    { type: 'button', class: 'secondary', id: 'copy-support-details' },
    'Copy support details',
  );
  const copied = h('span', { class: 'status', role: 'status', id: 'support-details-status' });
  const section = h(
    'section',
    { 'aria-labelledby': 'connection-heading', id: 'connection' },
    h('h3', { id: 'connection-heading' }, 'Connection'),
    shown,
    status,
    actions(checkButton, copyButton, copied),
  );

  checkButton?.addEventListener('click', () => {
    status.textContent = 'Checking the refresh token, the price sheet, billing and the MPN profile…';
    void busy(checkButton, async () => {
      try {
        const check = (await ctx.api<ConnectionCheck>('POST', '/payer-account/connection-check')).body;
        status.textContent = '';
        const next = results(check);
        if (shown) shown.replaceWith(next);
        else section.insertBefore(next, status);
        shown = next;
        ctx.announce(VERDICTS[check.verdict]);
        // A dead token changes the account's health: show it afresh, with the action that fixes it.
        if (check.reconsentRequired && !account.health.reconsentRequired) await ctx.refresh();
      } catch (error) {
        if (!(error instanceof ApiProblem)) throw error;
        status.textContent = error.message;
      }
    });
  });

  copyButton.addEventListener('click', () => {
    copied.textContent = '';
    void busy(copyButton, async () => {
      try {
        const { text } = (await ctx.api<{ text: string }>('GET', '/payer-account/support-bundle')).body;
        await navigator.clipboard.writeText(text);
        copied.textContent = 'Copied';
      } catch (error) {
        copied.textContent =
          error instanceof ApiProblem ? error.message : 'Copying is not allowed here: try another browser.';
      }
    });
  });
  return section;
}
