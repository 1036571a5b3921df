import * as path from 'node:path';
import type { RegisteredFunction } from '../../local/durable-host/functions-core-shim';
import {
  durableFunctionNames,
  loadDurableFunctionNames,
  stubsSource,
} from '../../local/durable-reference/generate-stubs';
import { activityInput, referenceSettings } from '../../local/durable-reference/reference-engine';

const fn = (name: string, type: string) =>
  ({
    metadata: { name, bindings: {} },
    callback: () => undefined,
    triggerName: 't',
    trigger: { type },
  }) as RegisteredFunction;

describe('the reference host: stubs from the registrations, the bridge inputs, the settings', () => {
  it('lists orchestrators and activities (sorted) and leaves HTTP and timer functions out', () => {
    const names = durableFunctionNames([
      fn('Zeta', 'activityTrigger'),
      fn('Orchestrate', 'orchestrationTrigger'),
      fn('Alpha', 'activityTrigger'),
      fn('Api', 'httpTrigger'),
      fn('Tick', 'timerTrigger'),
    ]);
    expect(names).toEqual({ orchestrators: ['Orchestrate'], activities: ['Alpha', 'Zeta'] });
    expect(() => durableFunctionNames([fn('Counter', 'entityTrigger')])).toThrow(/entities: Counter/);
  });

  it('writes one stub per function: string triggers named as the app names them, forwarding to the bridge', () => {
    const source = stubsSource({ orchestrators: ['My-Orchestrator'], activities: ['Greet'] });
    expect(source).toContain('[FunctionName("My-Orchestrator")]');
    expect(source).toMatch(
      /public static string Orchestrator0_My_Orchestrator\(\[OrchestrationTrigger\] string context\)/,
    );
    expect(source).toContain('Bridge.Orchestrate("My-Orchestrator", context)');
    expect(source).toMatch(/Task<JToken\?> Activity0_Greet\(\[ActivityTrigger\] string\? input\)/);
    expect(source).toContain('Bridge.RunActivity("Greet", input)');
  });

  it("finds the product's durable functions by loading the app as the local host does", () => {
    const names = loadDurableFunctionNames(path.resolve(__dirname, '..', '..', '..'));
    expect(names.orchestrators).toEqual(['RegistrationOrchestrator', 'TokenKeepAliveRound']);
    expect(names.activities).toEqual(
      expect.arrayContaining(['VerifyPartnerCenterCredentials', 'RedeemConsent', 'SendConsentEmail']),
    );
  });

  it('hands activities JSON as JSON (a string input arrives JSON-encoded once more) and anything else as a string', () => {
    expect(activityInput('"Tokyo"')).toEqual({ json: '"Tokyo"' });
    expect(activityInput('{"a":1}')).toEqual({ json: '{"a":1}' });
    expect(activityInput('True')).toEqual({ string: 'True' });
  });

  it('reads the reference mode from the settings, and refuses what cannot work with it', () => {
    expect(referenceSettings({})).toBeUndefined();
    expect(referenceSettings({ LocalHost__DurableEngine: 'local' })).toBeUndefined();
    expect(
      referenceSettings({
        LocalHost__DurableEngine: 'reference',
        LocalHost__DurableClient: '{"rpcBaseUrl":"http://127.0.0.1:17071/durabletask/"}',
        LocalHost__BridgePort: '4000',
        LocalHost__MasterKey: 'k',
      }),
    ).toMatchObject({ bridgePort: 4000, bridgeKey: 'k' });
    expect(() => referenceSettings({ LocalHost__DurableEngine: 'remote' })).toThrow(/'local' or 'reference'/);
    expect(() => referenceSettings({ LocalHost__DurableEngine: 'reference' })).toThrow(/LocalHost__DurableClient/);
    expect(() =>
      referenceSettings({
        LocalHost__DurableEngine: 'reference',
        LocalHost__DurableClient: '{}',
        LocalHost__BridgePort: '4000',
        LocalHost__ClockControl: 'true',
      }),
    ).toThrow(/real time/);
  });
});
