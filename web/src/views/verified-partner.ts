import type { VerifiedPartner } from '../api-types';
import { copyable } from '../copy-button';
import { details, h } from '../dom';

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
      ['Directory (tenant) ID', copyable(partner.tenantId, 'the Directory (tenant) ID')],
      ['Application (client) ID', copyable(partner.applicationId, 'the Application (client) ID')],
      ['Domain', partner.domain],
    ]),
    h('p', { class: 'hint' }, 'Not your company? Cancel the registration and start again with your own app.'),
  );
}
