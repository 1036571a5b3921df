import { lazy, registerDurableTimer } from '../src/hosting/durable-registrations';

const round = lazy(() => require('../src/timers/token-keep-alive') as typeof import('../src/timers/token-keep-alive'));

// Refresh tokens die after 90 days unused: a weekly round (TOKEN_KEEP_ALIVE_SCHEDULE) keeps each one alive.
registerDurableTimer('TokenKeepAlive', {
  schedule: '%TOKEN_KEEP_ALIVE_SCHEDULE%',
  handler: () => async (timer, client, context) => {
    await round().tokenKeepAliveRound(timer, client, context);
  },
});
