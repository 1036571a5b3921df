import type { RegisteredFunction } from './functions-core-shim';
import type { RpcTypedData } from './invoker';

/** The durable client binding's data and the management links, as the extension hands them out. */
export class ManagementUrls {
  constructor(
    private readonly publicOrigin: string,
    private readonly rpcOrigin: string,
    readonly taskHub: string,
    private readonly systemKey: string,
  ) {}

  get webhookBase(): string {
    return `${this.publicOrigin}/runtime/webhooks/durabletask`;
  }

  private get query(): string {
    return `taskHub=${encodeURIComponent(this.taskHub)}&connection=Storage&code=${encodeURIComponent(this.systemKey)}`;
  }

  /** Links for one instance (or, with the placeholder, the templates the client fills in). */
  forInstance(instanceId: string): Record<string, string> {
    const id = encodeURIComponent(instanceId);
    const instance = `${this.webhookBase}/instances/${id}`;
    return {
      id: instanceId,
      purgeHistoryDeleteUri: `${instance}?${this.query}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${this.query}`,
      statusQueryGetUri: `${instance}?${this.query}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${this.query}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${this.query}`,
      resumePostUri: `${instance}/resume?reason={text}&${this.query}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${this.query}`,
      restartPostUri: `${instance}/restart?${this.query}`,
    };
  }

  clientData(): Record<string, unknown> {
    return {
      taskHubName: this.taskHub,
      creationUrls: {
        createNewInstancePostUri: `${this.webhookBase}/orchestrators/{functionName}[/{instanceId}]?code=${encodeURIComponent(this.systemKey)}`,
        createAndWaitOnNewInstancePostUri: `${this.webhookBase}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&code=${encodeURIComponent(this.systemKey)}`,
      },
      managementUrls: { ...this.forInstance('INSTANCEID'), id: 'INSTANCEID' },
      baseUrl: this.webhookBase,
      requiredQueryStringParameters: `code=${encodeURIComponent(this.systemKey)}`,
      rpcBaseUrl: `${this.rpcOrigin}/durabletask/`,
      httpBaseUrl: this.webhookBase,
    };
  }

  /** Input data for each durable client binding of a function, as the extension binds them for any trigger. */
  clientInputs(fn: RegisteredFunction): Record<string, RpcTypedData> {
    const inputs: Record<string, RpcTypedData> = {};
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
      if (binding.type === 'durableClient' || binding.type === 'orchestrationClient') {
        inputs[name] = { string: JSON.stringify(this.clientData()) };
      }
    }
    return inputs;
  }
}
