import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { http } from '../src/composition';
import { httpHandler } from '../src/hosting/function-handlers';

// The admin's browser carries no token: the signed ticket and the signed, single-use state protect these two.
app.http('StartConsent', {
  route: 'consent/start',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.startConsent),
});

app.http('ConsentCallback', {
  route: 'consent/callback',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.consentCallback),
});

app.http('RequestConsentLink', {
  route: 'payer-account/registration/partner-api-credentials',
  methods: ['PUT'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.requestConsentLink),
});

app.http('SubmitAuthorizationCode', {
  route: 'payer-account/registration/authorization-code',
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.submitAuthorizationCode),
});

app.http('SubmitReconsentAuthorizationCode', {
  route: 'payer-account/reconsent/authorization-code',
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.submitReconsentAuthorizationCode),
});
