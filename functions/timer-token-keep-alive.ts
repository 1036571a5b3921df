import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { timers } from '../src/composition';
import { timerHandler } from '../src/hosting/function-handlers';

// Refresh tokens die after 90 days unused: a weekly round (TOKEN_KEEP_ALIVE_SCHEDULE) keeps each one alive.
app.timer('TokenKeepAlive', {
  schedule: '%TOKEN_KEEP_ALIVE_SCHEDULE%',
  useMonitor: true,
  extraInputs: [df.input.durableClient()],
  handler: timerHandler(timers.tokenKeepAlive),
});
