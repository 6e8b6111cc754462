// Small helpers shared by the «Atención» views.
import { h } from './dom.js';
import { errorBlock } from './errors.js';

/** «hace 45 s», «hace 1 min 20 s», «hace 2 h 5 min». */
export function formatWait(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `hace ${s} s`;
  if (s < 3600) return `hace ${Math.floor(s / 60)} min ${s % 60} s`;
  return `hace ${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The person's name as the bot learned it, or a neutral stand-in. */
export function personName(v) {
  return v?.personName || 'Persona sin nombre';
}

/** An error with a retry button. */
export function retryBlock(error, retry) {
  return h('div', { role: 'alert' }, errorBlock(error), h('button', { type: 'button', class: 'btn btn--secondary', onclick: retry }, 'Intentar de nuevo'));
}

/** A random id for idempotent sends (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function randomId() {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
