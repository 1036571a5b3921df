import type { DurableEngine } from '../local/stack';
import { enginesOption, integerOption } from './option-values';

/** A stand-in's added latency per request: uniformly random in minMs..maxMs (equal: fixed; 0: none). */
export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

/** What the stand-ins add to each request, as Microsoft's services take in production (defaults: typical figures). */
export interface StandInLatencies {
  /** Entra ID's token endpoint (client credentials, code redemption, refresh). */
  entraToken: LatencyRange;
  /** Entra ID's other routes: tenant discovery (the step-2 lookup), signing keys. */
  entraMetadata: LatencyRange;
  keyVault: LatencyRange;
  /** Partner Center's API and the Partner API (price sheets). */
  partnerCenter: LatencyRange;
}

/** (d) the API load bench's settings, from its `--load-*` options. */
export interface ApiLoadSettings {
  /** Organizations registering at once, each a distinct caller (its own tenant, token, app and admin). */
  organizations: number;
  engines: DurableEngine[];
  latencies: StandInLatencies;
  /** The first and longest pause between two looks while a registration's next step is not open yet. */
  pollMs: LatencyRange;
  /** How long one wait for a state or one request may take before it counts as an error. */
  timeoutMs: number;
}

export const API_LOAD_USAGE = `  [--load-organizations=200] [--load-engines=local,reference] [--load-poll-ms=25-250] [--load-timeout-s=180]
  [--load-entra-token-ms=150] [--load-entra-metadata-ms=50] [--load-key-vault-ms=20] [--load-partner-center-ms=100-300]
  (a latency is N or MIN-MAX, uniformly random per request)`;

export function defaultApiLoadSettings(): ApiLoadSettings {
  const fixed = (ms: number): LatencyRange => ({ minMs: ms, maxMs: ms });
  return {
    organizations: 200,
    engines: ['local', 'reference'],
    latencies: {
      entraToken: fixed(150),
      entraMetadata: fixed(50),
      keyVault: fixed(20),
      partnerCenter: { minMs: 100, maxMs: 300 },
    },
    pollMs: { minMs: 25, maxMs: 250 },
    timeoutMs: 180_000,
  };
}

function range(name: string, value: string, min = 0): LatencyRange {
  const match = /^(\d+)(?:-(\d+))?$/.exec(value);
  const minMs = Number(match?.[1]);
  const maxMs = Number(match?.[2] ?? match?.[1]);
  if (!match || minMs < min || maxMs < minMs || maxMs > 60_000)
    throw new Error(`--${name} takes N or MIN-MAX milliseconds (${min}..60000)\n${API_LOAD_USAGE}`);
  return { minMs, maxMs };
}

/** Applies one `--load-*` option to `settings`; throws on an unknown name or a bad value. */
export function parseApiLoadOption(settings: ApiLoadSettings, name: string, value: string): void {
  switch (name) {
    case 'load-organizations':
      settings.organizations = integerOption(name, value, 5000);
      return;
    case 'load-engines':
      settings.engines = enginesOption(name, value);
      return;
    case 'load-poll-ms':
      settings.pollMs = range(name, value, 1);
      return;
    case 'load-timeout-s':
      settings.timeoutMs = integerOption(name, value, 3600) * 1000;
      return;
    case 'load-entra-token-ms':
      settings.latencies.entraToken = range(name, value);
      return;
    case 'load-entra-metadata-ms':
      settings.latencies.entraMetadata = range(name, value);
      return;
    case 'load-key-vault-ms':
      settings.latencies.keyVault = range(name, value);
      return;
    case 'load-partner-center-ms':
      settings.latencies.partnerCenter = range(name, value);
      return;
    default:
      throw new Error(`Unknown option --${name}\n${API_LOAD_USAGE}`);
  }
}
