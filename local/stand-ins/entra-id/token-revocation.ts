/**
 * What revokes a user's refresh tokens, after the "Token revocation" table of
 * https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens#token-revocation: an admin's revocation
 * of the user's sessions (and the user's own) revokes every token; a password change revokes public clients'
 * password-based tokens, and confidential clients' only when an admin reset the password in the Microsoft Entra admin
 * center (not in the Azure portal). Every sign-in on the stand-in's page is password-based.
 */

/** The ways a password changes, as the table's rows name them. */
export const PASSWORD_CHANGES = [
  'user-change',
  'self-service-reset',
  'admin-reset-azure-portal',
  'admin-reset-entra-admin-center',
] as const;
export type PasswordChange = (typeof PASSWORD_CHANGES)[number];

const REVOKES_CONFIDENTIAL_CLIENTS: ReadonlySet<PasswordChange> = new Set(['admin-reset-entra-admin-center']);

/** Whether a password change revokes a refresh token issued to a public (or else a confidential) client. */
export const passwordChangeRevokes = (how: PasswordChange, publicClient: boolean): boolean =>
  publicClient || REVOKES_CONFIDENTIAL_CLIENTS.has(how);
