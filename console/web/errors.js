// How the console shows what went wrong: the API's Spanish message, and every detail with its path.
import { ApiError } from './api.js';
import { h, replaceChildren } from './dom.js';

/** The Spanish text for any error (API messages as they come; anything else gets a generic sentence). */
export function messageOf(error) {
  if (error instanceof ApiError) {
    if (error.code === 'Forbidden') return 'Su cuenta no tiene permiso para editar el catálogo.';
    return error.message;
  }
  return 'Ocurrió un error inesperado en la página. Recargue e intente de nuevo.';
}

/** A list of problems, each with its path in code style: «services[3].kind — valor no permitido». */
export function problemList(problems, { className = 'problems' } = {}) {
  return h(
    'ul',
    { class: className },
    problems.map((p) => h('li', {}, p.path ? [h('code', { class: 'problem__path' }, p.path), ' — '] : null, p.message)),
  );
}

/** A message block for an error: its message, then its details (when the API sent any). */
export function errorBlock(error) {
  const details = error instanceof ApiError ? error.details : [];
  return h(
    'div',
    { class: 'notice notice--error' },
    h('p', { class: 'notice__title' }, messageOf(error)),
    details.length > 0 ? problemList(details) : null,
  );
}

/** Fills `slot` (an aria-live/alert region) with the error, or empties it when `error` is null. */
export function showError(slot, error) {
  if (!slot) return;
  if (error) replaceChildren(slot, errorBlock(error));
  else replaceChildren(slot);
}
