import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Stack } from './stack';
import { REPO_ROOT, LOCAL_PASSWORD, startStack } from './stack';

let started: Promise<Stack> | undefined;
let stopping = false;

/** Stops everything this process started (once), then exits. */
function stop(why: string): void {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\nStopping (${why})…\n`);
  const stack = started ?? Promise.reject(new Error('not started'));
  void stack
    .then(
      (s) => s.stop(),
      () => undefined,
    )
    .then(() => process.exit(0));
}

/** This process's parent and, where /proc tells (Linux), the parent's parent. */
function lineage(): string {
  try {
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    return `${process.ppid} ${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]}`;
  } catch {
    return String(process.ppid);
  }
}

// Ctrl-C, a supervisor's or `timeout`'s SIGTERM, and SIGHUP when the terminal closes. npm passes on only SIGINT and
// SIGTERM to the shell that runs its script, so when npm dies of another signal (or SIGKILL) this process sees its
// parent or its parent's parent change (npm's shell is left behind too): stop then as well.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
const startedUnder = lineage();
setInterval(() => {
  if (lineage() !== startedUnder) stop('npm or the shell that started it ended');
}, 500).unref();

/** `npm start`: the whole product on loopback until Ctrl-C (or another signal, or the end of its parent). */
async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR ? path.resolve(process.env.DATA_DIR) : path.join(REPO_ROOT, '.local');
  started = startStack({ hostPort: Number(process.env.PORT ?? 7071), dataDir, echoHost: true });
  const stack = await started;
  if (stopping) return;
  const webClient = stack.entra.fixtures.applications.find((a) => a.name === 'octo-web');
  const api = stack.entra.fixtures.applications.find((a) => a.name === 'octo-payer-registration-api');
  const pcApp = stack.entra.fixtures.applications.find((a) => a.name === 'contoso-partner-center-app');
  process.stdout.write(`
Azure CSP payer-account registration — running locally

  Wizard         ${stack.webUrl}   ← open this in a browser
  API base URL   ${stack.apiBaseUrl}
  Entra ID       ${stack.entra.url}   (stand-in; certificate in .local/tls/cert.pem)
  Key Vault      ${stack.keyVault.url}   (stand-in)
  Partner Center ${stack.partnerCenter.url}   (stand-in)
  Partner API    ${stack.partnerApi.url}   (stand-in)
  Mail inbox     ${stack.maildev.webUrl}   (consent e-mails land here)
  Table Storage  ${stack.azurite.tableEndpoint}   (Azurite)
  Data           ${dataDir}   (kept across restarts: tables, secrets, sign-ins, mail)
  Durable engine ${stack.reference ? `Microsoft's Durable Task extension (DURABLE_ENGINE=reference), ${stack.reference.rpcBaseUrl}` : "the local host's own (DURABLE_ENGINE=reference for Microsoft's)"}

Register in the browser with the local fixtures:

  1. Open ${stack.webUrl} and choose "Sign in with Microsoft". The sign-in page is the Entra ID stand-in at
     ${stack.entra.url}, whose certificate is self-signed: accept the browser's warning once
     (or trust .local/tls/cert.pem, see the README).
  2. Sign in as alice@contoso.example with the password ${LOCAL_PASSWORD} and Accept.
  3. Step 2: application ID ${pcApp?.clientId}, domain contoso.example,
     secret value ${pcApp?.secrets[0]?.value}
  4. Step 3: admin's e-mail alice@contoso.example. Open the consent e-mail in ${stack.maildev.webUrl},
     follow its link, sign in as alice@contoso.example again and Accept. The wizard shows the registered account.
  5. On the account: "Replace the application secret" takes the app's other valid secret,
     ${pcApp?.secrets.find((s) => s.value.endsWith('~rotated'))?.value}

Or call the API yourself. Get a bearer token (alice@contoso.example may register; bob@contoso.example may only read):

  TOKEN=$(curl -s --cacert .local/tls/cert.pem ${stack.entra.url}/organizations/oauth2/v2.0/token \\
    -d grant_type=password -d client_id=${webClient?.clientId} \\
    -d username=alice@contoso.example -d 'password=${LOCAL_PASSWORD}' \\
    -d scope=${api?.identifierUri}/.default | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')

  curl -i -X POST ${stack.apiBaseUrl}/payer-account/registration -H "Authorization: Bearer $TOKEN" \\
    -H 'content-type: application/json' -d '{"accountName":"Contoso CSP"}'
  curl -s ${stack.apiBaseUrl}/payer-account/registration -H "Authorization: Bearer $TOKEN"

Step 2, Partner Center credentials (Contoso's fixture app; paste the secret's ID instead to see the error):

  curl -s -X PUT ${stack.apiBaseUrl}/payer-account/registration/partner-center-credentials \\
    -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '{"applicationId":"bbbbbbbb-0000-4000-8000-000000000001","domain":"contoso.example","secret":"contoso-pc-secret-value~valid"}'

Ops and lifecycle (see the README): run the weekly token keep-alive now, or move the clock:

  curl -i -X POST ${stack.host.url}/admin/functions/TokenKeepAlive -H 'x-functions-key: ${stack.settings.LocalHost__MasterKey}' -d '{"input":""}'
  curl -s ${stack.host.url}/admin/host/timers -H 'x-functions-key: ${stack.settings.LocalHost__MasterKey}'

Press Ctrl-C to stop everything.
`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
