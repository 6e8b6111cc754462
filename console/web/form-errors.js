// Field-level errors: each problem (from the browser's checks or the server's `details`) is shown next to the
// field its path names (`examples[2]` → the third example), and listed in a summary at the top of the form with
// a link to each field. Paths with no field of their own go to the nearest enclosing one, else to the summary.
import { h, replaceChildren } from './dom.js';
import { FIELD_LABELS } from './labels.js';

/** `diagnostics[0].options[1]` → `diagnostics[0].options` → `diagnostics[0]` → `diagnostics` → ''. */
function parentPath(path) {
  const m = /^(.*?)(?:\[\d+\]|\.[^.[\]]+)$/.exec(path);
  return m ? m[1] : '';
}

function slotsByPath(root) {
  const map = new Map();
  for (const slot of root.querySelectorAll('[data-error-for]')) {
    if (slot.dataset.errorFor) map.set(slot.dataset.errorFor, slot);
  }
  return map;
}

function controlFor(root, path) {
  for (const el of root.querySelectorAll('[data-path]')) if (el.dataset.path === path) return el;
  return null;
}

/** A readable name for a path: «Ejemplos › 3», «Preguntas de diagnóstico › 1 › Opciones». */
export function describePath(path) {
  const names = { id: 'Identificador', question: 'Pregunta', answer: 'Tipo de respuesta', options: 'Opciones', message: 'Mensaje', phone: 'Teléfono' };
  const parts = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) parts.push(String(Number(m[2]) + 1));
    else parts.push(FIELD_LABELS[m[1]] ?? names[m[1]] ?? m[1]);
  }
  return parts.join(' › ');
}

export class FormErrors {
  /** `root`: the form; `summary`: an element (role="alert") at its top. */
  constructor(root, summary) {
    this.root = root;
    this.summary = summary;
  }

  clear() {
    for (const slot of this.root.querySelectorAll('[data-error-for]')) {
      slot.hidden = true;
      replaceChildren(slot);
    }
    for (const el of this.root.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
    this.summary.hidden = true;
    replaceChildren(this.summary);
  }

  /**
   * Shows `problems` ({path, message}) by their fields and in the summary, then focuses the summary.
   * `intro` heads the summary (e.g. the API's message).
   */
  show(problems, intro) {
    this.clear();
    const slots = slotsByPath(this.root);
    const items = [];
    for (const problem of problems) {
      let path = problem.path ?? '';
      let slot = slots.get(path);
      while (!slot && path) {
        path = parentPath(path);
        slot = slots.get(path);
      }
      let target = null;
      if (slot) {
        slot.hidden = false;
        slot.append(h('span', { class: 'field__error-line' }, problem.message));
        target = controlFor(this.root, path);
        if (target) target.setAttribute('aria-invalid', 'true');
      }
      const where = problem.path ? describePath(problem.path) : null;
      const text = where ? `${where}: ${problem.message}` : problem.message;
      items.push(
        h(
          'li',
          {},
          target && target.id
            ? h('a', { href: `#${target.id}`, onclick: (e) => { e.preventDefault(); target.focus(); } }, text)
            : text,
          problem.path ? [' ', h('code', { class: 'problem__path' }, `(${problem.path})`)] : null,
        ),
      );
    }
    const count = problems.length;
    replaceChildren(
      this.summary,
      h('p', { class: 'notice__title' }, intro ?? (count === 1 ? 'Hay 1 problema que corregir:' : `Hay ${count} problemas que corregir:`)),
      h('ul', { class: 'problems' }, items),
    );
    this.summary.hidden = false;
    this.summary.focus();
  }

  /** Shows a message without field problems (e.g. a network error). */
  message(node) {
    this.clear();
    replaceChildren(this.summary, node);
    this.summary.hidden = false;
    this.summary.focus();
  }
}
