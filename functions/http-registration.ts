import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { http } from '../src/composition';
import { httpHandler } from '../src/hosting/function-handlers';

const registration = 'payer-account/registration';

app.http('StartRegistration', {
  route: registration,
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.startRegistration),
});

app.http('GetRegistration', {
  route: registration,
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.getRegistration),
});

app.http('RunPreflight', {
  route: `${registration}/preflight`,
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.runPreflight),
});

app.http('CancelRegistration', {
  route: registration,
  methods: ['DELETE'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.cancelRegistration),
});

app.http('GetPayerAccount', {
  route: 'payer-account',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.getPayerAccount),
});

app.http('DeregisterPayerAccount', {
  route: 'payer-account',
  methods: ['DELETE'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.deregisterPayerAccount),
});

app.http('StartReconsent', {
  route: 'payer-account/reconsent',
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.startReconsent),
});

app.http('UpdateApplicationSecret', {
  route: 'payer-account/secret',
  methods: ['PUT'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.updateApplicationSecret),
});
