// «Salud del sistema» (admins and coordinators): the system health log of seed 004 («mantenimiento preventivo … deja
// evidencia»). The run shown (the latest, or `/console/salud/<id>`) lists every check with an icon and a word for its
// status (never color alone), what was found and how long it took, and the action the head defined on it («Acción
// definida por la jefatura», written and edited by coordinators and admins); «Ejecutar revisión ahora» (admins only)
// runs every check; a strip of the last 12 months marks each month's monthly evidence (in order, with warnings, with
// failures, missing), each present month linking to its run; the history below lists past runs, each one openable.
import { ApiError } from './api.js';
import { field, focusElement, formatDate, h, replaceChildren, toast } from './dom.js';
import { HEALTH_ROLES } from './roles.js';

export { HEALTH_ROLES };

/** Who runs a check now (the technical support); the others in HEALTH_ROLES read and note. */
const RUNNER_ROLES = ['admin'];
const PAGE_SIZE = 20;
const NOTE_MAX = 2000;
const FORBIDDEN = 'Su cuenta no tiene permiso para ver la salud del sistema. La revisan el soporte técnico y la coordinación.';
const MONTHS = ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'];

/** Each month's mark in the year view: the word read, the icon beside it (decorative), the badge's class. */
export const MONTH_MARKS = {
  ok: { text: 'En orden', icon: '✓', badge: 'badge--ok' },
  warn: { text: 'Con advertencias', icon: '⚠', badge: 'badge--warning' },
  fail: { text: 'Con fallas', icon: '✗', badge: 'badge--danger' },
  missing: { text: 'Sin evidencia', icon: '○', badge: 'badge--muted' },
  pending: { text: 'Pendiente', icon: '…', badge: 'badge--muted' },
};

/** «nov 2026» for `2026-11`. */
function monthLabel(month) {
  const [year, m] = month.split('-');
  return `${MONTHS[Number(m) - 1] ?? m} ${year}`;
}
const UNEXPECTED = 'Ocurrió un error inesperado al mostrar la salud del sistema. Recargue la página e intente de nuevo.';

/** Each status: the word read, the icon shown beside it (decorative: the word says it), the badge's class. */
export const STATUS = {
  ok: { text: 'Correcto', icon: '✓', badge: 'badge--ok' },
  warn: { text: 'Advertencia', icon: '⚠', badge: 'badge--warning' },
  fail: { text: 'Falla', icon: '✗', badge: 'badge--danger' },
  skipped: { text: 'Omitida', icon: '–', badge: 'badge--muted' },
};

/** The checks' names (services/health/health-check.ts) as the admin reads them. */
const CHECK_LABELS = {
  database: 'Base de datos',
  twilio: 'Twilio (teléfono, SMS y WhatsApp)',
  pbx: 'Conmutador (PBX, ruta SIP)',
  imap: 'Correo entrante (IMAP)',
  smtp: 'Correo saliente (SMTP)',
  messenger: 'Facebook Messenger',
  x: 'X (mensajes directos)',
  outbox: 'Cola de envíos (correos y webhooks)',
  queue: 'Fila de espera de agentes',
  email: 'Correos recibidos sin procesar',
  disk: 'Espacio en disco',
  memory: 'Memoria del proceso',
};

/** «Correo entrante (IMAP) — mesa@cau.mx@imap.cau.mx/INBOX» for `imap:<mailbox>`. */
export function checkLabel(name) {
  const colon = name.indexOf(':');
  if (colon > 0) return `${CHECK_LABELS[name.slice(0, colon)] ?? name.slice(0, colon)} — ${name.slice(colon + 1)}`;
  return CHECK_LABELS[name] ?? name;
}

const kindLabel = (run) => (run.kind === 'monthly' ? `Mensual (evidencia${run.month ? ` de ${run.month}` : ''})` : 'Manual');
const byLabel = (by) => (by === 'scheduler' ? 'Automática' : by);

/** A run's verdict in words. */
function verdict(counts) {
  if (counts.fail > 0) return { text: `Con fallas (${counts.fail})`, status: 'fail' };
  if (counts.warn > 0) return { text: `Con advertencias (${counts.warn})`, status: 'warn' };
  return { text: 'Todo en orden', status: 'ok' };
}

function countsOf(results) {
  const counts = { ok: 0, warn: 0, fail: 0, skipped: 0 };
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

function statusBadge(status) {
  const s = STATUS[status] ?? STATUS.skipped;
  return h('span', { class: `badge ${s.badge} health__status`, 'data-status': status }, h('span', { class: 'health__icon', 'aria-hidden': 'true' }, s.icon), ` ${s.text}`);
}

function errorText(error) {
  if (!(error instanceof ApiError)) return UNEXPECTED;
  if (error.status === 403) return FORBIDDEN;
  return error.message;
}

export class HealthView {
  constructor(ctx) {
    this.ctx = ctx;
    this.api = ctx.api;
    this.loadId = 0;
    this.runs = [];
    this.total = 0;
    this.months = [];
  }

  async show(subpath, { focusHeading }) {
    this.ctx.setTitle('Salud del sistema');
    if (!HEALTH_ROLES.includes(this.ctx.user?.role)) {
      const heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Salud del sistema');
      replaceChildren(this.ctx.main, h('div', { class: 'page' }, heading, h('div', { role: 'alert' }, h('div', { class: 'notice notice--error' }, h('p', { class: 'notice__title' }, FORBIDDEN)))));
      this.shell = null;
      if (focusHeading) focusElement(heading);
      return;
    }
    if (!this.shell?.isConnected) this.buildShell();
    const id = /^\d{1,15}$/.test(subpath ?? '') ? Number(subpath) : null;
    await this.load(id, focusHeading);
  }

  dispose() {
    this.loadId += 1;
  }

  buildShell() {
    this.heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Salud del sistema');
    const runs = RUNNER_ROLES.includes(this.ctx.user?.role);
    this.runButton = runs ? h('button', { type: 'button', class: 'btn btn--primary', onclick: () => this.runNow() }, 'Ejecutar revisión ahora') : null;
    this.alert = h('div', { class: 'health__alert', role: 'alert' });
    this.status = h('p', { class: 'health__progress', role: 'status', 'aria-live': 'polite' });
    this.current = h('section', { class: 'panel health__current', 'aria-labelledby': 'health-run-title' });
    this.year = h('section', { class: 'panel health__year', 'aria-labelledby': 'health-year-title' });
    this.history = h('section', { class: 'panel health__history', 'aria-labelledby': 'health-history-title' });
    this.shell = h(
      'div',
      { class: 'page health' },
      this.heading,
      h(
        'p',
        { class: 'panel__lead' },
        'Revisión del mantenimiento preventivo (soporte técnico): base de datos, cada canal configurado, la ruta al conmutador, las colas y el disco. Se ejecuta sola una vez al mes, queda guardada como evidencia y se informa por correo a la coordinación, que define la acción a seguir.',
      ),
      this.runButton ? h('div', { class: 'button-row health__toolbar' }, this.runButton) : null,
      this.status,
      this.alert,
      this.year,
      this.current,
      this.history,
    );
    replaceChildren(this.ctx.main, this.shell);
  }

  showError(text) {
    replaceChildren(this.alert, text ? h('div', { class: 'notice notice--error' }, h('p', { class: 'notice__title' }, text)) : null);
  }

  /** The history's first page, then the run `id` (or the newest). */
  async load(id, moveFocus) {
    const loadId = ++this.loadId;
    this.showError(null);
    this.current.setAttribute('aria-busy', 'true');
    replaceChildren(this.current, h('p', { class: 'loading' }, 'Cargando la revisión…'));
    try {
      const page = await this.api.request('GET', `/api/health/checks?limit=${PAGE_SIZE}`);
      if (loadId !== this.loadId) return;
      this.runs = page.runs;
      this.total = page.total;
      this.months = page.months ?? [];
      this.renderYear(id);
      this.renderHistory(id);
      const wanted = id ?? this.runs[0]?.id ?? null;
      const run = wanted === null ? null : (await this.api.request('GET', `/api/health/checks/${wanted}`)).run;
      if (loadId !== this.loadId) return;
      this.renderRun(run);
      this.renderYear(run?.id ?? null);
      this.renderHistory(run?.id ?? null);
    } catch (error) {
      if (loadId !== this.loadId) return;
      replaceChildren(this.current);
      this.showError(errorText(error));
    } finally {
      if (loadId === this.loadId) this.current.removeAttribute('aria-busy');
    }
    if (moveFocus && loadId === this.loadId) focusElement(this.heading);
  }

  async runNow() {
    if (!this.runButton || this.runButton.disabled) return;
    this.runButton.disabled = true;
    this.runButton.setAttribute('aria-busy', 'true');
    this.showError(null);
    this.status.textContent = 'Revisando cada componente… puede tardar unos segundos.';
    try {
      const { run } = await this.api.request('POST', '/api/health/checks', {});
      const v = verdict(countsOf(run.results));
      this.status.textContent = `Revisión terminada: ${v.text.toLowerCase()}.`;
      toast(`Revisión de salud guardada: ${v.text.toLowerCase()}.`, v.status === 'ok' ? 'success' : 'info');
      if (run.id !== null && run.id !== undefined) {
        await this.ctx.navigate(`${this.ctx.basePath}/${run.id}`, { force: true });
      } else {
        this.renderRun(run);
      }
    } catch (error) {
      this.status.textContent = '';
      this.showError(errorText(error));
    } finally {
      this.runButton.disabled = false;
      this.runButton.removeAttribute('aria-busy');
    }
  }

  renderRun(run) {
    if (!run) {
      replaceChildren(
        this.current,
        h('h2', { id: 'health-run-title' }, 'Última revisión'),
        h('p', { class: 'notice notice--info' }, 'Todavía no hay revisiones guardadas. Use «Ejecutar revisión ahora» o espere la revisión mensual automática.'),
      );
      return;
    }
    const v = verdict(countsOf(run.results));
    this.noteBox = h('div', { class: 'health__note' });
    this.renderNote(run);
    this.ctx.setTitle(`Revisión del ${formatDate(run.at)} — Salud del sistema`);
    replaceChildren(
      this.current,
      h('h2', { id: 'health-run-title' }, `Revisión del ${formatDate(run.at)}`),
      h(
        'p',
        { class: 'health__summary' },
        statusBadge(v.status),
        ` ${v.text} · ${kindLabel(run)} · realizada por ${byLabel(run.checkedBy)}`,
      ),
      this.noteBox,
      h(
        'ul',
        { class: 'health__checks', 'aria-label': 'Resultado de cada revisión' },
        run.results.map((r) =>
          h(
            'li',
            { class: `health__check health__check--${r.status}`, 'data-check': r.name },
            h('div', { class: 'health__check-head' }, statusBadge(r.status), h('span', { class: 'health__name' }, checkLabel(r.name)), h('span', { class: 'health__ms' }, `${r.ms} ms`)),
            h('p', { class: 'health__detail' }, r.detail),
          ),
        ),
      ),
    );
  }

  /** The head's decision on `run`: what was noted (by whom, when) and the form to write or edit it. */
  renderNote(run) {
    const textarea = h('textarea', { rows: 3, maxlength: String(NOTE_MAX), class: 'health__note-input', name: 'note' });
    textarea.value = run.note ?? '';
    const save = h('button', { type: 'submit', class: 'btn btn--secondary' }, run.note ? 'Guardar cambios' : 'Guardar acción');
    const form = h(
      'form',
      { class: 'health__note-form', onsubmit: (event) => { event.preventDefault(); void this.saveNote(run, textarea, save); } },
      field({ label: run.note ? 'Corregir la acción definida por la jefatura' : 'Escribir la acción definida por la jefatura', control: textarea, hint: `Qué se hará con lo encontrado y quién lo hará (hasta ${NOTE_MAX} caracteres).` }),
      h('div', { class: 'button-row' }, save),
    );
    replaceChildren(
      this.noteBox,
      h('h3', { class: 'health__note-title' }, 'Acción definida por la jefatura'),
      run.note
        ? [h('p', { class: 'health__note-text' }, run.note), h('p', { class: 'health__note-by muted' }, `Registrada por ${run.notedBy} el ${formatDate(run.notedAt)}`)]
        : h('p', { class: 'health__note-empty muted' }, 'La jefatura todavía no registra una acción para esta revisión.'),
      form,
    );
  }

  async saveNote(run, textarea, button) {
    if (button.disabled) return;
    if (textarea.value.trim() === '') {
      this.showError('Escriba la acción definida por la jefatura (no puede quedar vacía).');
      textarea.focus();
      return;
    }
    button.disabled = true;
    this.showError(null);
    try {
      const { run: saved } = await this.api.request('PUT', `/api/health/checks/${run.id}/note`, { note: textarea.value });
      this.runs = this.runs.map((r) => (r.id === saved.id ? { ...r, note: saved.note, notedBy: saved.notedBy, notedAt: saved.notedAt } : r));
      this.renderNote(saved);
      toast('Se guardó la acción definida por la jefatura.', 'success');
      focusElement(this.noteBox.querySelector('.health__note-text'));
    } catch (error) {
      button.disabled = false;
      this.showError(errorText(error));
    }
  }

  /** The last 12 months (oldest first), each with its monthly evidence's mark, a present month linking to its run. */
  renderYear(shownId) {
    const items = this.months.map((m) => {
      const mark = MONTH_MARKS[m.mark] ?? MONTH_MARKS.missing;
      const body = [
        h('span', { class: 'health__month-name' }, monthLabel(m.month)),
        h('span', { class: `badge ${mark.badge} health__month-mark` }, h('span', { class: 'health__icon', 'aria-hidden': 'true' }, mark.icon), ` ${mark.text}`),
      ];
      return h(
        'li',
        { class: `health__month health__month--${m.mark}`, 'data-month': m.month, 'data-mark': m.mark },
        m.run
          ? h('a', { class: 'health__month-body', href: `${this.ctx.basePath}/${m.run.id}`, 'aria-current': m.run.id === shownId ? 'true' : false }, body)
          : h('span', { class: 'health__month-body' }, body),
      );
    });
    replaceChildren(
      this.year,
      h('h2', { id: 'health-year-title' }, 'Evidencia mensual de los últimos 12 meses'),
      h('ol', { class: 'health__months', 'aria-label': 'Revisión mensual de cada mes, del más antiguo al actual' }, items),
    );
  }

  renderHistory(shownId) {
    const rows = this.runs.map((run) => {
      const v = verdict(run.counts);
      const href = `${this.ctx.basePath}/${run.id}`;
      return h(
        'tr',
        { 'data-run': String(run.id), class: run.id === shownId ? 'is-current' : false },
        h('td', {}, h('a', { href, 'aria-current': run.id === shownId ? 'true' : false }, formatDate(run.at))),
        h('td', {}, run.kind === 'monthly' ? h('strong', {}, kindLabel(run)) : kindLabel(run)),
        h('td', {}, byLabel(run.checkedBy)),
        h('td', {}, statusBadge(v.status), ` ${v.text}`),
        h('td', { class: 'num' }, `${run.counts.ok} / ${run.counts.warn} / ${run.counts.fail} / ${run.counts.skipped}`),
      );
    });
    const more =
      this.runs.length < this.total
        ? h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.loadMore(shownId) }, `Ver más (${this.total - this.runs.length} anteriores)`)
        : null;
    replaceChildren(
      this.history,
      h('h2', { id: 'health-history-title' }, 'Historial de revisiones'),
      this.runs.length === 0
        ? h('p', { class: 'muted' }, 'Sin revisiones guardadas.')
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'table health__table' },
              h('caption', { class: 'visually-hidden' }, 'Revisiones de salud guardadas, de la más reciente a la más antigua'),
              h(
                'thead',
                {},
                h('tr', {}, ['Fecha', 'Tipo', 'Realizada por', 'Resultado', 'Correctas / advertencias / fallas / omitidas'].map((t) => h('th', { scope: 'col' }, t))),
              ),
              h('tbody', {}, rows),
            ),
          ),
      more,
    );
  }

  async loadMore(shownId) {
    try {
      const page = await this.api.request('GET', `/api/health/checks?limit=${PAGE_SIZE}&offset=${this.runs.length}`);
      this.runs = [...this.runs, ...page.runs];
      this.total = page.total;
      this.months = page.months ?? this.months;
      this.renderHistory(shownId);
    } catch (error) {
      this.showError(errorText(error));
    }
  }
}
