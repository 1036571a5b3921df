import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import * as path from 'node:path';

export interface LoopbackTls {
  cert: string;
  key: string;
  /** PEM file to hand to child processes as NODE_EXTRA_CA_CERTS. */
  certPath: string;
}

export const DEFAULT_TLS_DIR = path.resolve(__dirname, '..', '..', '.local', 'tls');

/**
 * A self-signed certificate for localhost / 127.0.0.1, made on first use and kept under .local/
 * (git-ignored) so every stand-in and every child process trusts the same one.
 */
export async function ensureLoopbackTls(dir: string = DEFAULT_TLS_DIR): Promise<LoopbackTls> {
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    if (new Date(new X509Certificate(cert).validTo).getTime() > Date.now() + 24 * 3600_000) {
      return { cert, key, certPath };
    }
  } catch {
    // not made yet: generate below
  }
  const selfsigned = await import('selfsigned');
  const notAfterDate = new Date(Date.now() + 365 * 24 * 3600_000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  await mkdir(dir, { recursive: true });
  await writeFile(certPath, pems.cert);
  await writeFile(keyPath, pems.private, { mode: 0o600 });
  return { cert: pems.cert, key: pems.private, certPath };
}

if (require.main === module) {
  ensureLoopbackTls().then(
    (tls) => console.log(tls.certPath),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
