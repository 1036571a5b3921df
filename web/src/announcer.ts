/** One polite live region for status changes (steps reached, verification and consent progress). */
export class Announcer {
  readonly element: HTMLElement;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'visually-hidden';
    this.element.setAttribute('role', 'status');
    this.element.setAttribute('aria-live', 'polite');
  }

  say(message: string): void {
    // Emptying first makes the same words announced twice in a row.
    this.element.textContent = '';
    window.setTimeout(() => {
      this.element.textContent = message;
    }, 50);
  }
}
