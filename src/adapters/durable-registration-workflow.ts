import type { DurableClient } from 'durable-functions';
import { ORCHESTRATOR, RegistrationEvent } from '../domain/durable-names';
import type { ConsentCompletion, PartnerApiCredentialsSubmission } from '../domain/consent';
import type { PartnerCenterCredentialsSubmission } from '../domain/partner-center-credentials';
import type { RegistrationInput, RegistrationProgress } from '../domain/registration';
import type { RegistrationWorkflow, WorkflowState } from '../ports/registration-workflow';

/** The registration as a Durable Functions orchestration, through the invocation's durable client. */
export class DurableRegistrationWorkflow implements RegistrationWorkflow {
  constructor(private readonly client: DurableClient) {}

  async start(registrationId: string, input: RegistrationInput): Promise<void> {
    await this.client.startNew(ORCHESTRATOR.Registration, { instanceId: registrationId, input });
  }

  async state(registrationId: string): Promise<WorkflowState | undefined> {
    try {
      const status = await this.client.getStatus(registrationId, { showInput: false });
      return {
        runtimeStatus: status.runtimeStatus as WorkflowState['runtimeStatus'],
        progress: (status.customStatus ?? undefined) as RegistrationProgress | undefined,
      };
    } catch (error) {
      // The SDK reports a missing instance only through its error message.
      if (/HTTP 404/.test((error as Error).message)) return undefined;
      throw error;
    }
  }

  async submitPartnerCenterCredentials(
    registrationId: string,
    submission: PartnerCenterCredentialsSubmission,
  ): Promise<void> {
    await this.client.raiseEvent(registrationId, RegistrationEvent.PartnerCenterCredentialsSubmitted, submission);
  }

  async submitPartnerApiCredentials(
    registrationId: string,
    submission: PartnerApiCredentialsSubmission,
  ): Promise<void> {
    await this.client.raiseEvent(registrationId, RegistrationEvent.PartnerApiCredentialsSubmitted, submission);
  }

  async completeConsent(registrationId: string, completion: ConsentCompletion): Promise<void> {
    await this.client.raiseEvent(registrationId, RegistrationEvent.ConsentCompleted, completion);
  }

  async cancel(registrationId: string): Promise<void> {
    await this.client.raiseEvent(registrationId, RegistrationEvent.RegistrationCancelled, {});
  }
}
