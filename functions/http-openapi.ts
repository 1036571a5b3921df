import { app } from '@azure/functions';
import { lazy } from '../src/hosting/durable-registrations';

const handler = lazy(() => require('../src/http/openapi-handler') as typeof import('../src/http/openapi-handler'));

// Anonymous: the contract is public. No durable client, so a plain HTTP trigger.
app.http('OpenApiDocument', {
  route: 'openapi.json', methods: ['GET'], authLevel: 'anonymous', handler: (request, context) => handler().openApiDocumentHandler(request, context),
});
