import { createHash } from 'node:crypto';
import { InvalidContinuationToken } from '../ports/workflow-records';

/**
 * The ops list's continuation tokens: the engine's own, wrapped with a checksum. The Durable Task extension answers a
 * token it cannot read with 200 and an empty page (and the local host, held to it, does the same), so a token this
 * API did not give out is recognised here, before it reaches the engine.
 */
const checksum = (engineToken: string) => createHash('sha256').update(engineToken).digest('base64url').slice(0, 10);

export function wrapContinuationToken(engineToken: string): string {
  return `${Buffer.from(engineToken, 'utf8').toString('base64url')}.${checksum(engineToken)}`;
}

/** The engine's token inside one of ours; throws InvalidContinuationToken for anything else. */
export function unwrapContinuationToken(token: string): string {
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{10})$/.exec(token);
  if (!match) throw new InvalidContinuationToken();
  const engineToken = Buffer.from(match[1], 'base64url').toString('utf8');
  if (checksum(engineToken) !== match[2]) throw new InvalidContinuationToken();
  return engineToken;
}
