import { append, h } from '../dom';

const STEPS = ['Basic details', 'Partner Center credentials', 'Partner API consent'];

/** A step of the wizard: where the person is among the three steps, then the step's own heading and content. */
export function stepSection(step: 1 | 2 | 3, title: string, ...content: (Node | undefined)[]): HTMLElement {
  const progress = h('ol', { class: 'steps' });
  STEPS.forEach((name, i) => {
    const done = i + 1 < step;
    append(
      progress,
      h(
        'li',
        { 'aria-current': i + 1 === step ? 'step' : undefined, class: done ? 'done' : undefined },
        `${i + 1}. ${name}`,
        done ? h('span', { class: 'visually-hidden' }, ' (done)') : undefined,
      ),
    );
  });
  return page(`Step ${step} of 3: ${title}`, h('nav', { 'aria-label': 'Registration steps' }, progress), ...content);
}

/** A view: what comes before its heading (the steps), the heading (focused when the view is shown), its content. */
export function page(title: string, before: Node | undefined, ...content: (Node | undefined)[]): HTMLElement {
  const section = h('section', { class: 'view', 'aria-labelledby': 'view-heading' });
  append(section, before, h('h2', { id: 'view-heading', tabindex: '-1' }, title), ...content);
  return section;
}

/** Disables a button while `work` runs, so a double click sends nothing twice. */
export async function busy<T>(button: HTMLButtonElement, work: () => Promise<T>): Promise<T> {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

export const actions = (...buttons: (HTMLElement | undefined)[]) => h('div', { class: 'actions' }, ...buttons);
