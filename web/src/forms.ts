// Forms of the crisis cell: every control has a visible label, an error line right under it that
// the server's validation fills by field path ({error: {path, details}}), and the keyboard works
// as in any HTML form (Tab through, Enter submits, Escape cancels a form opened from a button).
import { ApiError, post } from './api.ts';
import { h } from './dom.ts';
import { t } from './i18n.ts';
import type { AppCtx } from './view.ts';

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface Field {
  /** The API's field path this control feeds (`decision`, `awareAt`...). */
  readonly name: string;
  readonly control: Control;
  readonly wrap: HTMLElement;
  readonly error: HTMLElement;
}

/** A labelled control with its error line; `name` is the API field path. */
export function field(name: string, id: string, label: string, control: Control, hint?: string): Field {
  control.id = id;
  control.name = name;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const hintEl = hint ? h('p', { class: 'field-hint', id: `${id}-hint` }, hint) : null;
  control.setAttribute('aria-describedby', [hintEl ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' '));
  const wrap = h('div', { class: `field field-${control.tagName.toLowerCase()}` }, h('label', { for: id }, label, control.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null), control, hintEl, error);
  return { name, control, wrap, error };
}

export const input = (attrs: Record<string, string | boolean> = {}): HTMLInputElement => h('input', attrs);
export const textarea = (attrs: Record<string, string | boolean> = {}): HTMLTextAreaElement => h('textarea', { rows: '3', ...attrs });
export function select(values: readonly (string | readonly [value: string, label: string])[], attrs: Record<string, string | boolean> = {}): HTMLSelectElement {
  return h('select', attrs, values.map((v) => (typeof v === 'string' ? h('option', { value: v }, v) : h('option', { value: v[0] }, v[1]))));
}

/** Trimmed value, or undefined when empty: optional fields are left out of the request. */
export function val(c: Control): string | undefined {
  const v = c.value.trim();
  return v === '' ? undefined : v;
}

/** `a, b ,c` -> ['a', 'b', 'c']. */
export function listOf(c: Control): string[] {
  return c.value.split(',').map((x) => x.trim()).filter(Boolean);
}

/** A datetime-local value (the browser's zone, Brussels for the cell) as ISO 8601 with offset. */
export function isoOf(c: Control): string | undefined {
  if (!c.value) return undefined;
  const d = new Date(c.value);
  return Number.isNaN(d.getTime()) ? c.value : d.toISOString();
}

/** An ISO time as a datetime-local value in the browser's zone. */
export function localOf(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export interface FormSpec {
  readonly id: string;
  readonly title?: string;
  readonly fields: readonly Field[];
  readonly submit: string;
  /** Extra content after the fields (previews, notes). */
  readonly extra?: HTMLElement[];
  readonly layout?: 'grid' | 'inline';
  readonly cls?: string;
  /** Sends the request; throwing an ApiError puts its messages next to the fields. */
  send(): Promise<unknown>;
  /** After a successful send. */
  done?(): void;
  /** Shown (and Escape pressed) to close a form opened from a button. */
  cancel?(): void;
}

export interface FormHandle {
  readonly el: HTMLFormElement;
  readonly submitButton: HTMLButtonElement;
  clearErrors(): void;
}

export function makeForm(ctx: AppCtx, spec: FormSpec): FormHandle {
  const formError = h('p', { class: 'form-error', id: `${spec.id}-error`, role: 'alert' });
  const submitButton = h('button', { type: 'submit', class: 'primary', id: `${spec.id}-submit` }, spec.submit);
  const cancelButton = spec.cancel ? h('button', { type: 'button', id: `${spec.id}-cancel` }, t('cancel')) : null;
  const titleId = `${spec.id}-title`;
  const el = h(
    'form',
    { class: `cell-form ${spec.layout === 'inline' ? 'form-inline' : 'form-grid'}${spec.cls ? ` ${spec.cls}` : ''}`, id: spec.id, novalidate: true, 'aria-labelledby': spec.title ? titleId : null },
    spec.title ? h('h3', { id: titleId }, spec.title) : null,
    h('div', { class: 'fields' }, spec.fields.map((f) => f.wrap)),
    spec.extra ?? null,
    h('div', { class: 'buttons' }, submitButton, cancelButton),
    formError,
  );
  const clearErrors = (): void => {
    formError.textContent = '';
    for (const f of spec.fields) {
      f.error.textContent = '';
      f.error.hidden = true;
      f.control.removeAttribute('aria-invalid');
    }
  };
  const show = (f: Field, message: string): void => {
    f.error.textContent = f.error.textContent ? `${f.error.textContent} ${message}` : message;
    f.error.hidden = false;
    f.control.setAttribute('aria-invalid', 'true');
  };
  const focusFirstInvalid = (): void => {
    const first = spec.fields.find((f) => !f.error.hidden);
    first?.control.focus();
  };
  if (spec.cancel) {
    cancelButton?.addEventListener('click', () => spec.cancel?.());
    el.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        spec.cancel?.();
      }
    });
  }
  el.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors();
    // Required fields are checked here, in the user's language; the rest by the server's schemas.
    for (const f of spec.fields) if (f.control.required && f.control.value.trim() === '') show(f, t('required'));
    if (spec.fields.some((f) => !f.error.hidden)) {
      focusFirstInvalid();
      return;
    }
    submitButton.disabled = true;
    el.setAttribute('aria-busy', 'true');
    spec
      .send()
      .then(() => {
        ctx.toast(t('saved'));
        spec.done?.();
      })
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 403) {
          formError.textContent = t('forbidden');
          return;
        }
        if (!(e instanceof ApiError)) {
          formError.textContent = String(e);
          return;
        }
        const details = e.details.length ? e.details : [{ path: e.path ?? '', message: e.message }];
        const unplaced: string[] = [];
        for (const d of details) {
          const top = d.path.split('.')[0] ?? '';
          const f = spec.fields.find((x) => x.name === top || x.name === d.path);
          if (f) show(f, d.message.replace(/^[\w.]+: /, ''));
          else unplaced.push(d.path && d.path !== '(input)' ? `${d.path}: ${d.message}` : d.message);
        }
        formError.textContent = unplaced.join(' ');
        focusFirstInvalid();
      })
      .finally(() => {
        submitButton.disabled = false;
        el.removeAttribute('aria-busy');
      });
  });
  return { el, submitButton, clearErrors };
}

/**
 * A button that shows a form below it (aria-expanded); Escape or Cancel hides the form again and
 * puts the focus back on the button.
 */
export function disclosure(id: string, label: string, build: (close: () => void) => HTMLElement): HTMLElement {
  const btn = h('button', { type: 'button', class: 'small disclose', id, 'aria-expanded': 'false', 'aria-controls': `${id}-panel` }, label);
  const panel = h('div', { id: `${id}-panel`, class: 'disclosed', hidden: true });
  const close = (): void => {
    panel.hidden = true;
    btn.setAttribute('aria-expanded', 'false');
    btn.focus();
  };
  btn.addEventListener('click', () => {
    const opening = panel.hidden;
    if (opening && !panel.firstChild) panel.append(build(close));
    panel.hidden = !opening;
    btn.setAttribute('aria-expanded', String(opening));
    if (opening) panel.querySelector<HTMLElement>('input, select, textarea')?.focus();
  });
  return h('div', { class: 'disclosure' }, btn, panel);
}

export { post };
