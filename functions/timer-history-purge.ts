import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { timers } from '../src/composition';
import { timerHandler } from '../src/hosting/function-handlers';

// Ended orchestrations' histories hold personal data (the admin's e-mail address) and grow with every registration,
// re-consent and keep-alive round: a daily run (HISTORY_PURGE_SCHEDULE) purges those past HISTORY_RETENTION_DAYS.
app.timer('HistoryPurge', {
  schedule: '%HISTORY_PURGE_SCHEDULE%',
  useMonitor: true,
  extraInputs: [df.input.durableClient()],
  handler: timerHandler(timers.historyPurge),
});
