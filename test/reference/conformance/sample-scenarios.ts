/**
 * Scenarios of the sample app (test/fixtures/sample-app): the Durable features the registration uses, alone — an
 * orchestrator that fails, retries exhausted and caught, an event raised before its wait, a long timer cancelled.
 * Each starts its orchestration through the app (createCheckStatusResponse) and follows the link it hands out.
 */
import type { Stack } from '../../../local/stack';
import type { Observation, RawAnswer, Scenario } from './observe';
import { answerOf, CustomStatusWatch, Management, Normaliser, observeEnded, sleep } from './observe';

export interface SampleContext {
  stack: Stack;
  management: Management;
}

export const sampleContext = (stack: Stack): SampleContext => ({ stack, management: new Management(stack) });

class SampleRun {
  readonly n: Normaliser;
  readonly answers: Observation['management'] = {};
  id = '';
  statusUri = '';
  watch?: CustomStatusWatch;

  constructor(readonly ctx: SampleContext) {
    this.n = new Normaliser(ctx.stack);
  }

  /** Starts `name` through the app's HTTP starter; its 202 (createCheckStatusResponse) is one of the answers. */
  async start(name: string, input: unknown): Promise<string> {
    const res = await fetch(`${this.ctx.stack.apiBaseUrl}/orchestrators/${name}`, {
      method: 'POST',
      body: JSON.stringify(input),
    });
    const text = await res.text();
    const body = JSON.parse(text) as { id: string; statusQueryGetUri: string };
    this.id = body.id;
    this.n.id(this.id);
    this.statusUri = body.statusQueryGetUri;
    const raw: RawAnswer = { status: res.status, headers: res.headers, text, body };
    this.answers.start = answerOf(raw, this.n);
    this.watch = new CustomStatusWatch(this.ctx.management, this.id);
    return this.id;
  }

  /** Follows the status link the app handed out until the instance has ended; that answer is `ended`. */
  async followStatusLink(query: Record<string, string> = {}): Promise<RawAnswer> {
    const url = new URL(this.statusUri);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    for (let i = 0; i < 1200; i++) {
      const res = await fetch(url);
      const text = await res.text();
      if (res.status !== 202) return { status: res.status, headers: res.headers, text, body: JSON.parse(text) };
      await sleep(25);
    }
    throw new Error(`${this.id} still running`);
  }

  async finish(extra: Partial<Observation> = {}): Promise<Observation> {
    this.answers.ended = answerOf(await this.followStatusLink(), this.n);
    const ended = await this.ctx.management.settled(this.id);
    const customStatuses = (await this.watch?.stop()) ?? [];
    const { answer: _answer, ...common } = observeEnded(ended, this.n);
    return { ...common, customStatuses, management: this.answers, ...extra };
  }
}

export const sampleScenarios: Scenario<SampleContext>[] = [
  {
    name: 'sample-sequence',
    title: 'activities in sequence: the starter’s 202 and links, the answers while running and once completed',
    expected: { runtimeStatus: 'Completed', output: ['Hello Tokyo!', 'Hello Seattle!'] },
    async run(ctx) {
      const run = new SampleRun(ctx);
      await run.start('Sequence', ['Tokyo', 'Seattle']);
      return run.finish();
    },
  },
  {
    name: 'sample-orchestrator-fails',
    title: 'an orchestrator that throws: Failed with its custom status, 200, and 500 when asked for',
    expected: { runtimeStatus: 'Failed' },
    async run(ctx) {
      const run = new SampleRun(ctx);
      await run.start('ConformanceThrows', null);
      const observation = await run.finish();
      run.answers.failedAs500 = answerOf(
        await run.followStatusLink({ returnInternalServerErrorOnFailure: 'true' }),
        run.n,
      );
      return observation;
    },
  },
  {
    name: 'sample-retries-exhausted',
    title: 'an activity failing every attempt: retries exhausted, the failure caught by the orchestrator',
    expected: { runtimeStatus: 'Completed' },
    async run(ctx) {
      const run = new SampleRun(ctx);
      await run.start('Retry', { key: 'conformance-exhausted', failTimes: 5, attempts: 3 });
      return run.finish();
    },
  },
  {
    name: 'sample-retry-succeeds',
    title: 'an activity failing twice, then succeeding on its third attempt',
    expected: { runtimeStatus: 'Completed', output: 'Hello, flaky2:conformance!' },
    async run(ctx) {
      const run = new SampleRun(ctx);
      await run.start('ConformanceRetry', { name: 'flaky2:conformance', firstRetryMs: 1000, attempts: 3 });
      return run.finish();
    },
  },
  {
    name: 'sample-event-before-wait',
    title: 'an event raised before the orchestrator waits for it (Second before First)',
    expected: { runtimeStatus: 'Completed', output: { first: 'one', second: 'two' } },
    async run(ctx) {
      const run = new SampleRun(ctx);
      await run.start('ConformanceEventsInOrder', null);
      for (let i = 0; i < 200 && (await ctx.management.status(run.id)).body?.runtimeStatus !== 'Running'; i++)
        await sleep(25);
      run.answers.raiseSecond = answerOf(await ctx.management.raise(run.id, 'Second', 'two'), run.n);
      await sleep(500);
      run.answers.raiseFirst = answerOf(await ctx.management.raise(run.id, 'First', 'one'), run.n);
      return run.finish();
    },
  },
  {
    name: 'sample-long-timer-cancelled',
    title: 'a 7-day timer that loses its race to an event: its 3-day sub-timer created, then cancelled',
    expected: { runtimeStatus: 'Completed', output: { approvedBy: 'ops' } },
    async run(ctx) {
      const run = new SampleRun(ctx);
      await run.start('ConformanceLongTimerCancelled', { timeoutMs: 7 * 86_400_000 });
      const timerCreated = async () =>
        ((await ctx.management.history(run.id)).body?.historyEvents ?? []).some(
          (e: any) => e.EventType === 'TimerCreated',
        );
      for (let i = 0; i < 200 && !(await timerCreated()); i++) await sleep(25);
      run.answers.raiseApprove = answerOf(await ctx.management.raise(run.id, 'Approve', 'ops'), run.n);
      await sleep(500);
      run.answers.waitingForDone = answerOf(await ctx.management.status(run.id), run.n);
      run.answers.raiseDone = answerOf(await ctx.management.raise(run.id, 'Done', null), run.n);
      return run.finish();
    },
  },
];

/** The engines' long timers shrunk, as for the registration's (LONG_TIMER_STACK): 30 s and sub-timers of 3 s. */
export const LONG_TIMERS = { maximumShortTimer: '00:00:30', interval: '00:00:03' };

/** Waits until the instance's history holds `count` TimerFired events. */
async function timersFired(run: SampleRun, count: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const events = ((await run.ctx.management.history(run.id)).body?.historyEvents ?? []) as any[];
    if (events.filter((e) => e.EventType === 'TimerFired').length >= count) return;
    await sleep(25);
  }
  throw new Error(`${run.id}: no ${count} timer(s) fired`);
}

export const sampleLongTimerScenarios: Scenario<SampleContext>[] = [
  {
    name: 'sample-long-timer-cancelled-after-sub-timer',
    title:
      'a long timer cancelled once its first sub-timer fired: the extension cannot replay it (the second sub-timer is not recreated) and fails the instance',
    expected: { runtimeStatus: 'Failed' },
    async run(ctx) {
      const run = new SampleRun(ctx);
      await run.start('ConformanceLongTimerCancelled', { timeoutMs: 40_000 });
      await timersFired(run, 1);
      run.answers.raiseApprove = answerOf(await ctx.management.raise(run.id, 'Approve', 'ops'), run.n);
      return run.finish();
    },
  },
  {
    name: 'sample-long-timer-sub-timer-after-cancel',
    title:
      'a long timer cancelled before its first sub-timer fired: that one still fires, no other follows, and the instance completes',
    expected: { runtimeStatus: 'Completed', output: { approvedBy: 'ops' } },
    async run(ctx) {
      const run = new SampleRun(ctx);
      await run.start('ConformanceLongTimerCancelled', { timeoutMs: 40_000 });
      for (let i = 0; i < 200; i++) {
        const events = ((await ctx.management.history(run.id)).body?.historyEvents ?? []) as any[];
        if (events.some((e) => e.EventType === 'TimerCreated')) break;
        await sleep(25);
      }
      run.answers.raiseApprove = answerOf(await ctx.management.raise(run.id, 'Approve', 'ops'), run.n);
      await timersFired(run, 1);
      await sleep(1000);
      run.answers.raiseDone = answerOf(await ctx.management.raise(run.id, 'Done', null), run.n);
      return run.finish();
    },
  },
];
