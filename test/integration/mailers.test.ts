import { ClientSecretCredential } from '@azure/identity';
import type { Maildev } from '../../local/maildev';
import { startMaildev } from '../../local/maildev';
import type { AcsEmailStandIn } from '../../local/stand-ins/acs-email/server';
import { startAcsEmailStandIn } from '../../local/stand-ins/acs-email/server';
import type { EntraIdStandIn } from '../../local/stand-ins/entra-id/server';
import { startEntraIdStandIn } from '../../local/stand-ins/entra-id/server';
import { ensureLoopbackTls } from '../../local/tls';
import { AcsMailer } from '../../src/adapters/acs-mailer';
import { SmtpMailer } from '../../src/adapters/smtp-mailer';
import { TransientError } from '../../src/domain/transient-error';

const OCTO = '11111111-1111-4111-8111-111111111111';
const message = (to: string) => ({
  to,
  subject: `Consent needed ${to}`,
  text: 'Open the link',
  html: '<p>Open the link</p>',
});

describe('the Mailer adapters', () => {
  let maildev: Maildev;
  let entra: EntraIdStandIn;
  let acs: AcsEmailStandIn;

  beforeAll(async () => {
    const tls = await ensureLoopbackTls();
    maildev = await startMaildev();
    entra = await startEntraIdStandIn({ tls });
    acs = await startAcsEmailStandIn({
      tls,
      entra,
      smtp: { host: maildev.smtpHost, port: maildev.smtpPort },
      senderDomains: ['octo.example'],
    });
  });
  afterAll(async () => {
    await acs?.stop();
    await entra?.stop();
    await maildev?.stop();
  });

  it('SMTP delivers to the catcher', async () => {
    await new SmtpMailer({ host: maildev.smtpHost, port: maildev.smtpPort, from: 'DoNotReply@octo.example' }).send(
      message('smtp@contoso.example'),
    );
    const [mail] = await maildev.waitForMessages('smtp@contoso.example', { count: 1, timeoutMs: 5000 });
    expect(mail.subject).toBe('Consent needed smtp@contoso.example');
  });

  it('SMTP reports an unreachable server as transient', async () => {
    await expect(
      new SmtpMailer({ host: '127.0.0.1', port: 9, from: 'DoNotReply@octo.example' }).send(
        message('x@contoso.example'),
      ),
    ).rejects.toBeInstanceOf(TransientError);
  });

  // https://learn.microsoft.com/en-us/rest/api/communication/email/email ("Send", then "Get Send Result" until Succeeded)
  // https://learn.microsoft.com/en-us/rest/api/communication/authentication (an Entra token instead of the access key)
  it("Azure Communication Services sends with the managed identity's token (Entra ID, no access key)", async () => {
    const backend = entra.fixtures.applications.find((a) => a.name === 'octo-backend-local')!;
    const credential = new ClientSecretCredential(OCTO, backend.clientId, backend.secrets[0].value, {
      authorityHost: entra.url,
      disableInstanceDiscovery: true,
    });
    await new AcsMailer(acs.url, credential, 'DoNotReply@octo.example').send(message('acs@contoso.example'));
    expect(acs.sent().map((s) => [s.auth, s.status, s.message.recipients.to[0].address])).toEqual([
      ['bearer', 'Succeeded', 'acs@contoso.example'],
    ]);
    const [mail] = await maildev.waitForMessages('acs@contoso.example', { count: 1, timeoutMs: 5000 });
    expect(mail.text).toContain('Open the link');
  });

  it('Azure Communication Services refuses a sender domain not linked, as a transient-looking failure the orchestration retries', async () => {
    const backend = entra.fixtures.applications.find((a) => a.name === 'octo-backend-local')!;
    const credential = new ClientSecretCredential(OCTO, backend.clientId, backend.secrets[0].value, {
      authorityHost: entra.url,
      disableInstanceDiscovery: true,
    });
    await expect(
      new AcsMailer(acs.url, credential, 'DoNotReply@elsewhere.example').send(message('acs2@contoso.example')),
    ).rejects.toThrow(/ACS e-mail send failed/);
  });
});
