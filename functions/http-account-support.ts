import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { http } from '../src/composition';
import { httpHandler } from '../src/hosting/function-handlers';

// The registered account's connection check (write role) and support details (any member of the organization).
app.http('CheckConnection', {
  route: 'payer-account/connection-check',
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.checkConnection),
});

app.http('GetSupportBundle', {
  route: 'payer-account/support-bundle',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.getSupportBundle),
});
