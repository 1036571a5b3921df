import { z } from 'zod';
import type { PreflightReport } from '../app/run-preflight';
import { apiComponents, describes, timestamp } from './schema-support';

/** Step 3's checks before consent, output side (src/domain/preflight.ts). */
const preflightCheck = z
  .object({
    id: z.enum([
      'partnerCenterAppAccess',
      'partnerApiServicePrincipal',
      'partnerCenterServicePrincipal',
      'redirectUriPlatform',
      'delegatedPermissions',
    ]),
    outcome: z
      .enum(['pass', 'fail', 'cannotTell'])
      .describe('cannotTell: an app-only token cannot prove it; `fix` says what to look at.'),
    detail: z.string().describe('What was found, or why it cannot be told.'),
    fix: z.string().describe('What to change (fail), or to check yourself (cannotTell).').optional(),
    page: z.url().describe("Microsoft's page that explains it."),
    aadsts: z.number().int().optional(),
    traceId: z.string().optional(),
    correlationId: z.string().optional(),
  })
  .register(apiComponents, { id: 'PreflightCheck' });

export const preflightReport = describes<PreflightReport>()(
  z.object({ checkedAt: timestamp, checks: z.array(preflightCheck) }),
)
  .describe("What Microsoft lets an app-only token prove about the partner's setup before consent.")
  .register(apiComponents, { id: 'PreflightReport' });
