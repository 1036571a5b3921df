import { ApiProblem } from './api';
import type { CallerView, PayerAccountView, RegistrationView } from './api-types';
import type { WizardContext } from './context';
import { h } from './dom';
import { errorMessage } from './fields';
import { basicDetailsStep } from './views/basic-details-step';
import { consentStep } from './views/consent-step';
import { consentWaiting } from './views/consent-waiting';
import { partnerCenterStep } from './views/partner-center-step';
import { payerAccountView } from './views/payer-account-view';
import { readOnlyView } from './views/read-only';
import { page } from './views/step-section';

const POLL_MS = 2000;

/**
 * Shows the view for where the organization stands: its payer account (and health) when it has one, else its
 * registration at the step it reached, else step 1.
 */
export function createWizard(main: HTMLElement, base: Omit<WizardContext, 'show' | 'refresh' | 'poll'>): WizardContext {
  const ctx: WizardContext = {
    ...base,
    show(view) {
      main.replaceChildren(view);
      view.querySelector<HTMLElement>('h2')?.focus();
    },
    async refresh() {
      try {
        ctx.show(await viewFor(ctx));
      } catch (error) {
        if (error instanceof ApiProblem && error.status === 401) return ctx.show(sessionEnded(ctx, error.message));
        ctx.show(
          page(
            'Something went wrong',
            undefined,
            h('p', { class: 'form-error', role: 'alert' }, errorMessage(error)),
            retryButton(ctx),
          ),
        );
      }
    },
    poll(view, tick) {
      const next = () => window.setTimeout(() => void look(), POLL_MS);
      const look = async () => {
        if (!view.isConnected) return;
        let done: boolean | void = false;
        try {
          done = await tick();
        } catch (error) {
          // What was followed is gone (cancelled, expired, deregistered) or the sign-in ended: show where things
          // stand. Any other failed look (network, a restarting service) is tried again at the next tick.
          if (error instanceof ApiProblem && (error.status === 404 || error.status === 401)) {
            if (view.isConnected) await ctx.refresh();
            return;
          }
        }
        if (!done && view.isConnected) next();
      };
      next();
    },
  };
  return ctx;
}

async function viewFor(ctx: WizardContext): Promise<HTMLElement> {
  ctx.caller = (await ctx.api<CallerView>('GET', '/me')).body;
  const account = await optional(ctx.api<PayerAccountView>('GET', '/payer-account'));
  if (account) return payerAccountView(ctx, account);
  if (!ctx.caller.canManage)
    return readOnlyView(
      ctx,
      ctx.caller,
      await optional(ctx.api<RegistrationView>('GET', '/payer-account/registration')),
    );
  let registration = await optional(ctx.api<RegistrationView>('GET', '/payer-account/registration'));
  // Just started: the orchestration publishes its first status within moments.
  for (let i = 0; registration?.status === 'starting' && i < 20; i++) {
    await new Promise((r) => setTimeout(r, 250));
    registration = await optional(ctx.api<RegistrationView>('GET', '/payer-account/registration'));
  }
  if (!registration || ['expired', 'cancelled'].includes(registration.status)) return basicDetailsStep(ctx);
  switch (registration.status) {
    case 'starting':
    case 'awaitingPartnerCenterCredentials':
    case 'verifyingPartnerCenterCredentials':
      return partnerCenterStep(ctx, registration);
    case 'awaitingConsent':
    case 'redeemingConsent':
      return consentWaiting(ctx, registration);
    case 'registered': {
      const registered = await optional(ctx.api<PayerAccountView>('GET', '/payer-account'));
      return registered ? payerAccountView(ctx, registered) : consentWaiting(ctx, registration);
    }
    default:
      return consentStep(ctx, registration);
  }
}

/** The answer's body, or undefined for 404. */
async function optional<T>(call: Promise<{ body: T }>): Promise<T | undefined> {
  try {
    return (await call).body;
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 404) return undefined;
    throw error;
  }
}

function sessionEnded(ctx: WizardContext, message: string): HTMLElement {
  const button = h('button', { type: 'button', class: 'primary' }, 'Sign in again');
  button.addEventListener('click', () => void ctx.signInAgain());
  return page(
    'Sign in again',
    undefined,
    h('p', { class: 'form-error', role: 'alert' }, `Your sign-in is no longer accepted: ${message}`),
    h('div', { class: 'actions' }, button),
  );
}

function retryButton(ctx: WizardContext): HTMLElement {
  const button = h('button', { type: 'button', class: 'primary' }, 'Try again');
  button.addEventListener('click', () => void ctx.refresh());
  return h('div', { class: 'actions' }, button);
}
