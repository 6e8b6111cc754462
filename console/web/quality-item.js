// «Calidad» → one sampled conversation or call: its transcript (and the call's recording) beside the protocol
// checklist. Each point shows the automatic pre-check (result and evidence) already marked; the reviewer confirms or
// changes it (Cumple / No cumple / No aplica), marks the points only a person can judge, and writes observations.
import { field, focusElement, formatDate, h, replaceChildren } from './dom.js';
import { errorBlock } from './errors.js';
import { CHANNEL_LABELS, VERDICT_LABELS, label } from './labels.js';
import { EDITABLE, REVIEWERS, clock, errorNotice, errorText, monthName } from './quality-format.js';
import { transcriptList } from './transcript-view.js';

const VERDICTS = ['pass', 'fail', 'na'];

export class ItemPage {
  constructor(ctx, month, id) {
    this.ctx = ctx;
    this.api = ctx.api;
    this.month = month;
    this.id = id;
    this.dirty = false;
  }

  get reviewUrl() {
    return `${this.ctx.basePath}/${this.month}`;
  }

  isDirty() {
    return this.dirty;
  }

  async render(root, { focusHeading }) {
    this.ctx.setTitle(`Elemento de la muestra — ${monthName(this.month)}`);
    const heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Elemento de la muestra');
    replaceChildren(root, this.breadcrumb(), heading, h('p', { class: 'loading', 'aria-busy': 'true' }, 'Cargando la conversación…'));
    let review;
    let item;
    try {
      [review, item] = await Promise.all([
        this.api.request('GET', `/api/quality/reviews/${encodeURIComponent(this.month)}`),
        this.api.request('GET', `/api/quality/reviews/${encodeURIComponent(this.month)}/items/${encodeURIComponent(this.id)}`),
      ]);
    } catch (error) {
      replaceChildren(root, this.breadcrumb(), heading, h('div', { role: 'alert' }, errorNotice(errorText(error, 'Su cuenta no tiene permiso para ver las revisiones de calidad.'))));
      if (focusHeading) focusElement(heading);
      return;
    }
    this.review = review;
    this.item = item;
    const total = review.items.length;
    const title = `Elemento ${item.position} de ${total}: ${label(CHANNEL_LABELS, item.channel)}`;
    this.ctx.setTitle(`${title} — Calidad ${monthName(this.month)}`);
    heading.textContent = title;
    this.editable = EDITABLE.includes(review.status) && REVIEWERS.includes(this.ctx.user?.role);
    replaceChildren(
      root,
      this.breadcrumb(),
      heading,
      (this.factList = this.facts(item)),
      h('div', { class: 'quality-item' }, h('div', { class: 'quality-item__source' }, this.transcript(item), this.callPanel(item)), this.checklistForm(review, item)),
      this.pager(review, item),
    );
    if (focusHeading) focusElement(heading);
  }

  breadcrumb() {
    return h('p', { class: 'breadcrumb' }, h('a', { href: this.ctx.basePath }, 'Revisiones de calidad'), ' › ', h('a', { href: this.reviewUrl }, `Revisión de ${monthName(this.month)}`));
  }

  facts(item) {
    const a = item.attention ?? {};
    const rows = [
      ['Agente', item.agent?.name ?? 'Bot (sin agente)'],
      ['Medio', label(CHANNEL_LABELS, item.channel)],
      ['Conversación', h('code', {}, item.conversationId)],
      a.request ? ['Solicitud', a.request] : null,
      a.person?.name ? ['Persona', [a.person.name, a.person.unitName].filter(Boolean).join(' — ')] : null,
      ['Revisado', item.reviewedAt ? `${formatDate(item.reviewedAt)} por ${item.reviewedBy}` : 'Todavía no'],
    ].filter(Boolean);
    return h('dl', { class: 'facts quality-item__facts' }, rows.map(([t, v]) => [h('dt', {}, t), h('dd', {}, v)]));
  }

  transcript(item) {
    const lines = item.transcript ?? [];
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'quality-transcript-title' },
      h('h2', { id: 'quality-transcript-title' }, 'Conversación'),
      transcriptList(lines, { labelledBy: 'quality-transcript-title', className: 'quality-transcript' }),
      this.handoffList(item.attention?.handoffs ?? []),
    );
  }

  handoffList(handoffs) {
    if (handoffs.length === 0) return null;
    return [
      h('h3', {}, 'Atención por agentes'),
      h(
        'ul',
        { class: 'quality-handoffs' },
        handoffs.map((ho) =>
          h(
            'li',
            {},
            `${ho.group}: en espera desde ${formatDate(ho.queuedAt)}`,
            ho.acceptedAt ? `, aceptada ${formatDate(ho.acceptedAt)}${ho.agent ? ` por ${ho.agent}` : ''}` : ', no la aceptó nadie',
            ho.closedAt ? `, terminó ${formatDate(ho.closedAt)}` : '',
            ho.transferNote ? ` (transferencia: «${ho.transferNote}»)` : '',
          ),
        ),
      ),
    ];
  }

  callPanel(item) {
    const call = item.call;
    if (!call) return null;
    const src = `/api/quality/reviews/${encodeURIComponent(this.month)}/items/${encodeURIComponent(item.id)}/recording`;
    const rings = call.answeredAt ? Math.max(0, Math.round((new Date(call.answeredAt).getTime() - new Date(call.startedAt).getTime()) / 1000)) : null;
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'quality-call-title' },
      h('h2', { id: 'quality-call-title' }, 'Llamada'),
      h(
        'dl',
        { class: 'facts' },
        [
          ['Inicio', formatDate(call.startedAt)],
          ['Contestada', call.answeredAt ? `${formatDate(call.answeredAt)} (${rings} s después)` : 'No se contestó'],
          ['Duración', clock(call.durationSeconds)],
          ['Transferencias', String(call.transfers?.length ?? 0)],
        ].map(([t, v]) => [h('dt', {}, t), h('dd', {}, v)]),
      ),
      call.hasRecording
        ? h(
            'figure',
            { class: 'quality-recording' },
            h('figcaption', {}, 'Grabación de la llamada'),
            h('audio', { controls: true, preload: 'none', src, 'aria-label': `Grabación de la llamada del elemento ${item.position}` }),
            h('p', { class: 'muted' }, h('a', { href: src, download: `grabacion-${this.month}-${item.position}` }, 'Descargar la grabación')),
          )
        : h('p', { class: 'muted' }, 'Esta llamada no tiene grabación (la persona no aceptó que se grabara o no se grabó).'),
    );
  }

  checklistForm(review, item) {
    this.radios = new Map();
    const status = h('p', { class: 'quality-save-status', role: 'status', 'aria-live': 'polite' });
    const error = h('div', { role: 'alert' });
    this.observations = h('textarea', { name: 'observations', rows: '4', maxlength: '4000', value: item.observations ?? '', disabled: !this.editable, oninput: () => (this.dirty = true) });
    const points = review.checklist.map((c) => this.point(c, item));
    const save = h('button', { type: 'submit', class: 'btn btn--primary', disabled: !this.editable }, 'Guardar revisión');
    const next = review.items.find((i) => i.position === item.position + 1);
    const saveNext = next ? h('button', { type: 'button', class: 'btn btn--secondary', disabled: !this.editable, onclick: () => this.save(status, error, next) }, 'Guardar y abrir el siguiente') : null;
    return h(
      'form',
      { class: 'panel quality-checklist', 'aria-labelledby': 'quality-checklist-title', novalidate: true, onsubmit: (e) => {
          e.preventDefault();
          this.save(status, error, null);
        },
      },
      h('h2', { id: 'quality-checklist-title' }, 'Protocolo de atención'),
      this.editable ? h('p', { class: 'muted' }, 'Confirme o corrija la pre-revisión automática de cada punto y califique los que solo una persona puede juzgar.') : h('p', { class: 'notice notice--info' }, 'La revisión no está abierta a cambios: se muestra como quedó.'),
      points,
      field({ label: 'Observaciones', control: this.observations, hint: 'Describa cada incumplimiento: qué pasó y en qué momento de la conversación o la grabación.' }),
      error,
      status,
      h('div', { class: 'button-row' }, save, saveNext),
    );
  }

  /** One checklist point: its pre-check, then the three verdicts as radio buttons. */
  point(c, item) {
    const pre = item.prechecks?.[c.key];
    const chosen = item.verdicts?.[c.key] ?? (pre && VERDICTS.includes(pre.result) ? pre.result : null);
    const name = `verdict-${c.key}`;
    const inputs = VERDICTS.map((v) => h('input', { type: 'radio', name, value: v, id: `${name}-${v}`, checked: chosen === v, disabled: !this.editable, onchange: () => (this.dirty = true) }));
    this.radios.set(c.key, inputs);
    const overridden = pre && item.verdicts?.[c.key] && item.verdicts[c.key] !== pre.result;
    return h(
      'fieldset',
      { class: 'choice quality-check', 'data-key': c.key },
      h('legend', { class: 'quality-check__legend' }, c.label),
      pre
        ? h(
            'p',
            { class: `quality-check__pre quality-check__pre--${pre.result}` },
            h('span', { class: 'quality-check__pre-label' }, 'Pre-revisión automática: '),
            h('strong', {}, label(VERDICT_LABELS, pre.result)),
            pre.evidence ? ` — ${pre.evidence}` : '',
            overridden ? h('span', { class: 'badge badge--warning badge--small' }, 'corregida') : null,
          )
        : h('p', { class: 'quality-check__pre muted' }, 'Sin pre-revisión automática: califíquelo al leer o escuchar la conversación.'),
      h(
        'div',
        { class: 'choice__options' },
        inputs.map((input, i) => h('label', { class: 'choice__option', for: input.id }, input, ` ${label(VERDICT_LABELS, VERDICTS[i])}`)),
      ),
    );
  }

  async save(status, error, next) {
    replaceChildren(error);
    const verdicts = {};
    for (const [key, inputs] of this.radios) {
      const checked = inputs.find((i) => i.checked);
      if (checked) verdicts[key] = checked.value;
    }
    status.textContent = 'Guardando…';
    try {
      this.item = { ...this.item, ...(await this.api.request('PUT', `/api/quality/reviews/${encodeURIComponent(this.month)}/items/${encodeURIComponent(this.id)}`, { verdicts, observations: this.observations.value })) };
    } catch (e) {
      status.textContent = '';
      replaceChildren(error, errorBlock(e));
      return;
    }
    this.dirty = false;
    const facts = this.facts(this.item);
    this.factList.replaceWith(facts);
    this.factList = facts;
    const missing = this.review.checklist.filter((c) => !verdicts[c.key]).map((c) => c.label);
    status.textContent = missing.length ? `Revisión guardada. Faltan por calificar: ${missing.join(', ')}.` : `Revisión del elemento ${this.item.position} guardada.`;
    if (next) await this.ctx.navigate(`${this.reviewUrl}/elementos/${next.id}`);
  }

  pager(review, item) {
    const prev = review.items.find((i) => i.position === item.position - 1);
    const next = review.items.find((i) => i.position === item.position + 1);
    return h(
      'nav',
      { class: 'quality-pager', 'aria-label': 'Otros elementos de la muestra' },
      prev ? h('a', { href: `${this.reviewUrl}/elementos/${prev.id}`, rel: 'prev' }, `← Elemento ${prev.position}`) : null,
      h('a', { href: this.reviewUrl }, 'Volver a la revisión'),
      next ? h('a', { href: `${this.reviewUrl}/elementos/${next.id}`, rel: 'next' }, `Elemento ${next.position} →`) : null,
    );
  }
}
