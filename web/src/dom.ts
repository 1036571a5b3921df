/** A small element builder: attributes, `on…` listeners and children; text always goes in as text, never as HTML. */
type Child = Node | string | null | undefined | false;
type Props = Record<string, string | boolean | number | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** `<code>` for IDs and addresses people copy. */
export const code = (text: string) => h('code', {}, text);

/** A definition list of label → value rows; rows without a value are left out. */
export function details(rows: [string, Child][], props: Props = {}): HTMLDListElement {
  const list = h('dl', { class: 'details', ...props });
  for (const [label, value] of rows) {
    if (value === undefined || value === null || value === '') continue;
    append(list, h('dt', {}, label), h('dd', {}, value));
  }
  return list;
}

export const formatTime = (iso: string | undefined) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : undefined;

/** A day, such as a secret's expiry date: given as a date, stored as midnight UTC, shown as that same day everywhere. */
export const formatDate = (iso: string | undefined) =>
  iso ? new Date(iso).toLocaleDateString(undefined, { dateStyle: 'long', timeZone: 'UTC' }) : undefined;

/** A `<time>` element: readable text for people, the exact instant for machines; undefined without a value. */
export function time(
  iso: string | undefined,
  format: (iso: string) => string | undefined = formatTime,
): HTMLTimeElement | undefined {
  return iso ? h('time', { datetime: iso }, format(iso) ?? iso) : undefined;
}
