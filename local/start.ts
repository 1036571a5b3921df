import * as path from 'node:path';
import { REPO_ROOT, LOCAL_PASSWORD, startStack } from './stack';

/** `npm start`: the whole product on loopback until Ctrl-C. */
async function main(): Promise<void> {
  const stack = await startStack({ hostPort: Number(process.env.PORT ?? 7071), dataDir: path.join(REPO_ROOT, '.local', 'azurite'), echoHost: true });
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
  Table Storage  ${stack.azurite.tableEndpoint}   (Azurite, data in .local/azurite)

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
  const stop = () => {
    process.stdout.write('\nStopping…\n');
    void stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
