import { lazy, registerDurableHttp } from '../src/hosting/durable-registrations';

const handlers = lazy(() => require('../src/http/consent-handlers') as typeof import('../src/http/consent-handlers'));

// Anonymous by design: the admin's browser carries no token; the signed ticket and state protect these.
registerDurableHttp('StartConsent', {
  route: 'consent/start',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => handlers().startConsentHandler,
});

registerDurableHttp('ConsentCallback', {
  route: 'consent/callback',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => handlers().consentCallbackHandler,
});

registerDurableHttp('RequestConsentLink', {
  route: 'payer-account/registration/partner-api-credentials',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: () => handlers().requestConsentLinkHandler,
});

registerDurableHttp('SubmitAuthorizationCode', {
  route: 'payer-account/registration/authorization-code',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: () => handlers().pastedAuthorizationCodeHandler,
});

registerDurableHttp('SubmitReconsentAuthorizationCode', {
  route: 'payer-account/reconsent/authorization-code',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: () => handlers().pastedReconsentCodeHandler,
});
