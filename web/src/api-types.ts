/** The API's answers, as the backend's domain types describe them (type-only: nothing of the backend is bundled). */
export type { RegistrationView, RegistrationStatus } from '../../src/domain/registration';
export type { CallerView, PayerAccountView } from '../../src/domain/payer-account';
export type { ConsentLinkView } from '../../src/domain/consent';
export type { VerifiedPartner } from '../../src/domain/partner-center-credentials';
export type { ConnectionCheck } from '../../src/domain/connection-check';
export type { PreflightReport } from '../../src/app/run-preflight';
