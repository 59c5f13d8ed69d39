/** Small DOM helpers. Text always goes in through `textContent`, never as HTML. */

/** The element with `id`; index.html has every id the scripts use, so a missing one is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) {
    throw new Error(`#${id} is missing from index.html`);
  }
  return element as T;
}

type Child = Node | string | null | undefined | false;

/** Creates an element with attributes (`class`, `aria-*`, ...) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) {
      continue;
    }
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child);
    }
  }
  return element;
}

/** True when keys typed into the focused element are text, so page shortcuts must not fire. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) {
    return false;
  }
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) {
    return true;
  }
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'file', 'range', 'color'].includes(target.type);
  }
  return false;
}

const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/** `0.75` as `75%` in the reader's locale; `null` as an em dash. */
export function formatPercent(value: number | null): string {
  return value === null ? '—' : percentFormat.format(value);
}

/**
 * Formats a probability as a percentage like `formatPercent`, except that a value below 1 never
 * shows as 100%: 0.99996 gives `>99.9%`, so only a certain label (a gold image) reads as 100%.
 */
export function formatConfidence(value: number): string {
  const text = percentFormat.format(value);
  if (value < 1 && text === percentFormat.format(1)) {
    return `>${percentFormat.format(0.999)}`;
  }
  return text;
}

/** A byte count as `512 B`, `12.3 KB` or `4.5 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The first 12 characters of an image id, as the terminal client's report shows them. */
export function shortId(id: string): string {
  return id.slice(0, 12);
}

/**
 * A version 4 UUID for an answer id. `crypto.randomUUID` exists only in secure contexts
 * (https, localhost, 127.0.0.1); a worker reached over plain http on another address gets the
 * same format from `crypto.getRandomValues`, which every context has.
 */
export function newUuid(): string {
  if (typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
