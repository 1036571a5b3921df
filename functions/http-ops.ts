import { lazy, registerDurableHttp } from '../src/hosting/durable-registrations';

const handlers = lazy(() => require('../src/http/ops-handlers') as typeof import('../src/http/ops-handlers'));

// Role-gated in the handlers (API_OPS_ROLE): the bearer token, not a function key, protects these.
registerDurableHttp('OpsListRegistrations', {
  route: 'ops/registrations',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => handlers().listRegistrationsHandler,
});

registerDurableHttp('OpsRegistrationHistory', {
  route: 'ops/registrations/{instanceId}/history',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => handlers().registrationHistoryHandler,
});

const audit = lazy(() => require('../src/http/audit-handlers') as typeof import('../src/http/audit-handlers'));

registerDurableHttp('OpsOrganizationAudit', {
  route: 'ops/organizations/{organizationId}/audit',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => audit().opsAuditHandler,
});

registerDurableHttp('PayerAccountAudit', {
  route: 'payer-account/audit',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => audit().organizationAuditHandler,
});
