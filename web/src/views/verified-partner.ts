import type { VerifiedPartner } from '../api-types';
import { code, details, h } from '../dom';

/** What step 2 verified with Microsoft, for the person to confirm it is their company. */
export function verifiedPartner(partner: VerifiedPartner | undefined): HTMLElement | undefined {
  if (!partner) return undefined;
  return h(
    'div',
    { class: 'verified', role: 'group', 'aria-labelledby': 'verified-heading' },
    h('h3', { id: 'verified-heading' }, 'Verified with Microsoft'),
    details([
      ['Company', partner.companyName],
      ['Country', partner.country],
      ['Directory (tenant) ID', code(partner.tenantId)],
      ['Application ID', code(partner.applicationId)],
      ['Domain', partner.domain],
    ]),
    h('p', { class: 'hint' }, 'Not your company? Cancel the registration and start again with your own app.'),
  );
}
