import { lazy, registerDurableHttp } from '../src/hosting/durable-registrations';

const handlers = lazy(
  () => require('../src/http/registration-handlers') as typeof import('../src/http/registration-handlers'),
);
const route = 'payer-account/registration';

registerDurableHttp('StartRegistration', {
  route,
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: () => handlers().startRegistrationHandler,
});

registerDurableHttp('GetRegistration', {
  route,
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => handlers().getRegistrationHandler,
});

registerDurableHttp('CancelRegistration', {
  route,
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: () => handlers().cancelRegistrationHandler,
});

registerDurableHttp('GetPayerAccount', {
  route: 'payer-account',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => handlers().getPayerAccountHandler,
});

registerDurableHttp('DeregisterPayerAccount', {
  route: 'payer-account',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  handler: () => handlers().deregisterPayerAccountHandler,
});

const lifecycle = lazy(
  () => require('../src/http/lifecycle-handlers') as typeof import('../src/http/lifecycle-handlers'),
);

registerDurableHttp('StartReconsent', {
  route: 'payer-account/reconsent',
  methods: ['POST'],
  authLevel: 'anonymous',
  handler: () => lifecycle().startReconsentHandler,
});

registerDurableHttp('UpdateApplicationSecret', {
  route: 'payer-account/secret',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: () => lifecycle().updateSecretHandler,
});
