import { EmailClient, type EmailMessage } from '@azure/communication-email';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { freePort } from '../../local/free-port';
import { startMaildev, type Maildev } from '../../local/maildev';
import { ensureLoopbackTls, type LoopbackTls } from '../../local/tls';
import {
  startAcsEmailStandIn,
  DEFAULT_ACS_SENDER_ADDRESS,
  type AcsEmailStandIn,
} from '../../local/stand-ins/acs-email/server';
import { startEntraIdStandIn, type EntraIdStandIn } from '../../local/stand-ins/entra-id/server';

const OCTO = '11111111-1111-4111-8111-111111111111';
const BACKEND_APP = 'aaaaaaaa-0000-4000-8000-000000000002';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The SDK waits 2 s before its first poll unless told otherwise. */
const FAST = { updateIntervalInMs: 20 };

let tls: LoopbackTls;
let entra: EntraIdStandIn;
let maildev: Maildev;
let acs: AcsEmailStandIn;

/** The real SDK client, trusting the loopback certificate explicitly (no reliance on NODE_EXTRA_CA_CERTS). */
const clientFor = (connectionString: string) => new EmailClient(connectionString, { tlsOptions: { ca: tls.cert } });

/** A TokenCredential that records the scopes asked and answers with an Entra stand-in token. */
function entraCredential(claims: Record<string, unknown> = {}): TokenCredential & { scopes: string[][] } {
  const scopes: string[][] = [];
  return {
    scopes,
    async getToken(asked): Promise<AccessToken> {
      scopes.push(Array.isArray(asked) ? [...asked] : [asked]);
      const token = await entra.mintToken({
        aud: 'https://communication.azure.com',
        iss: entra.v1Issuer(OCTO),
        tid: OCTO,
        appid: BACKEND_APP,
        appidacr: '1',
        idtyp: 'app',
        oid: 'cccccccc-0000-4000-8000-000000000001',
        sub: 'cccccccc-0000-4000-8000-000000000001',
        ver: '1.0',
        ...claims,
      });
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

const message = (to: string, extra: Partial<EmailMessage> = {}): EmailMessage => ({
  senderAddress: DEFAULT_ACS_SENDER_ADDRESS,
  content: {
    subject: `Consent needed (${to})`,
    plainText: 'Open https://127.0.0.1:7071/api/consent/start?ticket=t1 before it expires.',
    html: '<p><a href="https://127.0.0.1:7071/api/consent/start?ticket=t1">Give consent</a></p>',
  },
  recipients: { to: [{ address: to, displayName: 'Alice Admin' }] },
  ...extra,
});

/** The RestError a rejected send throws: status, code, and the service's error body. */
async function sendError(
  client: EmailClient,
  msg: EmailMessage,
): Promise<{ statusCode?: number; code?: string; details?: any }> {
  try {
    const poller = await client.beginSend(msg, FAST);
    await poller.pollUntilDone();
  } catch (err) {
    return err as { statusCode?: number; code?: string; details?: any };
  }
  throw new Error('the send was expected to fail');
}

beforeAll(async () => {
  tls = await ensureLoopbackTls();
  entra = await startEntraIdStandIn({ tls });
  maildev = await startMaildev();
  acs = await startAcsEmailStandIn({ tls, entra, smtp: { host: maildev.smtpHost, port: maildev.smtpPort } });
});

afterAll(async () => {
  await acs?.stop();
  await maildev?.stop();
  await entra?.stop();
});

beforeEach(async () => {
  acs.faults.clear();
  acs.faults.clearRequests();
  acs.clearSent();
  await maildev.clear();
});

// https://learn.microsoft.com/en-us/rest/api/communication/email/email ("Send": POST /emails:send, 202 with
// Operation-Location; "Get Send Result": the operation's status, Running until Succeeded or Failed)
// https://learn.microsoft.com/en-us/rest/api/communication/authentication (HMAC-SHA256 signed requests, or an Entra token)
describe('the real EmailClient against the stand-in', () => {
  it('sends with a connection string (HMAC): 202 + Operation-Location, poll → Succeeded, mail in maildev', async () => {
    const responses: Array<{ status: number; headers: Record<string, string> }> = [];
    const client = clientFor(acs.connectionString);
    const poller = await client.beginSend(
      message('alice@contoso.example', {
        recipients: {
          to: [{ address: 'alice@contoso.example', displayName: 'Alice Admin' }],
          cc: [{ address: 'ops@octo.example' }],
          bcc: [{ address: 'audit@octo.example' }],
        },
        replyTo: [{ address: 'support@octo.example', displayName: 'Octo Support' }],
        headers: { 'X-Registration-Id': 'reg-42' },
      }),
      { ...FAST, onResponse: (raw) => responses.push({ status: raw.status, headers: raw.headers.toJSON() }) },
    );
    const result = await poller.pollUntilDone();
    expect(result).toEqual({ id: expect.stringMatching(GUID), status: 'Succeeded' });

    // The 202 as the service sends it.
    const accepted = responses[0];
    expect(accepted.status).toBe(202);
    expect(accepted.headers['operation-location']).toBe(
      `${acs.url}/emails/operations/${result.id}?api-version=2025-09-01`,
    );
    expect(accepted.headers['retry-after']).toBe('1');
    expect(accepted.headers['x-ms-request-id']).toMatch(GUID);
    expect(acs.faults.requests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /emails:send 202',
      `GET /emails/operations/${result.id} 200`,
    ]);

    const [mail] = await maildev.waitForMessages('alice@contoso.example');
    expect(mail.subject).toBe('Consent needed (alice@contoso.example)');
    expect(mail.from).toEqual([{ address: DEFAULT_ACS_SENDER_ADDRESS, name: '' }]);
    expect(mail.to).toEqual([{ address: 'alice@contoso.example', name: 'Alice Admin' }]);
    expect(mail.cc).toEqual([{ address: 'ops@octo.example', name: '' }]);
    expect(mail.envelopeTo.sort()).toEqual(['alice@contoso.example', 'audit@octo.example', 'ops@octo.example']);
    expect(mail.text.trim()).toBe('Open https://127.0.0.1:7071/api/consent/start?ticket=t1 before it expires.');
    expect(mail.html).toContain('href="https://127.0.0.1:7071/api/consent/start?ticket=t1"');
    expect(mail.headers['x-registration-id']).toBe('reg-42');
    expect(mail.headers['x-stand-in-acs-operation-id']).toBe(result.id);
    expect(await maildev.messages()).toHaveLength(1);

    expect(acs.sent()).toEqual([
      expect.objectContaining({
        operationId: result.id,
        auth: 'hmac',
        status: 'Succeeded',
        smtp: expect.objectContaining({
          accepted: expect.arrayContaining(['alice@contoso.example', 'audit@octo.example']),
        }),
      }),
    ]);
  });

  it('sends with a TokenCredential (Entra bearer for https://communication.azure.com)', async () => {
    const credential = entraCredential();
    const client = new EmailClient(acs.url, credential, { tlsOptions: { ca: tls.cert } });
    const result = await (await client.beginSend(message('bob@contoso.example'), FAST)).pollUntilDone();
    expect(result.status).toBe('Succeeded');
    expect(credential.scopes[0]).toEqual(['https://communication.azure.com//.default']);
    expect(acs.sent()).toEqual([
      expect.objectContaining({ operationId: result.id, auth: 'bearer', status: 'Succeeded' }),
    ]);
    expect((await maildev.waitForMessages('bob@contoso.example'))[0].subject).toBe(
      'Consent needed (bob@contoso.example)',
    );
  });

  it('accepts a connection string with or without the trailing slash', async () => {
    const noSlash = acs.connectionString.replace('/;accesskey=', ';accesskey=');
    expect(noSlash).not.toBe(acs.connectionString);
    const result = await (await clientFor(noSlash).beginSend(message('carol@fabrikam.example'), FAST)).pollUntilDone();
    expect(result.status).toBe('Succeeded');
  });

  it('keeps one operation for a repeated Operation-Id: nothing is sent twice', async () => {
    const client = clientFor(acs.connectionString);
    const operationId = '0d0d0d0d-0000-4000-8000-000000000001';
    const first = await (
      await client.beginSend(message('dave@contoso.example'), { ...FAST, operationId })
    ).pollUntilDone();
    const second = await (
      await client.beginSend(message('dave@contoso.example'), { ...FAST, operationId })
    ).pollUntilDone();
    expect(first.id).toBe(operationId);
    expect(second.id).toBe(operationId);
    expect(acs.sent()).toHaveLength(1);
    await maildev.waitForMessages('dave@contoso.example');
    expect(await maildev.messages('dave@contoso.example')).toHaveLength(1);
  });
});

// https://learn.microsoft.com/en-us/rest/api/communication/email/email (the error answer: {error: {code, message}}). The
// 401 Denied and 404 DomainNotLinked answers are not published there: errors.ts names what they rest on.
describe('refusals in ACS error shape', () => {
  afterEach(async () => {
    expect(acs.sent()).toEqual([]);
    expect(await maildev.messages()).toEqual([]);
  });

  it('answers a wrong access key with 401 Denied', async () => {
    const wrongKey = acs.connectionString.replace(
      /accesskey=.*$/,
      `accesskey=${Buffer.from('another key entirely').toString('base64')}`,
    );
    const err = await sendError(clientFor(wrongKey), message('alice@contoso.example'));
    expect(err.statusCode).toBe(401);
    expect(err.code).toBe('Denied');
    expect(acs.authRejections().at(-1)).toBe('HMAC signature mismatch');
  });

  it('answers a token for another audience with 401 Denied', async () => {
    const client = new EmailClient(acs.url, entraCredential({ aud: 'https://vault.azure.net' }), {
      tlsOptions: { ca: tls.cert },
    });
    const err = await sendError(client, message('alice@contoso.example'));
    expect(err.statusCode).toBe(401);
    expect(err.code).toBe('Denied');
    expect(acs.authRejections().at(-1)).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED (aud)');
  });

  it('answers a forged token with 401 Denied', async () => {
    const credential: TokenCredential = {
      getToken: async () => ({
        token: await entra.mintToken(
          { aud: 'https://communication.azure.com', iss: entra.v1Issuer(OCTO), tid: OCTO },
          { signWithForeignKey: true },
        ),
        expiresOnTimestamp: Date.now() + 3_600_000,
      }),
    };
    const err = await sendError(
      new EmailClient(acs.url, credential, { tlsOptions: { ca: tls.cert } }),
      message('alice@contoso.example'),
    );
    expect(err.statusCode).toBe(401);
    expect(acs.authRejections().at(-1)).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('answers a malformed recipient address with 400 naming the field', async () => {
    const err = await sendError(clientFor(acs.connectionString), message('not-an-address'));
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('BadRequest');
    expect(err.details?.error).toMatchObject({ code: 'BadRequest', target: 'recipients.to[0].address' });
  });

  it('answers content without plainText or html with 400', async () => {
    const err = await sendError(
      clientFor(acs.connectionString),
      message('alice@contoso.example', { content: { subject: 'No body' } as EmailMessage['content'] }),
    );
    expect(err.statusCode).toBe(400);
    expect(err.details?.error).toMatchObject({
      code: 'BadRequest',
      target: 'content',
      message: expect.stringContaining('plainText or content.html'),
    });
  });

  it('answers empty recipients with 400', async () => {
    const err = await sendError(
      clientFor(acs.connectionString),
      message('alice@contoso.example', { recipients: { to: [] } }),
    );
    expect(err.statusCode).toBe(400);
    expect(err.details?.error?.target).toBe('recipients.to');
  });

  it('answers a sender on a domain not linked to the resource with 404 DomainNotLinked', async () => {
    const err = await sendError(
      clientFor(acs.connectionString),
      message('alice@contoso.example', { senderAddress: 'noreply@octo.example' }),
    );
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('DomainNotLinked');
    expect(err.details?.error?.message).toBe('The specified sender domain has not been linked.');
  });
});

// https://learn.microsoft.com/en-us/rest/api/communication/email/email ("Get Send Result": Running with Retry-After,
// then Succeeded, or Failed with an error)
describe('operation states and faults', () => {
  it('lets the SDK retry an injected 429 (Retry-After: 0) and delivers once', async () => {
    acs.faults.inject({ match: '^POST /emails:send$', status: 429, retryAfterSeconds: 0, count: 1 });
    const result = await (
      await clientFor(acs.connectionString).beginSend(message('erin@contoso.example'), FAST)
    ).pollUntilDone();
    expect(result.status).toBe('Succeeded');
    expect(acs.faults.requests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /emails:send 429',
      'POST /emails:send 202',
      `GET /emails/operations/${result.id} 200`,
    ]);
    await maildev.waitForMessages('erin@contoso.example');
    expect(await maildev.messages()).toHaveLength(1);
  });

  it('answers Running for runningPolls polls, with Retry-After, then Succeeded', async () => {
    const slow = await startAcsEmailStandIn({
      tls,
      smtp: { host: maildev.smtpHost, port: maildev.smtpPort },
      runningPolls: 2,
      retryAfterSeconds: 0,
    });
    try {
      const statuses: string[] = [];
      const poller = await clientFor(slow.connectionString).beginSend(message('frank@contoso.example'), {
        ...FAST,
        onResponse: (raw) =>
          statuses.push(
            `${raw.status} ${(raw.parsedBody as { status?: string }).status} ${raw.headers.get('retry-after') ?? '-'}`,
          ),
      });
      const result = await poller.pollUntilDone();
      expect(result.status).toBe('Succeeded');
      expect(statuses).toEqual(['202 Running 0', '200 Running 0', '200 Running 0', '200 Succeeded -']);
    } finally {
      await slow.stop();
    }
  });

  it('reports Failed / EmailDropped when the SMTP catcher cannot be reached', async () => {
    const closedPort = await freePort();
    const broken = await startAcsEmailStandIn({ tls, smtp: { host: '127.0.0.1', port: closedPort } });
    try {
      // beginSend already polls once: the failure can surface there or in pollUntilDone.
      const send = async () =>
        (await clientFor(broken.connectionString).beginSend(message('gina@contoso.example'), FAST)).pollUntilDone();
      await expect(send()).rejects.toThrow(/The long-running operation has failed\. EmailDropped\. Email was dropped/);
      expect(broken.sent()).toEqual([
        expect.objectContaining({
          status: 'Failed',
          error: expect.objectContaining({
            code: 'EmailDropped',
            message: expect.stringContaining(`127.0.0.1:${closedPort}`),
          }),
        }),
      ]);
    } finally {
      await broken.stop();
    }
    expect(await maildev.messages('gina@contoso.example')).toEqual([]);
  });

  it('keeps messages in memory only when no SMTP server is configured', async () => {
    const memoryOnly = await startAcsEmailStandIn({ tls });
    try {
      const result = await (
        await clientFor(memoryOnly.connectionString).beginSend(message('hank@contoso.example'), FAST)
      ).pollUntilDone();
      expect(result.status).toBe('Succeeded');
      expect(memoryOnly.sent().map((s) => s.message.recipients.to[0].address)).toEqual(['hank@contoso.example']);
      expect(memoryOnly.sent()[0].smtp).toBeUndefined();
    } finally {
      await memoryOnly.stop();
    }
    expect(await maildev.messages('hank@contoso.example')).toEqual([]);
  });
});
