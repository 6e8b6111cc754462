// «Calidad» → one month's review: its status and the coordinator's comments, the sampled items with the progress of
// the review, «Enviar a coordinación», the coordinator's «Aprobar» / «Devolver», the tabulation (by kind of
// non-compliance, by agent, by channel; compliance), the corrective actions and the follow-up of the previous month's.
import { field, focusElement, formatDate, h, nextId, replaceChildren, toast } from './dom.js';
import { errorBlock } from './errors.js';
import { CHANNEL_LABELS, QUALITY_HISTORY_LABELS, label } from './labels.js';
import { openDialog } from './modal.js';
import { actionsTable, followUpButtons } from './quality-actions.js';
import { APPROVERS, EDITABLE, count, errorNotice, errorText, monthName, percent, statusBadge, table, today } from './quality-format.js';

/** The sentence under the status badge. */
/** The server's refusal when the sender would decide (QualityService.decide). */
const SELF_DECISION = 'Quien envió la revisión no puede aprobarla ni devolverla; debe hacerlo otro coordinador.';
const STATUS_HELP = {
  in_review: 'Los revisores confirman o corrigen la pre-revisión automática de cada elemento y luego envían la revisión a coordinación.',
  submitted: 'La revisión espera la decisión de coordinación: aprobarla o devolverla con comentarios.',
  returned: 'Coordinación devolvió la revisión con comentarios: corrija lo indicado y vuelva a enviarla.',
  approved: 'Coordinación aprobó la revisión. Asigne y dé seguimiento a las acciones correctivas.',
};

/** Observations longer than this show their start, with the full text a click away. */
const OBSERVATIONS_SHOWN = 80;

/** The item's observations for the list: short ones whole; long ones truncated in a «details» that opens them. */
function observationsCell(text) {
  if (!text) return h('span', { class: 'muted' }, '—');
  if (text.length <= OBSERVATIONS_SHOWN) return text;
  const start = `${text.slice(0, OBSERVATIONS_SHOWN).trimEnd()}…`;
  return h('details', { class: 'quality-observations__more' }, h('summary', {}, start, h('span', { class: 'visually-hidden' }, ' (ver completas)')), h('p', { class: 'quality-observations__full' }, text));
}

/** An item is reviewed when every checklist point has a verdict. */
export const isReviewed = (item, checklist) => checklist.every((c) => ['pass', 'fail', 'na'].includes(item.verdicts?.[c.key]));

export class ReviewPage {
  constructor(ctx, month) {
    this.ctx = ctx;
    this.api = ctx.api;
    this.month = month;
    this.review = null;
  }

  get url() {
    return `${this.ctx.basePath}/${this.month}`;
  }

  async render(root, { focusHeading }) {
    this.root = root;
    this.ctx.setTitle(`Revisión de calidad de ${monthName(this.month)}`);
    this.heading = h('h1', { class: 'page__title', tabindex: '-1' }, `Revisión de calidad de ${monthName(this.month)}`);
    this.live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
    this.body = h('div', { class: 'stack', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Cargando la revisión…'));
    replaceChildren(root, h('p', { class: 'breadcrumb' }, h('a', { href: this.ctx.basePath }, 'Revisiones de calidad')), this.heading, this.live, this.body);
    await this.load();
    if (focusHeading) focusElement(this.heading);
  }

  async load() {
    try {
      this.review = await this.api.request('GET', `/api/quality/reviews/${encodeURIComponent(this.month)}`);
    } catch (error) {
      this.body.removeAttribute('aria-busy');
      replaceChildren(this.body, h('div', { role: 'alert' }, errorNotice(errorText(error, 'Su cuenta no tiene permiso para ver las revisiones de calidad.'))));
      return;
    }
    this.body.removeAttribute('aria-busy');
    this.draw();
  }

  /** Reloads the review after a change and says what happened. */
  async refresh(message) {
    await this.load();
    if (message) {
      this.live.textContent = message;
      toast(message);
    }
  }

  draw() {
    const r = this.review;
    replaceChildren(this.body, this.statusPanel(r), this.itemsPanel(r), this.tabulationPanel(r), this.actionsPanel(r), r.followUps?.length ? this.followUpPanel(r) : null, this.historyPanel(r));
  }

  // --- status and decisions --------------------------------------------------------------------------------------
  statusPanel(r) {
    const role = this.ctx.user?.role;
    const reviewed = r.items.filter((i) => isReviewed(i, r.checklist)).length;
    const buttons = [];
    if (EDITABLE.includes(r.status)) {
      buttons.push(h('button', { type: 'button', class: 'btn btn--primary', 'data-action': 'submit', onclick: () => this.submit() }, 'Enviar a coordinación'));
    }
    // Separation of duties: whoever sent the review does not decide on it (the server refuses it too, 409).
    const ownSubmission = r.status === 'submitted' && APPROVERS.includes(role) && Boolean(r.submittedBy) && r.submittedBy === this.ctx.user?.email;
    if (r.status === 'submitted' && APPROVERS.includes(role) && !ownSubmission) {
      buttons.push(
        h('button', { type: 'button', class: 'btn btn--primary', 'data-action': 'approve', onclick: () => this.decide('approve') }, 'Aprobar'),
        h('button', { type: 'button', class: 'btn btn--warning', 'data-action': 'return', onclick: () => this.decide('return') }, 'Devolver con comentarios'),
      );
    }
    const facts = [
      ['Muestra', `${count(r.items.length)} elementos (semilla ${r.seed})`],
      ['Extraída', `${formatDate(r.createdAt)} por ${r.createdBy}`],
      r.submittedAt ? ['Enviada', `${formatDate(r.submittedAt)} por ${r.submittedBy}`] : null,
      r.decidedAt ? [r.status === 'approved' ? 'Aprobada' : 'Decidida', `${formatDate(r.decidedAt)} por ${r.decidedBy}`] : null,
    ].filter(Boolean);
    return h(
      'section',
      { class: `panel quality-status quality-status--${r.status}`, 'aria-labelledby': 'quality-status-title' },
      h('h2', { id: 'quality-status-title' }, 'Estado: ', statusBadge(r.status)),
      h('p', { class: 'muted' }, STATUS_HELP[r.status] ?? ''),
      r.coordinatorComments
        ? h(
            'div',
            { class: `notice ${r.status === 'returned' ? 'notice--warning' : 'notice--info'} quality-comments` },
            h('p', { class: 'notice__title' }, 'Comentarios de coordinación'),
            h('p', { class: 'quality-comments__text' }, r.coordinatorComments),
          )
        : null,
      h('dl', { class: 'facts' }, facts.map(([t, v]) => [h('dt', {}, t), h('dd', {}, v)])),
      h(
        'p',
        { class: 'quality-report-link' },
        h('a', { class: 'btn btn--secondary btn--small', href: `/api/quality/reviews/${encodeURIComponent(this.month)}/report.xlsx`, download: `revision-calidad-${this.month}.xlsx`, 'data-action': 'report' }, 'Descargar informe (Excel)'),
      ),
      h(
        'div',
        { class: 'quality-progress' },
        h('label', { for: 'quality-progress-bar' }, `Revisados: ${count(reviewed)} de ${count(r.items.length)}`),
        h('progress', { id: 'quality-progress-bar', max: String(r.items.length || 1), value: String(reviewed) }),
      ),
      ownSubmission ? h('div', { class: 'notice notice--info quality-own-submission' }, h('p', {}, SELF_DECISION)) : null,
      (this.decisionError = h('div', { role: 'alert' })),
      buttons.length ? h('div', { class: 'button-row' }, buttons) : null,
    );
  }

  async submit() {
    replaceChildren(this.decisionError);
    try {
      await this.api.request('POST', `/api/quality/reviews/${encodeURIComponent(this.month)}/submit`, {});
    } catch (error) {
      replaceChildren(this.decisionError, errorBlock(error));
      return;
    }
    await this.refresh('La revisión se envió a coordinación.');
  }

  async decide(kind) {
    const approve = kind === 'approve';
    const comments = h('textarea', { rows: '4', maxlength: '4000', name: 'comments', required: !approve });
    const done = await openDialog({
      title: approve ? 'Aprobar la revisión' : 'Devolver la revisión',
      body: h(
        'div',
        {},
        h('p', {}, approve ? `Se aprueba la revisión de calidad de ${monthName(this.month)}.` : 'La revisión vuelve a los revisores con sus comentarios para que la corrijan.'),
        field({ label: approve ? 'Comentarios (opcional)' : 'Qué hay que corregir', control: comments, required: !approve }),
      ),
      confirmLabel: approve ? 'Aprobar' : 'Devolver',
      onConfirm: () =>
        this.api.request('POST', `/api/quality/reviews/${encodeURIComponent(this.month)}/${approve ? 'approve' : 'return'}`, approve && comments.value.trim() === '' ? {} : { comments: comments.value.trim() }),
    });
    if (done) await this.refresh(approve ? 'La revisión quedó aprobada.' : 'La revisión se devolvió a los revisores.');
  }

  // --- sampled items ---------------------------------------------------------------------------------------------
  itemsPanel(r) {
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'quality-items-title' },
      h('h2', { id: 'quality-items-title' }, 'Elementos de la muestra'),
      table({
        caption: `Conversaciones y llamadas de la muestra de ${monthName(this.month)}`,
        className: 'quality-items',
        columns: [{ label: 'N.º', num: true }, 'Medio', 'Agente', 'Grabación', 'Incumplimientos', 'Estado', 'Observaciones'],
        rows: r.items.map((i) => {
          const fails = Object.values(i.verdicts ?? {}).filter((v) => v === 'fail').length;
          const done = isReviewed(i, r.checklist);
          return h(
            'tr',
            { 'data-item': i.id, 'data-position': String(i.position) },
            h('td', { class: 'num' }, String(i.position)),
            h('th', { scope: 'row' }, h('a', { href: `${this.url}/elementos/${i.id}` }, `${label(CHANNEL_LABELS, i.channel)} — elemento ${i.position}`)),
            h('td', {}, i.agent?.name ?? 'Bot (sin agente)'),
            h('td', {}, i.hasRecording ? 'Sí' : 'No'),
            h('td', { class: 'num' }, done ? String(fails) : '—'),
            h('td', {}, done ? h('span', { class: 'badge badge--ok' }, 'Revisado') : h('span', { class: 'badge badge--muted' }, 'Pendiente')),
            h('td', { class: 'quality-observations' }, observationsCell(i.observations)),
          );
        }),
      }),
    );
  }

  // --- tabulation ------------------------------------------------------------------------------------------------
  tabulationPanel(r) {
    const t = r.tabulation ?? { byType: [], byAgent: [], byChannel: [], compliance: 0 };
    const keys = r.checklist.map((c) => c.key);
    const labels = Object.fromEntries(r.checklist.map((c) => [c.key, c.label]));
    const typeCells = (byType) => keys.map((k) => h('td', { class: 'num', 'data-type': k }, String(byType?.[k] ?? 0)));
    return h(
      'section',
      { class: 'panel quality-tabulation', 'aria-labelledby': 'quality-tab-title' },
      h('h2', { id: 'quality-tab-title' }, 'Tabulado de incumplimientos'),
      h(
        'p',
        { class: 'quality-compliance' },
        'Cumplimiento del protocolo: ',
        h('strong', { 'data-compliance': String(t.compliance) }, percent((t.compliance ?? 0) * 100)),
        t.judged !== undefined ? h('span', { class: 'muted' }, ` (${count(t.passed)} de ${count(t.judged)} puntos calificados cumplen)`) : null,
      ),
      h('h3', {}, 'Por tipo de incumplimiento'),
      table({
        caption: 'Incumplimientos por punto del protocolo',
        className: 'quality-by-type',
        columns: ['Punto del protocolo', { label: 'Incumplimientos', num: true }],
        rows: t.byType.map((b) => h('tr', { 'data-type': b.item }, h('th', { scope: 'row' }, b.label), h('td', { class: 'num' }, String(b.fails)))),
      }),
      h('h3', {}, 'Por agente'),
      table({
        caption: 'Incumplimientos por agente y punto del protocolo',
        className: 'quality-by-agent',
        columns: ['Agente', { label: 'Elementos', num: true }, { label: 'Incumplimientos', num: true }, ...keys.map((k) => ({ label: labels[k], num: true }))],
        rows: t.byAgent.map((a) =>
          h('tr', { 'data-agent': a.agentId ?? 'bot' }, h('th', { scope: 'row' }, a.name), h('td', { class: 'num' }, String(a.items)), h('td', { class: 'num', 'data-fails': '' }, String(a.fails)), typeCells(a.byType)),
        ),
      }),
      h('h3', {}, 'Por medio'),
      table({
        caption: 'Incumplimientos por medio y punto del protocolo',
        className: 'quality-by-channel',
        columns: ['Medio', { label: 'Elementos', num: true }, { label: 'Incumplimientos', num: true }, ...keys.map((k) => ({ label: labels[k], num: true }))],
        rows: t.byChannel.map((c) =>
          h('tr', { 'data-channel': c.channel }, h('th', { scope: 'row' }, label(CHANNEL_LABELS, c.channel)), h('td', { class: 'num' }, String(c.items)), h('td', { class: 'num', 'data-fails': '' }, String(c.fails)), typeCells(c.byType)),
        ),
      }),
    );
  }

  // --- corrective actions ----------------------------------------------------------------------------------------
  actionsPanel(r) {
    const open = r.status === 'submitted' || r.status === 'approved';
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'quality-actions-title' },
      h('h2', { id: 'quality-actions-title' }, 'Acciones correctivas'),
      r.actions.length
        ? actionsTable(r.actions, { caption: `Acciones correctivas de la revisión de ${monthName(this.month)}` })
        : h('p', { class: 'muted quality-empty' }, 'Todavía no hay acciones correctivas de esta revisión.'),
      open ? this.actionForm(r) : h('p', { class: 'muted' }, 'Las acciones correctivas se asignan cuando la revisión se envía a coordinación.'),
    );
  }

  actionForm(r) {
    const agents = new Map();
    for (const i of r.items) if (i.agent) agents.set(i.agent.id, i.agent.name);
    for (const a of r.tabulation?.byAgent ?? []) if (a.agentId) agents.set(a.agentId, a.name);
    const agent = h('select', { name: 'agentId', required: true }, h('option', { value: '' }, 'Elija un agente'), [...agents].sort((a, b) => a[1].localeCompare(b[1], 'es')).map(([id, name]) => h('option', { value: id }, name)));
    const item = h('select', { name: 'item', required: true }, h('option', { value: '' }, 'Elija el punto del protocolo'), r.checklist.map((c) => h('option', { value: c.key }, c.label)));
    const description = h('textarea', { name: 'description', rows: '3', maxlength: '2000', required: true });
    const dueDate = h('input', { type: 'date', name: 'dueDate', required: true, min: today() });
    const error = h('div', { role: 'alert' });
    const button = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Asignar acción');
    const titleId = nextId('quality-action-form');
    return h(
      'form',
      {
        class: 'quality-action-form',
        'aria-labelledby': titleId,
        novalidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          replaceChildren(error);
          const missing = [[agent, 'el agente'], [item, 'el punto del protocolo'], [description, 'la descripción'], [dueDate, 'la fecha compromiso']].find(([c]) => c.value.trim() === '');
          if (missing) {
            replaceChildren(error, errorNotice(`Falta ${missing[1]}.`));
            focusElement(missing[0]);
            return;
          }
          button.disabled = true;
          try {
            await this.api.request('POST', `/api/quality/reviews/${encodeURIComponent(this.month)}/actions`, { agentId: agent.value, item: item.value, description: description.value.trim(), dueDate: dueDate.value });
          } catch (e) {
            replaceChildren(error, errorBlock(e));
            button.disabled = false;
            return;
          }
          await this.refresh(`Se asignó la acción correctiva a ${agents.get(agent.value) ?? 'el agente'}.`);
          focusElement(document.getElementById('quality-actions-title'));
        },
      },
      h('h3', { id: titleId }, 'Nueva acción correctiva'),
      agents.size === 0 ? h('p', { class: 'muted' }, 'La muestra no tiene conversaciones atendidas por agentes.') : null,
      h('div', { class: 'grid' }, field({ label: 'Agente', control: agent, required: true }), field({ label: 'Punto del protocolo', control: item, required: true }), field({ label: 'Fecha compromiso', control: dueDate, required: true })),
      field({ label: 'Descripción de la acción', control: description, required: true }),
      error,
      h('div', { class: 'button-row' }, button),
    );
  }

  followUpPanel(r) {
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'quality-followup-title' },
      h('h2', { id: 'quality-followup-title' }, 'Seguimiento de las acciones del mes anterior'),
      h('p', { class: 'muted' }, 'Registre si cada acción correctiva de la revisión anterior fue eficaz a la luz de esta muestra.'),
      actionsTable(r.followUps, {
        caption: 'Acciones correctivas por seguir',
        extra: (a) => followUpButtons(this.ctx, a, () => this.refresh('Se registró el seguimiento de la acción.')),
      }),
    );
  }

  historyPanel(r) {
    if (!r.history?.length) return null;
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'quality-history-title' },
      h('h2', { id: 'quality-history-title' }, 'Historial'),
      h(
        'ol',
        { class: 'quality-history' },
        r.history.map((e) =>
          h('li', {}, h('time', { datetime: e.at }, formatDate(e.at)), ' — ', label(QUALITY_HISTORY_LABELS, e.action), e.by ? ` por ${e.by}` : '', e.comments ? h('p', { class: 'quality-history__comments' }, `«${e.comments}»`) : null),
        ),
      ),
    );
  }
}
