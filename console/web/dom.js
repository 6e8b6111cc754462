// Small DOM helpers shared by every view. Text always goes in as text nodes (never innerHTML), so whatever a
// catalog contains is shown, not run.

/**
 * Creates an element: `h('button', { type: 'button', onclick: fn, class: 'btn' }, 'Guardar')`.
 * Attributes named `on…` become listeners; `true` sets a boolean attribute, `false`/`null`/`undefined` omits it.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `el`. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
/** A document-unique id with a readable prefix (for label/aria wiring). */
export function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** Lower-case, without accents or extra spaces: «Contraseña» and «contrasena» match. */
export function fold(text) {
  return String(text ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const dateFormat = new Intl.DateTimeFormat('es-MX', {
  timeZone: 'America/Mexico_City',
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** A date as Mexico City reads it («14 nov 2026, 10:05»), or a dash. */
export function formatDate(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : dateFormat.format(date);
}

/** 0.8734 → «87 %». */
export function formatPercent(value) {
  const n = Number(value);
  if (!Number.isFinite(n)) return '—';
  return `${Math.round(n * 100)} %`;
}

/** «1 servicio», «3 servicios». */
export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** Shows a short message to everyone (and to screen readers, through the polite live region). */
export function toast(message, kind = 'success') {
  const region = document.getElementById('toasts');
  if (!region) return;
  // Errors interrupt (role="alert"); confirmations wait their turn in the polite region.
  const item = h('p', { class: `toast toast--${kind}`, role: kind === 'error' ? 'alert' : false }, message);
  region.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 10000 : 6000);
}

/** Moves focus to `el` (making it focusable if it is not), e.g. a view's heading after navigation. */
export function focusElement(el) {
  if (!el) return;
  if (!el.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) el.setAttribute('tabindex', '-1');
  el.focus();
}

/** A labelled form row: label, control, optional hint and an error slot tied to the control. */
export function field({ label, control, hint, path, required }) {
  const id = control.id || nextId('f');
  control.id = id;
  const hintEl = hint ? h('p', { class: 'field__hint', id: `${id}-hint` }, hint) : null;
  const errorEl = h('p', { class: 'field__error', id: `${id}-error`, 'data-error-for': path ?? '', hidden: true });
  const describedBy = [hintEl ? hintEl.id : null, errorEl.id].filter(Boolean).join(' ');
  control.setAttribute('aria-describedby', describedBy);
  if (path) control.dataset.path = path;
  if (required) control.setAttribute('aria-required', 'true');
  const labelEl = h('label', { for: id, class: 'field__label' }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  return h('div', { class: 'field' }, labelEl, control, hintEl, errorEl);
}

/** A `<select>` from `[value, label]` pairs. */
export function select(options, value, attrs = {}) {
  return h(
    'select',
    attrs,
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)),
  );
}

/**
 * A view's section tabs: one link per tab, the current one marked with aria-current. `extraFor(tab)` adds what
 * follows the label (a count), or null.
 */
export function tabList(tabs, subpath, pathOf, extraFor = () => null) {
  return h(
    'ul',
    { class: 'tabs__list' },
    tabs.map((tab) => {
      const current = tab.match ? tab.match(subpath) : subpath === tab.sub;
      return h('li', {}, h('a', { href: pathOf(tab.sub), class: 'tabs__link', 'aria-current': current ? 'page' : false }, tab.label, extraFor(tab)));
    }),
  );
}
