// What the «Calidad» pages share: who may do what (the API checks it again), and how months, days, seconds and
// percentages read in Spanish.
import { ApiError } from './api.js';
import { h } from './dom.js';
import { QUALITY_STATUS_LABELS, label } from './labels.js';
import { QUALITY_ROLES } from './roles.js';

/** Who sees «Calidad» in the navigation (roles.js): the reviewers, and agents (only their corrective actions). */
export { QUALITY_ROLES };
/** Who draws samples, reviews items and follows up corrective actions. */
export const REVIEWERS = ['coordinator', 'admin'];
/** Who approves or returns a submitted review (seed 001: the head of the unit). */
export const APPROVERS = ['coordinator'];
/** Statuses in which the reviewers may still change verdicts. */
export const EDITABLE = ['in_review', 'returned'];
export const TIME_ZONE = 'America/Mexico_City';
export const MONTH = /^(2\d{3})-(0[1-9]|1[0-2])$/;

const numberFormat = new Intl.NumberFormat('es-MX');
const pctFormat = new Intl.NumberFormat('es-MX', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
/** 1234 → «1,234». */
export const count = (n) => numberFormat.format(n ?? 0);
/** 87.5 → «87.5 %»; null → dash. */
export const percent = (p) => (p === null || p === undefined || !Number.isFinite(Number(p)) ? '—' : `${pctFormat.format(Number(p))} %`);

/** Seconds as «m:ss» (125 → «2:05»; an hour or more «1:02:05»), or a dash when nothing was measured. */
export function clock(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  const hours = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** «noviembre de 2026». */
export function monthName(month) {
  const m = MONTH.exec(month ?? '');
  if (!m) return String(month ?? '');
  return new Intl.DateTimeFormat('es-MX', { timeZone: 'UTC', year: 'numeric', month: 'long' }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 15)));
}

/** A calendar day `YYYY-MM-DD` as «15 dic 2026». */
export function dayName(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day ?? '');
  if (!m) return String(day ?? '—');
  return new Intl.DateTimeFormat('es-MX', { timeZone: 'UTC', dateStyle: 'medium' }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}

/** Today and this month on the desk's calendar (`YYYY-MM-DD`, `YYYY-MM`). */
export function today() {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date()).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}`;
}

/** The month `YYYY-MM` `delta` months from `month`. */
export function shiftMonth(month, delta) {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The status of a review as a badge: «En revisión», «Aprobada»… */
export function statusBadge(status) {
  return h('span', { class: `badge quality-badge quality-badge--${status}`, 'data-status': status }, label(QUALITY_STATUS_LABELS, status));
}

/** What the person reads for a failed request (403 in the words of this section). */
export function errorText(error, forbidden = 'Su cuenta no tiene permiso para esta parte de «Calidad».') {
  if (!(error instanceof ApiError)) return 'Ocurrió un error inesperado en la página. Recargue e intente de nuevo.';
  if (error.status === 403 && error.code === 'Forbidden') return forbidden;
  return error.message;
}

/** An error block for an alert region. */
export function errorNotice(text) {
  return h('div', { class: 'notice notice--error' }, h('p', { class: 'notice__title' }, text));
}

/** A table with a caption (visually hidden unless `showCaption`), header row and body rows of cells. */
export function table({ caption, columns, rows, className = '', foot = null, showCaption = false, attrs = {} }) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: `table table--compact ${className}`.trim(), ...attrs },
      h('caption', { class: showCaption ? 'quality-caption' : 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : false }, c.label ?? c)))),
      h('tbody', {}, rows),
      foot ? h('tfoot', {}, foot) : null,
    ),
  );
}
