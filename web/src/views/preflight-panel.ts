import { ApiProblem } from '../api';
import type { PreflightReport } from '../api-types';
import type { WizardContext } from '../context';
import { append, h } from '../dom';
import { actions, busy } from './step-section';

type Check = PreflightReport['checks'][number];

const NAMES: Record<Check['id'], string> = {
  partnerCenterAppAccess: 'Partner Center App management',
  partnerApiServicePrincipal: 'Microsoft Partner API in your tenant',
  partnerCenterServicePrincipal: 'Microsoft Partner Center API in your tenant',
  redirectUriPlatform: 'Redirect URI under Web',
  delegatedPermissions: 'Delegated permissions with admin consent',
};
const OUTCOMES: Record<Check['outcome'], string> = { pass: 'OK', fail: 'Fix needed', cannotTell: 'Check yourself' };

function results(report: PreflightReport): HTMLElement {
  const list = h('ul', { class: 'connection-paths', id: 'preflight-result' });
  for (const check of report.checks)
    append(
      list,
      h(
        'li',
        { 'data-check': check.id, 'data-outcome': check.outcome },
        h('strong', {}, `${NAMES[check.id]}: ${OUTCOMES[check.outcome]}`),
        h('div', {}, check.detail),
        check.fix ? h('div', {}, check.fix) : undefined,
        h('div', {}, h('a', { href: check.page, target: '_blank', rel: 'noopener noreferrer' }, "Microsoft's page")),
      ),
    );
  return list;
}

/**
 * Step 3, before the link: "Check my setup" asks the API what an app-only token can prove about the partner's setup
 * (POST …/registration/preflight) and lists each check, with the fix and Microsoft's page.
 */
export function preflightPanel(ctx: WizardContext): HTMLElement {
  const button = h('button', { type: 'button', class: 'secondary', id: 'run-preflight' }, 'Check my setup');
  const status = h('p', { class: 'status', role: 'status' });
  let shown: HTMLElement | undefined;
  const section = h(
    'section',
    { 'aria-labelledby': 'preflight-heading', id: 'preflight' },
    h('h3', { id: 'preflight-heading' }, 'Before the admin consents'),
    h('p', { class: 'hint' }, "Octo checks what Microsoft lets it see with your app's own credentials."),
    status,
    actions(button),
  );
  button.addEventListener('click', () => {
    status.textContent = 'Checking…';
    void busy(button, async () => {
      try {
        const report = (await ctx.api<PreflightReport>('POST', '/payer-account/registration/preflight')).body;
        status.textContent = report.checks.some((c) => c.outcome === 'fail')
          ? 'Something needs fixing before the admin consents: see below.'
          : 'Nothing Microsoft lets Octo see needs fixing. Check the rest yourself: see below.';
        const next = results(report);
        if (shown) shown.replaceWith(next);
        else section.insertBefore(next, status.nextSibling);
        shown = next;
      } catch (error) {
        if (!(error instanceof ApiProblem)) throw error;
        status.textContent = error.message;
      }
    });
  });
  return section;
}
