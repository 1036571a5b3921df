import { startKeepAliveRound } from '../../src/app/start-keep-alive-round';
import { throttledFor } from '../../src/app/retry-transient';
import { keepAliveRoundId, nextWindow } from '../../src/domain/keep-alive-round';
import { retryAfterMs } from '../../src/domain/retry-after';
import { TransientError } from '../../src/domain/transient-error';
import type { KeepAliveRounds } from '../../src/ports/keep-alive-rounds';
import { SecretStoreError } from '../../src/ports/secret-store';

describe('the keep-alive round', () => {
  it('halves the refreshes in flight when throttled (never below one) and adds one back per clean batch', () => {
    expect(nextWindow(16, 16, true)).toBe(8);
    expect(nextWindow(1, 16, true)).toBe(1);
    expect(nextWindow(8, 16, false)).toBe(9);
    expect(nextWindow(16, 16, false)).toBe(16);
  });

  describe('one round per schedule occurrence', () => {
    const now = new Date('2026-12-07T03:00:00.250Z');
    const started: string[] = [];
    const rounds: KeepAliveRounds = {
      async startOnce(roundId) {
        if (started.includes(roundId)) return false;
        started.push(roundId);
        return true;
      },
    };
    const deps = {
      rounds,
      clock: { now: () => now, sleep: async () => undefined },
      settings: { pageSize: 100, concurrency: 16 },
    };

    it('names the round after the occurrence the timer fired for, so a second start of it finds the round', async () => {
      const occurrence = new Date('2026-12-07T03:00:00.000Z');
      expect(await startKeepAliveRound(occurrence, deps)).toEqual({
        roundId: 'keep-alive-2026-12-07T03:00:00.000Z',
        started: true,
      });
      // A second host, or the same occurrence past due after a restart: the round is there already.
      expect(await startKeepAliveRound(occurrence, deps)).toEqual({
        roundId: keepAliveRoundId(occurrence),
        started: false,
      });
      // Past due by a day: still that occurrence's round.
      const missed = new Date('2026-11-30T03:00:00.000Z');
      expect((await startKeepAliveRound(missed, deps)).roundId).toBe('keep-alive-2026-11-30T03:00:00.000Z');
    });

    it('a run by hand (its next occurrence still ahead, or none known) is its own round, now', async () => {
      const ahead = new Date('2026-12-14T03:00:00.000Z');
      expect((await startKeepAliveRound(ahead, deps)).roundId).toBe(`keep-alive-${now.toISOString()}`);
      expect(started).not.toContain(keepAliveRoundId(ahead));
      expect((await startKeepAliveRound(undefined, deps)).started).toBe(false); // the same instant: the same round
    });
  });

  it('reads Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), and nothing else', () => {
    const now = Date.parse('2026-12-07T03:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs('Mon, 07 Dec 2026 03:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 07 Dec 2026 02:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-3', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('tells throttling (429) from other passing faults, for Entra ID and Key Vault alike', () => {
    expect(throttledFor(new TransientError('x', { status: 429, retryAfterMs: 5000 }))).toBe(5000);
    expect(throttledFor(new SecretStoreError('x', 'unavailable', { status: 429 }))).toBe(1000);
    expect(throttledFor(new SecretStoreError('x', 'unavailable', { status: 503, retryAfterMs: 5000 }))).toBeUndefined();
    expect(throttledFor(new TransientError('x'))).toBeUndefined();
    expect(throttledFor(new Error('x'))).toBeUndefined();
  });
});
