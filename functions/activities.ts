import * as df from 'durable-functions';
import { activities } from '../src/composition';
import { Activity } from '../src/domain/durable-names';
import { activityHandler } from '../src/hosting/function-handlers';

df.app.activity(Activity.VerifyPartnerCenterCredentials, {
  handler: activityHandler(activities.verifyPartnerCenterCredentials),
});
df.app.activity(Activity.DisableStagedSecret, { handler: activityHandler(activities.disableStagedSecret) });
df.app.activity(Activity.CleanUpRegistration, { handler: activityHandler(activities.cleanUpRegistration) });
df.app.activity(Activity.DeleteStagedSecrets, { handler: activityHandler(activities.deleteStagedSecrets) });
df.app.activity(Activity.SendConsentEmail, { handler: activityHandler(activities.sendConsentEmail) });
df.app.activity(Activity.RedeemConsent, { handler: activityHandler(activities.redeemConsent) });
