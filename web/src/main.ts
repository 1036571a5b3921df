import './styles.css';
import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';
import { createApi } from './api';
import { Announcer } from './announcer';
import { startAuth } from './auth';
import { apiBase, loadConfig } from './config';
import { h } from './dom';
import { errorMessage } from './fields';
import { forgetAll } from './kept-values';
import { signInView } from './views/sign-in-view';
import { page } from './views/step-section';
import { createWizard } from './wizard';

/** Loads the configuration, completes a sign-in that comes back from Microsoft, then shows where the organization stands. */
async function start(main: HTMLElement): Promise<void> {
  const announcer = new Announcer();
  document.body.append(announcer.element);
  const config = await loadConfig();
  const auth = await startAuth(config);
  const user = auth.account();
  if (!user) {
    const problem = auth.signInError === undefined ? undefined : signInProblem(auth.signInError, config.authority);
    main.replaceChildren(
      signInView(
        config,
        () =>
          auth.signIn().catch((error) => {
            main.replaceChildren(signInView(config, () => auth.signIn(), signInProblem(error, config.authority)));
          }),
        problem,
      ),
    );
    return;
  }
  const signOut = h('button', { type: 'button', class: 'link' }, 'Sign out');
  signOut.addEventListener('click', () => {
    forgetAll();
    void auth.signOut();
  });
  document
    .getElementById('account')
    ?.replaceChildren(h('span', { class: 'who' }, 'Signed in as ', h('strong', {}, user.username)), signOut);
  const wizard = createWizard(main, {
    api: createApi(apiBase(config), () => auth.token()),
    config,
    announce: (m) => announcer.say(m),
    signInAgain: () => auth.signInAgain(),
  });
  await wizard.refresh();
}

function signInProblem(error: unknown, authority: string): string {
  const message = errorMessage(error);
  if (/network|fetch|endpoints_resolution/i.test(message)) {
    return (
      `The sign-in service at ${new URL(authority).origin} could not be reached (${message}). ` +
      'If it uses a self-signed certificate, open that address once in this browser, accept the certificate, then try again.'
    );
  }
  return `Sign-in did not complete: ${message}`;
}

const main = document.getElementById('main') as HTMLElement;
// In MSAL's hidden frame (a silent renewal once the refresh token no longer works, e.g. after a password reset), this
// page is only the redirect target: hand Microsoft's answer to the wizard's window, which then signs in again by
// redirect (or carries on), instead of waiting for the frame to time out.
const framed = window.parent !== window;
(framed ? broadcastResponseToMainFrame().catch(() => undefined) : start(main)).catch((error) => {
  main.replaceChildren(
    page('The wizard could not start', undefined, h('p', { class: 'form-error', role: 'alert' }, errorMessage(error))),
  );
});
