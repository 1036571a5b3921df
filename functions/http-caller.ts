import { lazy, registerHttp } from '../src/hosting/durable-registrations';

const handler = lazy(() => require('../src/http/caller-handler') as typeof import('../src/http/caller-handler'));

// The bearer token, not a function key, protects it.
registerHttp('Caller', {
  route: 'me',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => handler().callerHandler,
});
