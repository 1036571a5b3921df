import type { ConsentCompletion, PartnerApiCredentialsSubmission } from '../domain/consent';
import type { PartnerCenterCredentialsSubmission } from '../domain/partner-center-credentials';
import type { RegistrationInput, RegistrationProgress } from '../domain/registration';

export interface WorkflowState {
  runtimeStatus:
    'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminated' | 'ContinuedAsNew' | 'Canceled' | 'Suspended';
  progress?: RegistrationProgress;
}

const ENDED: WorkflowState['runtimeStatus'][] = ['Completed', 'Failed', 'Terminated', 'Canceled'];

/** The workflow runs no more, however it ended: whatever it did not clean up, nothing else will. */
export const hasEnded = (state: WorkflowState): boolean => ENDED.includes(state.runtimeStatus);

/** The long-running registration (a Durable Functions orchestration in production). */
export interface RegistrationWorkflow {
  start(registrationId: string, input: RegistrationInput): Promise<void>;
  /** Undefined when no such registration exists. */
  state(registrationId: string): Promise<WorkflowState | undefined>;
  submitPartnerCenterCredentials(registrationId: string, submission: PartnerCenterCredentialsSubmission): Promise<void>;
  submitPartnerApiCredentials(registrationId: string, submission: PartnerApiCredentialsSubmission): Promise<void>;
  completeConsent(registrationId: string, completion: ConsentCompletion): Promise<void>;
  cancel(registrationId: string): Promise<void>;
}
