import { lazy, registerHttp } from '../src/hosting/durable-registrations';

const handler = lazy(() => require('../src/http/openapi-handler') as typeof import('../src/http/openapi-handler'));

// Anonymous: the contract is public.
registerHttp('OpenApiDocument', {
  route: 'openapi.json',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => handler().openApiDocumentHandler,
});
