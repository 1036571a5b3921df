import { z } from 'zod';
import { ACCOUNT_NAME_MAX_LENGTH } from '../domain/registration';

/** Request bodies of the frontend API; the same schemas will generate the OpenAPI document. */
export const startRegistrationBody = z.strictObject({
  accountName: z.string()
    .trim()
    .min(1, 'must not be empty')
    .max(ACCOUNT_NAME_MAX_LENGTH, `must be at most ${ACCOUNT_NAME_MAX_LENGTH} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters')
    .optional(),
});
