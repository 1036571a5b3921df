import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { http } from '../src/composition';
import { httpHandler } from '../src/hosting/function-handlers';

app.http('SubmitPartnerCenterCredentials', {
  route: 'payer-account/registration/partner-center-credentials',
  methods: ['PUT'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: httpHandler(http.submitPartnerCenterCredentials),
});
