import { ApiProblem } from './api';
import { h } from './dom';

/**
 * Labelled inputs with their hint and their error beside them. An error sets aria-invalid and is part of the
 * input's description, so a screen reader reads it when the input takes focus.
 */
export interface Field {
  name: string;
  input: HTMLInputElement;
  error: HTMLElement;
  element: HTMLElement;
}

export interface FieldOptions {
  name: string;
  label: string;
  hint?: Node | string;
  type?: string;
  value?: string;
  required?: boolean;
  optional?: boolean;
  autocomplete?: string;
  placeholder?: string;
  inputmode?: string;
  spellcheck?: boolean;
}

export function field(o: FieldOptions): Field {
  const id = `field-${o.name}`;
  const hint = o.hint ? h('div', { class: 'hint', id: `${id}-hint` }, o.hint) : undefined;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const input = h('input', {
    id,
    name: o.name,
    type: o.type ?? 'text',
    required: o.required,
    autocomplete: o.autocomplete ?? 'off',
    placeholder: o.placeholder,
    inputmode: o.inputmode,
    spellcheck: o.spellcheck === undefined ? undefined : String(o.spellcheck),
    'aria-describedby': [hint && hint.id, error.id].filter(Boolean).join(' '),
  });
  if (o.value !== undefined) input.value = o.value;
  const label = h(
    'label',
    { for: id },
    o.label,
    o.optional ? h('span', { class: 'optional' }, ' (optional)') : undefined,
  );
  return { name: o.name, input, error, element: h('div', { class: 'field' }, label, hint, error, input) };
}

/** A form's error handling: one message per field, or a message for the form as a whole; focus goes to the first. */
export class FormErrors {
  readonly summary = h('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true });
  private readonly byName = new Map<string, Field>();

  constructor(fields: Field[], aliases: Record<string, string> = {}) {
    for (const f of fields) this.byName.set(f.name, f);
    for (const [alias, name] of Object.entries(aliases)) {
      const target = this.byName.get(name);
      if (target) this.byName.set(alias, target);
    }
  }

  clear(): void {
    this.summary.hidden = true;
    this.summary.textContent = '';
    for (const f of this.byName.values()) {
      f.input.removeAttribute('aria-invalid');
      f.error.hidden = true;
      f.error.textContent = '';
    }
  }

  /** Shows an API problem (or any error) where it belongs and moves focus there. */
  show(error: unknown): void {
    this.clear();
    const problems =
      error instanceof ApiProblem ? (error.errors.length ? error.errors : [error]) : [{ message: errorMessage(error) }];
    let first: HTMLElement | undefined;
    for (const p of problems) {
      const target = 'field' in p && p.field ? this.byName.get(p.field) : undefined;
      if (target) {
        target.input.setAttribute('aria-invalid', 'true');
        target.error.textContent = p.message;
        target.error.hidden = false;
        first ??= target.input;
      } else {
        this.summary.textContent = p.message;
        this.summary.hidden = false;
        first ??= this.summary;
      }
    }
    first?.focus();
  }
}

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
