import type { Api } from './api';
import type { CallerView } from './api-types';
import type { WizardConfig } from './config';

/** What every view may do: call the API, announce, show another view, poll, or re-read where the organization stands. */
export interface WizardContext {
  api: Api;
  config: WizardConfig;
  /** Who is signed in and what they may do (GET /me), read again with every refresh. */
  caller?: CallerView;
  announce(message: string): void;
  /** The API refused the session's token: sign in afresh. */
  signInAgain(): Promise<void>;
  /** Replaces the current view and moves focus to its heading. */
  show(view: HTMLElement): void;
  /** Reads the organization's payer account and registration again and shows the view for where it stands. */
  refresh(): Promise<void>;
  /** Calls `tick` every few seconds while `view` is on the page, until it returns true. */
  poll(view: HTMLElement, tick: () => Promise<boolean | void>): void;
}
