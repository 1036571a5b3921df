import { CronExpressionParser } from 'cron-parser';

export interface TimerSchedule {
  /** The schedule as written, with `%Setting%` references resolved. */
  expression: string;
  /** The first occurrence strictly after `after` (epoch ms). */
  next(after: number): number;
}

// NCRONTAB knows numbers, three-letter names, `*`, ranges, steps and lists; cron-parser also takes
// L, #, H and ?, which Azure would refuse, so those are refused here too.
const NCRONTAB_ITEM = /^(\*|\d+|[A-Za-z]{3})(-(\d+|[A-Za-z]{3}))?(\/\d+)?$/;
const TIME_SPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/;

function timeSpan(expression: string): TimerSchedule | undefined {
  const match = TIME_SPAN.exec(expression);
  if (!match) return undefined;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  // .NET reads '24:00:00' as 24 days; ask for the unambiguous form instead.
  if (hours > 23 || minutes > 59 || seconds > 59)
    throw new Error('a TimeSpan is [d.]hh:mm:ss with hh < 24, mm and ss < 60');
  const interval = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
  if (interval === 0) throw new Error('the interval must be longer than zero');
  return { expression, next: (after) => after + interval };
}

const DAY_MS = 86_400_000;

function ncrontab(expression: string): TimerSchedule {
  const fields = expression.split(/\s+/);
  if (fields.length !== 6)
    throw new Error(`expected 6 fields {second} {minute} {hour} {day} {month} {day-of-week}, got ${fields.length}`);
  const odd = fields.flatMap((field) => field.split(',')).find((item) => !NCRONTAB_ITEM.test(item));
  if (odd !== undefined) throw new Error(`'${odd}' is not NCRONTAB syntax`);
  const parse = (parts: string[], after: number) =>
    CronExpressionParser.parse(parts.join(' '), { currentDate: new Date(after), tz: 'UTC', strict: true });
  // cron-parser takes a day matching either day field; NCRONTAB wants both, so the day of week filters.
  const weekdays = new Set(
    parse(['0', '0', '0', '*', '*', fields[5]], 0).fields.dayOfWeek.values.map((d) => Number(d) % 7),
  );
  const byDay = [...fields.slice(0, 5), '*'];
  parse(byDay, 0);
  return {
    expression,
    next(after) {
      for (let from = after, tries = 0; tries < 1000; tries++) {
        const at = parse(byDay, from).next().getTime();
        if (weekdays.has(new Date(at).getUTCDay())) return at;
        from = at - (at % DAY_MS) + DAY_MS - 1;
      }
      throw new Error(`'${expression}' has no occurrence within 1000 matching days`);
    },
  };
}

/** Resolves `%Name%` references from app settings, as the Functions host does for binding properties. */
export function resolveSettings(value: string, settings: Record<string, string | undefined>): string {
  return value.replace(/%([^%]+)%/g, (_, name: string) => {
    const resolved = settings[name];
    if (!resolved) throw new Error(`'%${name}%' does not resolve to a value (app setting ${name} is not set)`);
    return resolved;
  });
}

/** An Azure timer schedule: NCRONTAB with seconds (UTC), or a TimeSpan interval. Throws naming the function. */
export function parseSchedule(
  functionName: string,
  schedule: unknown,
  settings: Record<string, string | undefined>,
): TimerSchedule {
  let expression: string | undefined;
  try {
    if (typeof schedule !== 'string' || !schedule.trim()) throw new Error('no schedule is set');
    expression = resolveSettings(schedule, settings).trim();
    return timeSpan(expression) ?? ncrontab(expression);
  } catch (error) {
    const resolved = expression !== undefined && expression !== schedule ? ` (resolved to '${expression}')` : '';
    throw new Error(
      `Timer function '${functionName}' has an invalid schedule '${String(schedule)}'${resolved}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
