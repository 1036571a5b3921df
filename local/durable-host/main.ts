import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { startHost } from './host';

/**
 * Process entry of the local Functions host: `node dist/local/durable-host/main.js [appRoot]`.
 * Settings come from the environment, then local.settings.json's Values, as with `func start`.
 */
async function main(): Promise<void> {
  const appRoot = path.resolve(process.argv[2] ?? process.cwd());
  const file = path.join(appRoot, 'local.settings.json');
  const values = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).Values as Record<string, string>) : {};
  const settings = { ...values, ...(process.env as Record<string, string>) };
  const host = await startHost({ appRoot, settings, port: Number(settings.LocalHost__Port ?? 7071) });
  process.stdout.write(`LOCAL_HOST_READY ${host.url}\n`);
  const shutdown = () => void host.stop().then(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
