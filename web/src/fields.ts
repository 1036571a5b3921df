import { ApiProblem } from './api';
import { append, h } from './dom';

/**
 * Labelled inputs with their hint and their error beside them. An error sets aria-invalid and is part of the
 * input's description, so a screen reader reads it when the input takes focus. A field with a `check` is checked
 * when it is left, and says what is wrong in its own label's words.
 */
export interface Field {
  name: string;
  label: string;
  input: HTMLInputElement;
  error: HTMLElement;
  element: HTMLElement;
  /** What is wrong with the value as typed, as a whole sentence; undefined when nothing is. */
  problem(): string | undefined;
}

/** What a value lacks, in words that follow the field's label: "must be a GUID…". */
export type Check = (value: string) => string | undefined;

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
  check?: Check;
  /** A secret: typed out of sight, with a button that shows it; never kept across a reload. */
  secret?: boolean;
}

export function field(o: FieldOptions): Field {
  const id = `field-${o.name}`;
  const hint = o.hint ? h('div', { class: 'hint', id: `${id}-hint` }, o.hint) : undefined;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const input = h('input', {
    id,
    name: o.name,
    type: o.secret ? 'password' : (o.type ?? 'text'),
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
  const problem = () => {
    const value = input.value.trim();
    if (!value) return o.required ? `${o.label} is required.` : undefined;
    const words = o.check?.(value);
    return words ? `${o.label} ${words}` : undefined;
  };
  const f: Field = {
    name: o.name,
    label: o.label,
    input,
    error,
    problem,
    element: h('div', { class: 'field' }, label, hint, error, o.secret ? withReveal(input) : input),
  };
  // Checked as it is left (an empty field only on sending: leaving it is not a mistake yet); an error shown is
  // taken back as soon as the value is right.
  input.addEventListener('blur', () => {
    const wrong = input.value.trim() ? problem() : undefined;
    if (wrong) markInvalid(f, wrong);
  });
  input.addEventListener('input', () => {
    if (input.getAttribute('aria-invalid') === 'true' && !problem()) markValid(f);
  });
  return f;
}

/** The secret's input with a Show/Hide button beside it, so a pasted value can be checked by eye. */
function withReveal(input: HTMLInputElement): HTMLElement {
  const toggle = h('button', { type: 'button', class: 'secondary reveal', 'aria-controls': input.id }, 'Show secret');
  toggle.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    toggle.textContent = show ? 'Hide secret' : 'Show secret';
  });
  return h('div', { class: 'with-button' }, input, toggle);
}

function markInvalid(f: Field, message: string): void {
  f.input.setAttribute('aria-invalid', 'true');
  f.error.textContent = message;
  f.error.hidden = false;
}

function markValid(f: Field): void {
  f.input.removeAttribute('aria-invalid');
  f.error.hidden = true;
  f.error.textContent = '';
}

/**
 * The API says `applicationId: must be …`; the person reads the field's label: `Application (client) ID must be …`.
 */
function inLabelWords(message: string, field: string | undefined, f: Field | undefined): string {
  if (!f) return message;
  const prefix = `${field}: `;
  return message.startsWith(prefix) ? `${f.label} ${message.slice(prefix.length)}` : message;
}

/**
 * A form's error handling: one message per field, or a message for the form as a whole. When several things are
 * wrong, a summary at the top lists them (each links to its field) and takes focus; one wrong field takes focus
 * itself.
 */
export class FormErrors {
  readonly summary = h('div', { class: 'form-error', role: 'alert', tabindex: '-1', hidden: true });
  private readonly byName = new Map<string, Field>();

  constructor(
    private readonly fields: Field[],
    aliases: Record<string, string> = {},
  ) {
    for (const f of fields) this.byName.set(f.name, f);
    for (const [alias, name] of Object.entries(aliases)) {
      const target = this.byName.get(name);
      if (target) this.byName.set(alias, target);
    }
  }

  clear(): void {
    this.summary.hidden = true;
    this.summary.replaceChildren();
    for (const f of this.fields) markValid(f);
  }

  /** Checks every field in the browser before sending: false (and the problems shown) when any is wrong. */
  check(): boolean {
    this.clear();
    const problems = this.fields.flatMap((f) => {
      const message = f.problem();
      return message ? [{ field: f.name, message }] : [];
    });
    if (!problems.length) return true;
    this.present(problems);
    return false;
  }

  /** Shows an API problem (or any error) where it belongs and moves focus there. */
  show(error: unknown): void {
    const problems: { field?: string; message: string }[] =
      error instanceof ApiProblem ? (error.errors.length ? error.errors : [error]) : [{ message: errorMessage(error) }];
    this.present(problems);
  }

  private present(problems: { field?: string; message: string }[]): void {
    this.clear();
    const general: string[] = [];
    const listed: { message: string; target?: Field }[] = [];
    for (const p of problems) {
      const target = p.field ? this.byName.get(p.field) : undefined;
      const message = inLabelWords(p.message, p.field, target);
      if (target) markInvalid(target, message);
      else general.push(message);
      listed.push({ message, target });
    }
    const fieldsWrong = listed.filter((p) => p.target).length;
    if (listed.length > 1) {
      append(
        this.summary,
        h('p', {}, h('strong', {}, `${listed.length} things to fix:`)),
        h('ul', {}, ...listed.map((p) => h('li', {}, p.target ? linkTo(p.target, p.message) : p.message))),
      );
    } else if (general.length) {
      this.summary.textContent = general[0];
    }
    if (listed.length > 1 || general.length) {
      this.summary.hidden = false;
      this.summary.focus();
    } else if (fieldsWrong) {
      listed[0].target?.input.focus();
    }
  }
}

/** A summary's entry: follows to its field (without touching the address, which sign-in uses). */
function linkTo(target: Field, message: string): HTMLAnchorElement {
  const link = h('a', { href: `#${target.input.id}` }, message);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    target.input.focus();
  });
  return link;
}

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
