import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { http } from '../src/composition';
import { httpHandler } from '../src/hosting/function-handlers';

// The catch-all route: the host routes a request here only when no other function's route and method take it.
app.http('NotFound', {
  route: '{*path}',
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.notFound),
});
