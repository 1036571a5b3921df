import { app } from '@azure/functions';
import { lazy } from '../src/hosting/durable-registrations';

const handler = lazy(() => require('../src/http/caller-handler') as typeof import('../src/http/caller-handler'));

// The bearer token, not a function key, protects it. No durable client, so a plain HTTP trigger.
app.http('Caller', {
  route: 'me', methods: ['GET'], authLevel: 'anonymous', handler: (request) => handler().callerHandler(request),
});
