// «Calidad» → corrective actions (seed 001 stage 2, steps 05–06): the table every page shows, the follow-up buttons
// («Eficaz» / «No eficaz») of the next month's review, the coordination's list of every action, and the agent's
// «Mis acciones correctivas» with «Marcar como atendida».
import { field, focusElement, formatDate, h, replaceChildren, select } from './dom.js';
import { ACTION_STATUS_LABELS, label } from './labels.js';
import { openDialog } from './modal.js';
import { REVIEWERS, dayName, errorNotice, errorText, monthName, table } from './quality-format.js';

/** A status badge; an open action past its due date says so. */
function actionStatus(a) {
  const kind = { open: a.overdue ? 'warning' : 'muted', done: 'ok', effective: 'ok', not_effective: 'warning' }[a.status] ?? 'muted';
  return [h('span', { class: `badge badge--${kind}`, 'data-status': a.status }, label(ACTION_STATUS_LABELS, a.status)), a.overdue ? h('span', { class: 'badge badge--warning badge--small quality-overdue' }, 'Vencida') : null];
}

/** What was done and what the follow-up found, in one cell. */
function outcome(a) {
  return [
    a.doneAt ? h('p', {}, `Atendida ${formatDate(a.doneAt)}${a.doneNote ? `: «${a.doneNote}»` : ''}`) : null,
    a.followUpAt ? h('p', {}, `Seguimiento (${monthName(a.followUpMonth)}): ${label(ACTION_STATUS_LABELS, a.status)}${a.followUpNote ? ` — «${a.followUpNote}»` : ''}`) : null,
    !a.doneAt && !a.followUpAt ? '—' : null,
  ];
}

/**
 * The corrective actions as a table: agent, protocol point, description, due date, status, what happened. `extra(a)`
 * adds the buttons of one row (or null); `showReview` adds the review's month.
 */
export function actionsTable(actions, { caption, extra = null, showReview = false, showAgent = true }) {
  const columns = [showReview ? 'Revisión' : null, showAgent ? 'Agente' : null, 'Punto del protocolo', 'Acción', 'Fecha compromiso', 'Estado', 'Resultado', extra ? 'Acciones' : null].filter(Boolean);
  return table({
    caption,
    className: 'quality-actions',
    columns,
    rows: actions.map((a) =>
      h(
        'tr',
        { 'data-action-id': a.id, 'data-status': a.status },
        showReview ? h('td', {}, monthName(a.reviewMonth)) : null,
        showAgent ? h('td', {}, a.agent?.name ?? '—') : null,
        h('td', {}, a.itemLabel ?? a.item),
        h('th', { scope: 'row' }, a.description),
        h('td', {}, h('time', { datetime: a.dueDate }, dayName(a.dueDate))),
        h('td', {}, actionStatus(a)),
        h('td', {}, outcome(a)),
        extra ? h('td', { class: 'actions' }, extra(a)) : null,
      ),
    ),
  });
}

/** «Eficaz» / «No eficaz» for an action not yet followed up; each asks for a note. */
export function followUpButtons(ctx, a, onDone) {
  if (a.status === 'effective' || a.status === 'not_effective') return null;
  const ask = (effective) => {
    const note = h('textarea', { rows: '3', maxlength: '2000', name: 'note', required: true });
    return openDialog({
      title: effective ? 'La acción fue eficaz' : 'La acción no fue eficaz',
      body: h('div', {}, h('p', {}, `${a.agent?.name ?? 'Agente'} — ${a.itemLabel}: ${a.description}`), field({ label: 'Qué se observó en la revisión de este mes', control: note, required: true })),
      confirmLabel: effective ? 'Registrar como eficaz' : 'Registrar como no eficaz',
      onConfirm: () => ctx.api.request('POST', `/api/quality/actions/${encodeURIComponent(a.id)}/follow-up`, { effective, note: note.value.trim() }),
    }).then((done) => (done ? onDone() : undefined));
  };
  return [
    h('button', { type: 'button', class: 'btn btn--small btn--secondary', 'data-followup': 'effective', onclick: () => ask(true) }, 'Eficaz'),
    h('button', { type: 'button', class: 'btn btn--small btn--secondary', 'data-followup': 'not_effective', onclick: () => ask(false) }, 'No eficaz'),
  ];
}

/** «Marcar como atendida» for an open action, with an optional note. */
function doneButton(ctx, a, onDone) {
  if (a.status !== 'open') return null;
  return h(
    'button',
    {
      type: 'button',
      class: 'btn btn--small btn--primary',
      'data-done': a.id,
      onclick: async () => {
        const note = h('textarea', { rows: '3', maxlength: '2000', name: 'note' });
        const done = await openDialog({
          title: 'Marcar como atendida',
          body: h('div', {}, h('p', {}, `${a.itemLabel}: ${a.description}`), field({ label: 'Nota (opcional)', control: note, hint: 'Qué hizo para atender la acción.' })),
          confirmLabel: 'Marcar como atendida',
          onConfirm: () => ctx.api.request('POST', `/api/quality/actions/${encodeURIComponent(a.id)}/done`, note.value.trim() ? { note: note.value.trim() } : {}),
        });
        if (done) await onDone();
      },
    },
    'Marcar como atendida',
  );
}

/** The coordination's list of every corrective action, filtered by status. */
export class ActionsPage {
  constructor(ctx) {
    this.ctx = ctx;
  }

  async render(root, { focusHeading, search }) {
    this.ctx.setTitle('Acciones correctivas — Calidad');
    const heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Acciones correctivas');
    const status = search?.get('status') ?? '';
    const filter = select([['', 'Todas'], ...Object.entries(ACTION_STATUS_LABELS)], status, { name: 'status', onchange: (e) => this.ctx.navigate(`${this.ctx.basePath}/acciones${e.target.value ? `?status=${e.target.value}` : ''}`) });
    this.live = h('p', { class: 'list__count', role: 'status', 'aria-live': 'polite' });
    this.list = h('div', {});
    replaceChildren(root, heading, h('p', { class: 'panel__lead' }, 'Las acciones correctivas de todas las revisiones: quién las atiende, para cuándo, si se atendieron y si resultaron eficaces.'), h('div', { class: 'quality-filter' }, field({ label: 'Estado', control: filter })), this.live, this.list);
    if (focusHeading) focusElement(heading);
    this.status = status;
    await this.load();
  }

  async load(message) {
    let data;
    try {
      data = await this.ctx.api.request('GET', `/api/quality/actions${this.status ? `?status=${encodeURIComponent(this.status)}` : ''}`);
    } catch (error) {
      replaceChildren(this.list, h('div', { role: 'alert' }, errorNotice(errorText(error))));
      return;
    }
    const actions = data.actions ?? [];
    this.live.textContent = message ?? `${actions.length} ${actions.length === 1 ? 'acción correctiva' : 'acciones correctivas'}.`;
    const reviewer = REVIEWERS.includes(this.ctx.user?.role);
    replaceChildren(
      this.list,
      actions.length
        ? actionsTable(actions, {
            caption: 'Acciones correctivas',
            showReview: true,
            extra: reviewer ? (a) => [doneButton(this.ctx, a, () => this.load('La acción quedó atendida.')), followUpButtons(this.ctx, a, () => this.load('Se registró el seguimiento.'))] : null,
          })
        : h('p', { class: 'muted quality-empty' }, 'No hay acciones correctivas con ese estado.'),
    );
  }
}

/** An agent's own corrective actions («Mis acciones correctivas»). */
export class MyActionsPage {
  constructor(ctx) {
    this.ctx = ctx;
  }

  async render(root, { focusHeading }) {
    this.ctx.setTitle('Mis acciones correctivas');
    const heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Mis acciones correctivas');
    this.live = h('p', { class: 'list__count', role: 'status', 'aria-live': 'polite' });
    this.list = h('div', {});
    replaceChildren(
      root,
      heading,
      h('p', { class: 'panel__lead' }, 'Lo que la revisión de calidad le pidió mejorar en su atención, y para cuándo. Cuando lo haya atendido, márquelo; la revisión del mes siguiente dirá si fue eficaz.'),
      this.live,
      this.list,
    );
    if (focusHeading) focusElement(heading);
    await this.load();
  }

  async load(message) {
    let data;
    try {
      data = await this.ctx.api.request('GET', '/api/quality/actions/mine');
    } catch (error) {
      replaceChildren(this.list, h('div', { role: 'alert' }, errorNotice(errorText(error))));
      return;
    }
    const actions = data.actions ?? [];
    const open = actions.filter((a) => a.status === 'open').length;
    this.live.textContent = message ?? (actions.length ? `Tiene ${open} ${open === 1 ? 'acción abierta' : 'acciones abiertas'} de ${actions.length}.` : 'No tiene acciones correctivas.');
    replaceChildren(
      this.list,
      actions.length
        ? actionsTable(actions, { caption: 'Mis acciones correctivas', showReview: true, showAgent: false, extra: (a) => doneButton(this.ctx, a, () => this.load('La acción quedó marcada como atendida.')) })
        : h('p', { class: 'muted quality-empty' }, 'No tiene acciones correctivas.'),
    );
  }
}
