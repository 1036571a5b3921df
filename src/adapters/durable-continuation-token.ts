import { createHash } from 'node:crypto';
import { InvalidContinuationToken } from '../ports/workflow-records';

/**
 * The ops list's continuation tokens: the engine's own, wrapped with a checksum. Engines disagree on a token they did
 * not issue (the local host answers 400; the Durable Task extension answers 200 with an empty page), so a token this
 * API did not give out is recognised here, the same on every engine, before it reaches one.
 */
const checksum = (engineToken: string) => createHash('sha256').update(engineToken).digest('base64url').slice(0, 10);

export function wrapContinuationToken(engineToken: string): string {
  return `${Buffer.from(engineToken, 'utf8').toString('base64url')}.${checksum(engineToken)}`;
}

/** The engine's token inside one of ours; throws InvalidContinuationToken for anything else. */
export function unwrapContinuationToken(token: string): string {
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{10})$/.exec(token);
  const engineToken = match ? Buffer.from(match[1], 'base64url').toString('utf8') : undefined;
  if (!match || engineToken === undefined || checksum(engineToken) !== match[2]) throw new InvalidContinuationToken();
  return engineToken;
}
