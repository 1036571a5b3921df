import type { InvocationContext } from '@azure/functions';
import { Activity } from '../src/domain/durable-names';
import { registerActivity } from '../src/hosting/durable-registrations';

const services = () => (require('../src/composition') as typeof import('../src/composition')).appServices();

registerActivity(Activity.ReleaseRegistration, async (input: { organizationId: string; registrationId: string }, context: InvocationContext) => {
  const { releaseRegistration } = require('../src/app/release-registration') as typeof import('../src/app/release-registration');
  const result = await releaseRegistration(input, { payerAccounts: services().payerAccounts });
  context.info('Registration released', { registrationId: input.registrationId, released: result.released });
  return result;
});
