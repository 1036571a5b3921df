import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import * as path from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
import { resolveMaildevBin, startMaildev, type Maildev } from '../../local/maildev';

let maildev: Maildev;
let smtp: Transporter;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

beforeAll(async () => {
  maildev = await startMaildev();
  smtp = createTransport({ host: maildev.smtpHost, port: maildev.smtpPort, secure: false, ignoreTLS: true });
});

afterAll(async () => {
  smtp?.close();
  await maildev?.stop();
});

beforeEach(async () => {
  await maildev.clear();
});

it("resolves maildev's bin script inside the installed package (not npx)", () => {
  const bin = resolveMaildevBin();
  expect(path.isAbsolute(bin)).toBe(true);
  expect(bin.endsWith(path.join('node_modules', 'maildev', 'dist', 'bin', 'maildev.js'))).toBe(true);
  expect(existsSync(bin)).toBe(true);
});

it('runs maildev as its own process on loopback SMTP and web ports', async () => {
  expect(maildev.pid).not.toBe(process.pid);
  expect(isAlive(maildev.pid)).toBe(true);
  expect(maildev.webUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(maildev.smtpPort).not.toBe(Number(new URL(maildev.webUrl).port));
  const health = await fetch(`${maildev.webUrl}/api/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toBe(true);
  expect(await portOpen(maildev.smtpPort)).toBe(true);
});

it('catches mail sent with nodemailer and reads it back from its REST API', async () => {
  await smtp.sendMail({
    from: 'Octo Registration <noreply@octo.example>',
    to: 'Alice Admin <Alice@Contoso.example>',
    cc: 'ops@octo.example',
    bcc: 'audit@octo.example',
    subject: 'Consent needed for Contoso',
    text: 'Open https://127.0.0.1:7071/api/consent/start?ticket=abc',
    html: '<p><a href="https://127.0.0.1:7071/api/consent/start?ticket=abc">Give consent</a></p>',
  });
  await smtp.sendMail({ from: 'noreply@octo.example', to: 'bob@contoso.example', subject: 'Other', text: 'other' });

  const all = await maildev.messages();
  expect(all.map((m) => m.subject)).toEqual(['Consent needed for Contoso', 'Other']);

  const [mail] = await maildev.waitForMessages('alice@contoso.example');
  expect(mail.subject).toBe('Consent needed for Contoso');
  expect(mail.from).toEqual([{ address: 'noreply@octo.example', name: 'Octo Registration' }]);
  expect(mail.to).toEqual([{ address: 'Alice@contoso.example', name: 'Alice Admin' }]);
  expect(mail.cc).toEqual([{ address: 'ops@octo.example', name: '' }]);
  expect(mail.text.trim()).toBe('Open https://127.0.0.1:7071/api/consent/start?ticket=abc');
  expect(mail.html).toContain('href="https://127.0.0.1:7071/api/consent/start?ticket=abc"');
  expect(mail.envelopeTo.sort()).toEqual(['alice@contoso.example', 'audit@octo.example', 'ops@octo.example']);

  // Recipients match case-insensitively, cc and bcc included; others not at all.
  expect((await maildev.messages('ALICE@contoso.EXAMPLE')).map((m) => m.id)).toEqual([mail.id]);
  expect((await maildev.messages('audit@octo.example')).map((m) => m.id)).toEqual([mail.id]);
  expect((await maildev.messages('ops@octo.example')).map((m) => m.id)).toEqual([mail.id]);
  expect((await maildev.messages('bob@contoso.example')).map((m) => m.subject)).toEqual(['Other']);
  expect(await maildev.messages('nobody@contoso.example')).toEqual([]);
});

it('empties the inbox on clear()', async () => {
  await smtp.sendMail({ from: 'noreply@octo.example', to: 'carol@fabrikam.example', subject: 'x', text: 'x' });
  expect(await maildev.messages()).toHaveLength(1);
  await maildev.clear();
  expect(await maildev.messages()).toEqual([]);
});

it('times out waiting for mail that never comes', async () => {
  await expect(maildev.waitForMessages('nobody@contoso.example', { timeoutMs: 300 })).rejects.toThrow(
    /Timed out waiting for 1 message\(s\) to nobody@contoso\.example/,
  );
});

it('stops by PID: the process is gone and its ports are closed', async () => {
  const other = await startMaildev();
  const webPort = Number(new URL(other.webUrl).port);
  expect(isAlive(other.pid)).toBe(true);
  await other.stop();
  expect(isAlive(other.pid)).toBe(false);
  expect(await portOpen(other.smtpPort)).toBe(false);
  expect(await portOpen(webPort)).toBe(false);
  // The first instance is untouched.
  expect(isAlive(maildev.pid)).toBe(true);
});
