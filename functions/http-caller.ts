import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { http } from '../src/composition';
import { httpHandler } from '../src/hosting/function-handlers';

// authLevel anonymous on every API route: the Entra ID bearer token, checked in src/http, protects them, not a key.
app.http('Caller', {
  route: 'me',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.caller),
});
