import type { PayerAccountView } from '../api-types';
import { code, details, formatTime, h } from '../dom';
import { page } from './step-section';

/** The registered payer account and its health, as the weekly keep-alive last saw it. */
export function payerAccountView(account: PayerAccountView): HTMLElement {
  const health = account.health;
  const warnings: HTMLElement[] = [];
  if (health.reconsentRequired) {
    warnings.push(h('p', { class: 'warning' }, 'An admin must consent again: Microsoft no longer accepts the stored consent.',
      health.lastError ? ` (${health.lastError.message})` : ''));
  } else if (health.lastError) {
    warnings.push(h('p', { class: 'warning' }, `The last refresh failed: ${health.lastError.message}`));
  }
  if (health.secretExpiresSoon) warnings.push(h('p', { class: 'warning' }, 'The application secret expires within 30 days: replace it soon.'));
  if (account.reconsent) warnings.push(h('p', { class: 'hint' }, `A new consent is in progress (${account.reconsent.status}).`));

  return page(account.accountName ? `Payer account: ${account.accountName}` : 'Your Azure CSP payer account', undefined,
    h('p', { class: 'success' }, 'Registered. Octo reads your Azure prices and billing data with this account.'),
    details([
      ['Company', account.companyName],
      ['Country', account.country],
      ['MPN ID', account.mpnId],
      ['Directory (tenant) ID', code(account.tenantId)],
      ['Application ID', code(account.applicationId)],
      ['Consented by', account.consentedBy],
      ['Registered', formatTime(account.registeredAt)],
    ], { 'aria-label': 'Account details' }),
    h('h3', { id: 'health-heading' }, 'Health'),
    details([
      ['Status', health.reconsentRequired ? 'Consent needed' : health.secretExpiresSoon ? 'Secret expiring' : 'Healthy'],
      ['Last token refresh', formatTime(health.lastRefreshAt) ?? 'Not yet (the keep-alive runs weekly)'],
      ['Consent valid until (estimate)', formatTime(health.refreshTokenExpiresAt)],
      ['Consent required again', health.reconsentRequired ? 'Yes' : 'No'],
      ['Secret expires', formatTime(account.applicationSecretExpiresAt) ?? 'Not given'],
      ['Secret expires within 30 days', health.secretExpiresSoon ? 'Yes' : 'No'],
    ], { 'aria-labelledby': 'health-heading', id: 'health' }),
    ...warnings);
}
