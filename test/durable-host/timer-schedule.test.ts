import { parseSchedule } from '../../local/durable-host/timer-schedule';
import { dotNetTime } from '../../local/durable-host/timer-scheduler';

const at = (iso: string) => Date.parse(iso);
const occurrences = (schedule: string, from: string, count = 3, settings: Record<string, string> = {}) => {
  const parsed = parseSchedule('Fn', schedule, settings);
  const out: string[] = [];
  for (let t = at(from); out.length < count;) out.push(new Date((t = parsed.next(t))).toISOString());
  return out;
};

describe('timer schedules (NCRONTAB with seconds, UTC, or a TimeSpan)', () => {
  it('computes occurrences strictly after the given time', () => {
    expect(occurrences('0 */5 * * * *', '2024-01-01T12:05:00.000Z')).toEqual([
      '2024-01-01T12:10:00.000Z',
      '2024-01-01T12:15:00.000Z',
      '2024-01-01T12:20:00.000Z',
    ]);
    expect(occurrences('*/15 * * * * *', '2024-01-01T12:05:00.500Z', 2)).toEqual([
      '2024-01-01T12:05:15.000Z',
      '2024-01-01T12:05:30.000Z',
    ]);
    expect(occurrences('0 30 9 * * Mon-Fri', '2024-01-05T10:00:00Z', 2)).toEqual([
      '2024-01-08T09:30:00.000Z',
      '2024-01-09T09:30:00.000Z',
    ]);
    expect(occurrences('0 0 3 * JAN,jul Sun', '2024-01-25T00:00:00Z', 2)).toEqual([
      '2024-01-28T03:00:00.000Z',
      '2024-07-07T03:00:00.000Z',
    ]);
  });

  it('requires both the day of month and the day of week to match, as NCRONTAB does', () => {
    expect(occurrences('0 0 0 13 * Fri', '2024-01-01T00:00:00Z')).toEqual([
      '2024-09-13T00:00:00.000Z',
      '2024-12-13T00:00:00.000Z',
      '2025-06-13T00:00:00.000Z',
    ]);
  });

  it('takes a TimeSpan as a fixed interval from the given time', () => {
    expect(occurrences('00:05:00', '2024-01-01T12:02:30Z', 2)).toEqual([
      '2024-01-01T12:07:30.000Z',
      '2024-01-01T12:12:30.000Z',
    ]);
    expect(occurrences('1.02:00:00', '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-02T02:00:00.000Z']);
  });

  it('resolves %Setting% references from the app settings', () => {
    const schedule = parseSchedule('KeepAlive', '%Weekly%', { Weekly: '0 0 3 * * Mon' });
    expect(schedule.expression).toBe('0 0 3 * * Mon');
    expect(() => parseSchedule('KeepAlive', '%Weekly%', {})).toThrow(
      "Timer function 'KeepAlive' has an invalid schedule '%Weekly%': '%Weekly%' does not resolve to a value (app setting Weekly is not set)",
    );
  });

  it.each([
    ['0 20 15 * *', 'expected 6 fields'],
    ['0 0 99 * * *', 'expected range 0-23'],
    ['0 0 3 L * *', "'L' is not NCRONTAB syntax"],
    ['0 0 3 * * 1#2', "'1#2' is not NCRONTAB syntax"],
    ['H * * * * *', "'H' is not NCRONTAB syntax"],
    ['0 0 3 * * Foo', 'foo'],
    ['24:00:00', 'hh < 24'],
    ['00:00:00', 'longer than zero'],
    ['', 'no schedule is set'],
  ])('refuses %j, naming the function', (schedule, reason) => {
    expect(() => parseSchedule('Weekly', schedule, {})).toThrow(
      `Timer function 'Weekly' has an invalid schedule '${schedule}'`,
    );
    expect(() => parseSchedule('Weekly', schedule, {})).toThrow(reason);
  });

  it('writes times as the Functions host serializes its local DateTime on a UTC machine', () => {
    expect(dotNetTime(at('2024-01-08T03:00:00.000Z'))).toBe('2024-01-08T03:00:00+00:00');
    expect(dotNetTime(at('2024-01-08T03:00:00.120Z'))).toBe('2024-01-08T03:00:00.12+00:00');
    expect(dotNetTime(undefined)).toBe('0001-01-01T00:00:00');
  });
});
