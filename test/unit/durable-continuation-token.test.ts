import { unwrapContinuationToken, wrapContinuationToken } from '../../src/adapters/durable-continuation-token';
import { InvalidContinuationToken } from '../../src/ports/workflow-records';

describe("the ops list's continuation tokens", () => {
  it("carry the engine's token, whatever it holds, and give it back", () => {
    for (const engineToken of ['eyJwYXJ0aXRpb24iOiJhIn0=', '{"NextPartitionKey":"1!8!YWJj","NextRowKey":"x"}', 'ü']) {
      const token = wrapContinuationToken(engineToken);
      expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{10}$/);
      expect(unwrapContinuationToken(token)).toBe(engineToken);
    }
  });

  it('refuse what this API did not give out, before any engine sees it', () => {
    const token = wrapContinuationToken('{"page":2}');
    const [body, sum] = token.split('.');
    const altered = `${body.slice(0, -1)}${body.endsWith('A') ? 'B' : 'A'}.${sum}`;
    for (const bad of ['not-a-token', 'eyJwYWdlIjoyfQ', `${body}.`, `${body}.0123456789`, altered, '']) {
      expect(() => unwrapContinuationToken(bad)).toThrow(InvalidContinuationToken);
    }
  });
});
