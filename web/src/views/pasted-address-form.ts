import type { WizardContext } from '../context';
import { code, h } from '../dom';
import { field, FormErrors } from '../fields';
import { guideLink } from '../guide';
import { busy } from './step-section';

/** The API's answer to a pasted address whose code was received (its other answers: consent declined or not completed). */
export const CONSENT_RECEIVED = 'Consent received';

/**
 * The manual path (redirect URI https://localhost): the person pastes the address the browser showed after consent.
 * `path`: the registration's or the re-consent's authorization-code endpoint; `onReceived` gets the API's message.
 */
export function pastedAddressForm(
  ctx: WizardContext,
  path: string,
  onReceived: (message: string) => void,
): HTMLElement {
  const address = field({
    name: 'url',
    label: 'The address your browser showed after consent',
    required: true,
    spellcheck: false,
    placeholder: 'https://localhost/?code=…',
    hint: h(
      'span',
      {},
      'After Accept, Microsoft sends the browser to ',
      code('https://localhost/?code=…'),
      '. The page says it cannot be reached: that is expected. Copy the whole address from the address bar and paste it here. ',
      guideLink('pasting-the-address', 'Guide: Pasting the address'),
    ),
  });
  const errors = new FormErrors([address], { code: 'url' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Send the address');
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'paste-heading' },
    h('h3', { id: 'paste-heading' }, 'Paste the address'),
    errors.summary,
    address.element,
    h('div', { class: 'actions' }, submit),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(submit, async () => {
      errors.clear();
      const value = address.input.value.trim();
      try {
        // The whole address, or just its code when that is what was copied.
        const { body } = await ctx.api<{ message: string }>(
          'POST',
          path,
          /^https?:\/\//i.test(value) ? { url: value } : { code: value },
        );
        address.input.value = '';
        ctx.announce(`${body.message}.`);
        onReceived(body.message);
      } catch (error) {
        errors.show(error);
      }
    });
  });
  return form;
}
