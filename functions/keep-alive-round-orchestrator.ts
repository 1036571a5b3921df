import * as df from 'durable-functions';
import { activities } from '../src/composition';
import { Activity, ORCHESTRATOR } from '../src/domain/durable-names';
import { activityHandler, activityWithClientHandler } from '../src/hosting/function-handlers';
import { keepAliveRound } from '../src/workflow/keep-alive-round';

df.app.orchestration(ORCHESTRATOR.TokenKeepAliveRound, keepAliveRound);
df.app.activity(Activity.ListKeepAlivePage, { handler: activityHandler(activities.listKeepAlivePage) });
// An account whose token is dead gets a re-consent started for it: the activity needs the durable client.
df.app.activity(Activity.KeepAccountTokenAlive, {
  extraInputs: [df.input.durableClient()],
  handler: activityWithClientHandler(activities.keepAccountTokenAlive),
});
