import { lazy, registerDurableHttp } from '../src/hosting/durable-registrations';

const handler = lazy(
  () =>
    require('../src/http/partner-center-credentials-handler') as typeof import('../src/http/partner-center-credentials-handler'),
);

registerDurableHttp('SubmitPartnerCenterCredentials', {
  route: 'payer-account/registration/partner-center-credentials',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: () => handler().submitPartnerCenterCredentialsHandler,
});
