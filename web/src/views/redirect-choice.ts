import { code, h } from '../dom';

export const LOCALHOST = 'https://localhost';

export interface RedirectChoice {
  element: HTMLFieldSetElement;
  /** `callback` (the product's consent callback) or `https://localhost` (the person pastes the address). */
  value(): string;
}

/** Where Microsoft sends the admin after consent: the product's callback, or https://localhost for the pasted-address path. */
export function redirectChoice(callbackUrl: string, current: string | undefined): RedirectChoice {
  const choice = (value: string, label: Node, checked: boolean) =>
    h('label', { class: 'choice' }, h('input', { type: 'radio', name: 'redirectUri', value, checked }), ' ', label);
  const element = h(
    'fieldset',
    {},
    h('legend', {}, 'Where Microsoft sends the admin after consent'),
    choice(
      'callback',
      h('span', {}, 'Back to Octo: ', code(callbackUrl), ' (register it as a Web redirect URI on your app)'),
      current !== LOCALHOST,
    ),
    choice(
      LOCALHOST,
      h('span', {}, code(LOCALHOST), ' — you paste the address the browser shows'),
      current === LOCALHOST,
    ),
  );
  return {
    element,
    value: () => element.querySelector<HTMLInputElement>('input[name=redirectUri]:checked')?.value ?? 'callback',
  };
}
