import { Activity } from '../src/domain/durable-names';
import { lazy, registerActivity } from '../src/hosting/durable-registrations';

const activities = lazy(
  () =>
    require('../src/activities/registration-activities') as typeof import('../src/activities/registration-activities'),
);

registerActivity(Activity.VerifyPartnerCenterCredentials, (input: never, context) =>
  activities().verifyPartnerCenterCredentials(input, context),
);
registerActivity(Activity.DisableStagedSecret, (input: never, context) =>
  activities().disableStagedSecret(input, context),
);
registerActivity(Activity.CleanUpRegistration, (input: never, context) =>
  activities().cleanUpRegistration(input, context),
);
registerActivity(Activity.SendConsentEmail, (input: never, context) => activities().sendConsentEmail(input, context));
registerActivity(Activity.RedeemConsent, (input: never, context) => activities().redeemConsent(input, context));
