import type { Stack } from '../../local/stack';
import { startStack } from '../../local/stack';
import type { ApiAnswer } from '../support/registration-driver';
import { apiClient, registerContoso, until } from '../support/registration-driver';
import { newOrganizations } from '../support/organization-tokens';
import { timerRun } from '../support/timer-runs';

const DAY_MS = 24 * 3600_000;
const ADMIN = 'alice@contoso.example';

/**
 * Retention on the running stack, its clock moved days ahead: the daily HistoryPurge timer purges the Durable
 * histories of registrations and re-consents that ended more than HISTORY_RETENTION_DAYS ago (set to the smallest
 * allowed, 7, so that a registration can still be running past it: REGISTRATION_EXPIRY_HOURS 30 days), keeps the
 * younger ones and the running one, and ops no longer find what it purged.
 */
describe('history retention: the HistoryPurge timer', () => {
  let stack: Stack;
  let call: (method: string, path: string, token: string | undefined, body?: unknown) => Promise<ApiAnswer>;
  const newOrganization = newOrganizations(() => stack, '55555555-5555-4555-8555');
  /** The app's clock moves with the stand-in's: a token is asked for when needed. */
  const ops = async (path: string) =>
    call('GET', `/ops/registrations${path}`, await stack.tokenFor('olivia@octo.example'));
  const listed = async () => {
    const page = await ops('?pageSize=100');
    expect(page.status).toBe(200);
    expect(page.body.continuationToken).toBeUndefined();
    return (page.body.items as { registrationId: string }[]).map((i) => i.registrationId);
  };
  const management = (id: string, action = '', query = '') =>
    `${stack.host.url}/runtime/webhooks/durabletask/instances/${id}${action}?code=${encodeURIComponent(stack.settings.LocalHost__MasterKey)}${query}`;
  const rawStatus = (id: string) => fetch(management(id, '', '&showHistory=true&showHistoryOutput=true'));
  const runtimeStatus = async (id: string) => {
    const res = await rawStatus(id);
    return res.status === 404 ? 'purged' : ((await res.json()) as { runtimeStatus: string }).runtimeStatus;
  };
  /** Starts a registration for a new organization; cancelled or terminated at once unless `keep`. */
  const registration = async (end?: 'cancel' | 'terminate') => {
    const token = await newOrganization();
    const started = await call('POST', '/payer-account/registration', token, {});
    expect(started.status).toBe(201);
    const id = started.body.registrationId as string;
    expect(await until(async () => (await runtimeStatus(id)) === 'Running')).toBe(true);
    if (end === 'cancel') expect((await call('DELETE', '/payer-account/registration', token)).status).toBe(204);
    if (end === 'terminate')
      expect((await fetch(management(id, '/terminate', '&reason=ops'), { method: 'POST' })).status).toBe(202);
    if (end) expect(await until(async () => ['Completed', 'Terminated'].includes(await runtimeStatus(id)))).toBe(true);
    return id;
  };
  /** The purge runs' logged summaries: each a host log entry, the message and then its properties as Node shows them. */
  const summaries = () =>
    stack.host
      .output()
      .split(/\n(?=\d{4}-\d\d-\d\dT)/)
      .filter((entry) => entry.includes('HistoryPurge: Orchestration histories purged'))
      .map((entry) => {
        const count = (name: string) => Number(new RegExp(`\\b${name}: (\\d+)`).exec(entry)?.[1]);
        return {
          entry,
          purged: count('purged'),
          alreadyGone: count('alreadyGone'),
          retentionDays: count('retentionDays'),
        };
      });
  /** Moves the clock and waits for the purge run the move makes due. */
  const purgeAfter = async (ms: number) => {
    const run = await timerRun(stack, 'HistoryPurge', () => stack.advanceClock(ms), { tries: 600, everyMs: 50 });
    expect(run?.lastResult).toBe('Succeeded');
  };

  beforeAll(async () => {
    stack = await startStack({ settings: { HISTORY_RETENTION_DAYS: '7', REGISTRATION_EXPIRY_HOURS: '720' } });
    call = apiClient(stack).call;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('purges what ended more than the retention period ago, of every kind, and nothing else', async () => {
    expect(await stack.timerStatus('HistoryPurge')).toMatchObject({ schedule: '0 30 4 * * *' });
    const alice = await stack.tokenFor(ADMIN);
    // Day 0: a registration that ended registered, a re-consent that ended reconsented (its history holds the
    // admin's e-mail address), one cancelled, one terminated by ops (ended without its clean-up), one still running.
    const registered = (await registerContoso(stack, alice)).registrationId as string;
    const asked = await call('POST', '/payer-account/reconsent', alice, { adminEmail: ADMIN });
    expect(asked.status).toBe(202);
    const reconsent = asked.body.reconsentId as string;
    const [mail] = await stack.maildev.waitForMessages(ADMIN, { count: 1, timeoutMs: 10_000 });
    const link = /(http:\/\/127\.0\.0\.1:\d+\/api\/consent\/start\?ticket=[^\s"<]+)/.exec(mail.text ?? '')?.[1];
    const start = await fetch(link as string, { redirect: 'manual' });
    const { location } = await stack.entra.authorize({
      authorizeUrl: start.headers.get('location') as string,
      username: ADMIN,
      decision: 'accept',
    });
    await fetch(location, { redirect: 'manual' });
    expect(await until(async () => (await runtimeStatus(reconsent)) === 'Completed')).toBe(true);
    expect(await (await rawStatus(reconsent)).text()).toContain(ADMIN);
    const cancelled = await registration('cancel');
    const terminated = await registration('terminate');
    const running = await registration();

    // Day 3: nothing is old enough yet; one more registration ends.
    await purgeAfter(3 * DAY_MS);
    const youngerCancelled = await registration('cancel');
    const day0 = [registered, reconsent, cancelled, terminated];
    expect(await Promise.all(day0.map(runtimeStatus))).toEqual(['Completed', 'Completed', 'Completed', 'Terminated']);
    expect(await listed()).toEqual(expect.arrayContaining([...day0, running, youngerCancelled]));

    // Day 8: the ones that ended on day 0 are past 7 days and go; the one that ended on day 3 and the running one stay.
    await purgeAfter(5 * DAY_MS);
    expect(await Promise.all(day0.map(runtimeStatus))).toEqual(['purged', 'purged', 'purged', 'purged']);
    expect(await runtimeStatus(youngerCancelled)).toBe('Completed');
    expect(await runtimeStatus(running)).toBe('Running');
    const shown = await listed();
    expect(shown).toEqual(expect.arrayContaining([running, youngerCancelled]));
    for (const id of day0) {
      expect(shown).not.toContain(id);
      const history = await ops(`/${id}/history`);
      expect(history.status).toBe(404);
      expect(history.body.code).toBe('instance_not_found');
    }
    expect((await ops(`/${running}/history`)).body.runtimeStatus).toBe('Running');
    // The account lives on without its registration's history; its audit trail keeps the registration and re-consent.
    const alice8 = await stack.tokenFor(ADMIN);
    const account = await call('GET', '/payer-account', alice8);
    expect(account.status).toBe(200);
    expect(account.body).toMatchObject({ registrationId: registered });
    expect(account.body.reconsent).toBeUndefined();
    const audit = await call('GET', '/payer-account/audit', alice8);
    expect((audit.body.items as { action: string }[]).map((i) => i.action)).toEqual(
      expect.arrayContaining(['payerAccount.registered', 'payerAccount.reconsented']),
    );
    // The run's summary is logged: counts, no personal data.
    expect(summaries().length).toBeGreaterThanOrEqual(2);
    expect(summaries().at(-1)).toMatchObject({ purged: 4, alreadyGone: 0, retentionDays: 7 });
    expect(JSON.stringify(summaries())).not.toMatch(/@|contoso/i);

    // Day 12: the day-3 one goes too; the running registration is still never touched.
    await purgeAfter(4 * DAY_MS);
    expect(await runtimeStatus(youngerCancelled)).toBe('purged');
    expect(await runtimeStatus(running)).toBe('Running');
    expect(await listed()).toEqual(expect.arrayContaining([running]));
    expect(await listed()).not.toContain(youngerCancelled);

    // A run on demand finds nothing more to purge.
    expect((await timerRun(stack, 'HistoryPurge'))?.lastResult).toBe('Succeeded');
    expect(summaries().at(-1)).toMatchObject({ purged: 0, alreadyGone: 0 });
  });
});
