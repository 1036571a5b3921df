import { parseBenchOptions } from '../../bench/bench-options';

describe('npm run bench options for the API load bench (d)', () => {
  it('runs the API load bench alone with --only=load, and the host under load with --only=host', () => {
    expect(parseBenchOptions(['--only=load']).only).toBe('load');
    expect(parseBenchOptions(['--only=host']).only).toBe('host');
  });

  it('defaults to 200 organizations on both engines with realistic stand-in latencies', () => {
    expect(parseBenchOptions([]).apiLoad).toEqual({
      organizations: 200,
      engines: ['local', 'reference'],
      latencies: {
        entraToken: { minMs: 150, maxMs: 150 },
        entraMetadata: { minMs: 50, maxMs: 50 },
        keyVault: { minMs: 20, maxMs: 20 },
        partnerCenter: { minMs: 100, maxMs: 300 },
      },
      pollMs: { minMs: 25, maxMs: 250 },
      timeoutMs: 180_000,
    });
  });

  it('takes each latency as N or MIN-MAX, and the organizations, engines and waits', () => {
    const { apiLoad } = parseBenchOptions([
      '--load-organizations=10',
      '--load-engines=local',
      '--load-entra-token-ms=0',
      '--load-key-vault-ms=10-40',
      '--load-partner-center-ms=250',
      '--load-poll-ms=50',
      '--load-timeout-s=60',
    ]);
    expect(apiLoad).toMatchObject({
      organizations: 10,
      engines: ['local'],
      latencies: {
        entraToken: { minMs: 0, maxMs: 0 },
        keyVault: { minMs: 10, maxMs: 40 },
        partnerCenter: { minMs: 250, maxMs: 250 },
      },
      pollMs: { minMs: 50, maxMs: 50 },
      timeoutMs: 60_000,
    });
  });

  it.each([
    ['a range upside down', '--load-partner-center-ms=300-100'],
    ['a latency that is not a number', '--load-key-vault-ms=fast'],
    ['no organizations', '--load-organizations=0'],
    ['an unknown engine', '--load-engines=local,azure'],
    ['an unknown load option', '--load-tenants=5'],
    ['an unknown part', '--only=hosts'],
  ])('refuses %s', (_what, arg) => {
    expect(() => parseBenchOptions([arg])).toThrow();
  });
});
