/**
 * The registration on both Durable engines: the local host's own and Microsoft's Durable Task extension (the reference
 * host, local/durable-reference). Each scenario runs on a stack of each engine; what the app and its users see is
 * compared, and every difference must be listed in test/reference/accepted-differences.json. Where the reference host
 * cannot be had (no .NET SDK, NuGet unreachable) the suite reports a visible skip. `npm run test:reference`.
 */
import { Management, sleep } from './conformance/observe';
import { cleanUp, registrationContext, registrationScenarios } from './conformance/registration-scenarios';
import { conformanceSuite } from './conformance/suite';

const DAY = 86_400_000;

conformanceSuite({
  title: 'conformance of the registration on both Durable engines',
  context: registrationContext,
  scenarios: registrationScenarios,
  after: cleanUp,
  more(running) {
    // The reference engine keeps real time; the registration waits for its 7-day expiry in timers of at most 3 days
    // (src/workflow/timer-span.ts), whose first the extension was seen to create in registration-expiry-long-timer,
    // and their firing is proven on the local host with its clock moved (on both engines in real time, with the
    // thresholds shrunk: long-timers-conformance). Runs last: it moves the clock.
    it('registration-expiry-long-timer, local engine: with the clock moved to 3, 6 and 7 days its timers fire and the registration expires', async () => {
      const { stacks, contexts } = running();
      const ctx = contexts.local;
      const m = new Management(stacks.local);
      const started = await ctx.call('POST', '/payer-account/registration', ctx.alice, { accountName: 'Contoso CSP' });
      const id = started.body.registrationId as string;
      const events = async () => (await m.history(id)).body.historyEvents as any[];
      const timers = async () => {
        const history = await events();
        const t0 = Date.parse(history[0].Timestamp);
        return history
          .filter((e) => e.EventType === 'TimerCreated' || e.EventType === 'TimerFired')
          .map((e) => `${e.EventType} +${Math.round((Date.parse(e.FireAt) - t0) / DAY)}d`);
      };
      const settle = async (count: number) => {
        for (let i = 0; i < 200 && (await timers()).length < count; i++) await sleep(25);
        return timers();
      };
      try {
        expect(await settle(1)).toEqual(['TimerCreated +3d']);
        await stacks.local.advanceClock(3 * DAY);
        expect(await settle(3)).toEqual(['TimerCreated +3d', 'TimerFired +3d', 'TimerCreated +6d']);
        await stacks.local.advanceClock(3 * DAY);
        expect(await settle(5)).toEqual([
          'TimerCreated +3d',
          'TimerFired +3d',
          'TimerCreated +6d',
          'TimerFired +6d',
          'TimerCreated +7d',
        ]);
        expect((await m.status(id)).body.runtimeStatus).toBe('Running');
        await stacks.local.advanceClock(DAY);
        const ended = await m.settled(id);
        expect(ended.body).toMatchObject({ runtimeStatus: 'Completed', output: { outcome: 'expired' } });
        expect((await timers()).slice(5)).toEqual(['TimerFired +7d']);
        expect((ended.body.historyEvents as any[]).map((e) => e.FunctionName ?? e.Name ?? e.EventType)).toContain(
          'CleanUpRegistration',
        );
      } finally {
        await cleanUp(ctx);
      }
    });
  },
});
