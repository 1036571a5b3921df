import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { http } from '../src/composition';
import { httpHandler } from '../src/hosting/function-handlers';

// Ops need the ops role in the operator's own tenant (checked in src/http); members read their own trail.
app.http('OpsListRegistrations', {
  route: 'ops/registrations',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.listRegistrations),
});

app.http('OpsRegistrationHistory', {
  route: 'ops/registrations/{instanceId}/history',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.getRegistrationHistory),
});

app.http('OpsListKeepAliveRounds', {
  route: 'ops/keep-alive-rounds',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.listKeepAliveRounds),
});

app.http('OpsOrganizationAudit', {
  route: 'ops/organizations/{organizationId}/audit',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.getOrganizationAuditTrail),
});

app.http('PayerAccountAudit', {
  route: 'payer-account/audit',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.getAuditTrail),
});
