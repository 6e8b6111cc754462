// «Indicadores»: the list behind a number. A modal <dialog> (the browser keeps focus inside it; Escape closes it and
// focus goes back to the number) with a heading, a table with a caption and one row per item, read a page at a time
// from `GET /api/reports/items` («Cargar más»). Each row names the conversation and its tickets; a ticket opens its
// details in the row below (`GET /api/tickets/:number`, which coordination may read); the conversation's id opens its
// transcript in a second dialog over the list (`GET /api/conversations/:id`): heading focused, Escape or «Cerrar»
// returns to the id. The outbound staff calls (`outbound`, `outboundFailed`) are listed with their own columns: the
// number dialled, who asked for it, the attempt and the result as the call records have it.
import { ApiError } from './api.js';
import { formatDate, h, nextId, replaceChildren } from './dom.js';
import { CHANNEL_LABELS, TICKET_KIND_LABELS, label } from './labels.js';
import { transcriptList } from './transcript-view.js';

/** Items read per «Cargar más». */
export const DRILL_PAGE = 50;

const numberFormat = new Intl.NumberFormat('es-MX');
const count = (n) => numberFormat.format(n ?? 0);

/** Columns of a list of received items. */
const ITEM_COLUMNS = ['Fecha', 'Medio', 'Solicitante', 'Unidad', 'Servicio', 'Resultado', 'Tickets', 'Agente', 'Espera (m:ss)', 'Conversación'];
/** Columns of a list of outbound staff calls. */
const CALL_COLUMNS = ['Fecha', 'Número', 'Solicitó', 'Motivo', 'Intento', 'Resultado', 'Registro de la llamada', 'Duración (m:ss)', 'Conversación'];
/** The drill-downs that list outbound staff calls rather than received items. */
const CALL_INDICATORS = ['outbound', 'outboundFailed'];
/** What the call-back request (`callback_requests.status`) is now, in words. */
const REQUEST_STATES = {
  pending: 'se volverá a intentar',
  calling: 'intento en curso',
  done: 'solicitud atendida',
  failed: 'solicitud terminada sin comunicar',
  cancelled: 'solicitud cancelada',
};

/** Seconds as «m:ss», or a dash. */
function mss(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

function failure(error) {
  if (error instanceof ApiError && error.status === 403) return 'Su cuenta no tiene permiso para ver este detalle.';
  if (error instanceof ApiError) return error.message;
  return 'Ocurrió un error inesperado al cargar la lista. Intente de nuevo.';
}

/**
 * A modal <dialog> of this page: a focusable heading (`titleId`), «Cerrar», then `content` in the dialog's frame, and
 * `nested` dialogs after the frame. `onClosed` runs when this dialog closes (not one nested in it).
 */
export function frameDialog({ className, titleId, content = [], nested = [], onClosed }) {
  const heading = h('h2', { class: 'modal__title', id: titleId, tabindex: '-1' });
  const dialog = h(
    'dialog',
    { class: `modal ${className}`, 'aria-labelledby': titleId, onclose: (e) => e.target === dialog && onClosed() },
    h(
      'div',
      { class: 'drill__frame' },
      h('div', { class: 'drill__head' }, heading, h('button', { type: 'button', class: 'btn btn--secondary btn--small', onclick: () => dialog.close() }, 'Cerrar')),
      ...content,
    ),
    ...nested,
  );
  return { dialog, heading };
}

/** A conversation's transcript, its tickets, its handoffs and its call: a modal dialog opened over the list. */
export class ConversationDialog {
  constructor(api) {
    this.api = api;
    this.openId = 0;
    const titleId = nextId('conversation-title');
    this.linesTitleId = nextId('conversation-lines');
    this.body = h('div', { class: 'conversation__body' });
    ({ dialog: this.dialog, heading: this.heading } = frameDialog({ className: 'conversation', titleId, content: [this.body], onClosed: () => this.closed() }));
  }

  /** The dialog's element. */
  get element() {
    return this.dialog;
  }

  /** Opens conversation `id` (focus goes to its heading); resolves when it is shown or its error is. */
  async open(id) {
    const openId = ++this.openId;
    this.opener = document.activeElement;
    this.heading.textContent = `Conversación ${id}`;
    this.dialog.dataset.state = 'loading';
    replaceChildren(this.body, h('p', { class: 'loading', role: 'status' }, 'Cargando la conversación…'));
    if (!this.dialog.open) this.dialog.showModal();
    this.heading.focus();
    let data;
    try {
      data = await this.api.request('GET', `/api/conversations/${encodeURIComponent(id)}`);
    } catch (error) {
      if (openId !== this.openId) return;
      this.dialog.dataset.state = 'error';
      replaceChildren(this.body, h('div', { role: 'alert' }, h('p', { class: 'notice notice--error' }, failure(error))));
      return;
    }
    if (openId !== this.openId) return;
    replaceChildren(this.body, this.facts(data), this.handoffs(data.handoffs), h('h3', { id: this.linesTitleId }, 'Mensajes'), transcriptList(data.transcript, { labelledBy: this.linesTitleId, className: 'conversation__lines' }));
    this.dialog.dataset.state = 'complete';
  }

  facts({ conversation, tickets, call }) {
    const person = conversation.requester ? [conversation.requester.name, conversation.requester.unit].filter(Boolean).join(' — ') : '';
    const rows = [
      ['Medio', label(CHANNEL_LABELS, conversation.channel)],
      ['Inicio', formatDate(conversation.createdAt)],
      ['Solicitante', person || 'No se identificó'],
      ['Tickets', tickets.length ? tickets.join(', ') : 'Ninguno'],
      call ? ['Llamada', call.answeredAt ? `contestada ${formatDate(call.answeredAt)}${call.durationSeconds !== null ? `, duró ${mss(call.durationSeconds)}` : ''}${call.transfers ? `, ${call.transfers} transferencias` : ''}` : 'no se contestó'] : null,
    ].filter(Boolean);
    return h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }

  handoffs(list) {
    if (!list.length) return null;
    return [
      h('h3', {}, 'Atención por agentes'),
      h(
        'ul',
        { class: 'conversation__handoffs' },
        list.map((ho) =>
          h(
            'li',
            {},
            `${ho.group}: en espera desde ${formatDate(ho.queuedAt)}`,
            ho.acceptedAt ? `, aceptada ${formatDate(ho.acceptedAt)}${ho.agent ? ` por ${ho.agent}` : ''}` : ', no la aceptó nadie',
            ho.closedAt ? `, terminó ${formatDate(ho.closedAt)}` : '',
          ),
        ),
      ),
    ];
  }

  closed() {
    this.openId += 1;
    if (this.opener instanceof HTMLElement && this.opener.isConnected) this.opener.focus();
  }

  /** Closes the dialog (the list closed: focus goes where the list sends it). */
  close() {
    this.opener = null;
    if (this.dialog.open) this.dialog.close();
  }
}

/** The dialog of a number's items; one per page of «Indicadores», reused for every number. */
export class DrillDialog {
  constructor(api) {
    this.api = api;
    /** Each opening has a number: answers of an earlier one are dropped. */
    this.openId = 0;
    const titleId = nextId('drill-title');
    this.lead = h('p', { class: 'muted drill__lead' });
    this.caption = h('caption', { class: 'visually-hidden' });
    this.body = h('tbody');
    this.headRow = h('tr');
    this.table = h('table', { class: 'table drill__table' }, this.caption, h('thead', {}, this.headRow), this.body);
    this.status = h('p', { class: 'drill__status', role: 'status', 'aria-live': 'polite' });
    this.error = h('div', { class: 'drill__error', role: 'alert' });
    this.more = h('button', { type: 'button', class: 'btn btn--secondary drill__more', hidden: true, onclick: () => this.loadMore() }, 'Cargar más');
    this.conversation = new ConversationDialog(api);
    ({ dialog: this.dialog, heading: this.heading } = frameDialog({
      className: 'drill',
      titleId,
      content: [this.lead, h('div', { class: 'table-wrap drill__wrap' }, this.table), this.error, this.status, h('div', { class: 'button-row' }, this.more)],
      nested: [this.conversation.element],
      onClosed: () => this.closed(),
    }));
  }

  /** The dialog's element (put it in the page once). */
  get element() {
    return this.dialog;
  }

  /**
   * Opens the list of `query` (`month`, `indicator` and a bucket) under `title`; `total` is the number clicked.
   * Resolves when the first page is shown.
   */
  async open({ title, description, query, total }) {
    const id = ++this.openId;
    this.opener = document.activeElement;
    this.query = query;
    this.total = total;
    this.shown = 0;
    this.cursor = null;
    this.calls = CALL_INDICATORS.includes(query.indicator);
    this.heading.textContent = title;
    this.lead.textContent = description;
    this.caption.textContent = this.calls ? `${title}: una fila por llamada, en orden` : `${title}: una fila por solicitud, en orden de llegada`;
    replaceChildren(this.headRow, (this.calls ? CALL_COLUMNS : ITEM_COLUMNS).map((c) => h('th', { scope: 'col' }, c)));
    replaceChildren(this.body);
    replaceChildren(this.error);
    this.more.hidden = true;
    this.dialog.dataset.state = 'loading';
    if (!this.dialog.open) this.dialog.showModal();
    this.heading.focus();
    await this.page(id);
  }

  async loadMore() {
    // Focus stays on «Cargar más» (or, on the last page, goes to the first new row's cell).
    await this.page(this.openId);
  }

  async page(id) {
    this.dialog.dataset.state = 'loading';
    this.more.disabled = true;
    this.table.setAttribute('aria-busy', 'true');
    this.status.textContent = this.shown === 0 ? 'Cargando la lista…' : 'Cargando más…';
    const params = new URLSearchParams({ ...this.query, limit: String(DRILL_PAGE) });
    if (this.cursor) params.set('cursor', this.cursor);
    let page;
    try {
      page = await this.api.request('GET', `/api/reports/items?${params}`);
    } catch (error) {
      if (id !== this.openId) return;
      this.table.removeAttribute('aria-busy');
      this.more.disabled = false;
      this.status.textContent = '';
      this.dialog.dataset.state = 'error';
      replaceChildren(this.error, h('div', { class: 'notice notice--error' }, h('p', { class: 'notice__title' }, failure(error))));
      return;
    }
    if (id !== this.openId) return;
    const firstNew = this.shown;
    for (const item of page.items) this.body.append(this.row(item));
    this.shown += page.items.length;
    this.cursor = page.nextCursor;
    this.table.removeAttribute('aria-busy');
    this.more.disabled = false;
    const last = !this.cursor;
    const wasFocused = document.activeElement === this.more;
    this.more.hidden = last;
    const noun = this.calls ? 'llamadas' : 'solicitudes';
    this.status.textContent = this.shown === 0 ? `No hay ${noun} en esta cifra.` : `Se muestran ${count(this.shown)} de ${count(this.total)} ${noun}${last ? '.' : '; use «Cargar más» para ver las siguientes.'}`;
    this.dialog.dataset.state = last ? 'complete' : 'partial';
    if (wasFocused && last) this.body.rows[firstNew]?.cells[0]?.focus();
  }

  /** The cell that opens an item's conversation (or says it has none). */
  conversationCell(item) {
    return h(
      'td',
      { class: 'drill__conversation' },
      item.conversationId
        ? h('button', { type: 'button', class: 'btn--link drill__open-conversation', 'aria-haspopup': 'dialog', 'aria-label': `Ver la conversación ${item.conversationId}`, onclick: () => this.conversation.open(item.conversationId) }, h('code', {}, item.conversationId))
        : h('span', { class: 'muted' }, item.kind === 'walk_in' ? 'Oficio o visita (sin conversación)' : '—'),
    );
  }

  /** An outbound staff call: the number, who asked, the attempt, the result and what the records say of it. */
  callRow(item) {
    const c = item.call ?? {};
    const attempt = c.attempt ? (c.maxAttempts ? `${c.attempt} de ${c.maxAttempts}` : String(c.attempt)) : '—';
    const recorded = [
      c.status ? `estado de la llamada: ${c.status}` : null,
      c.lastResult && c.lastResult !== c.status ? `resultado de la solicitud: ${c.lastResult}` : null,
      REQUEST_STATES[c.requestStatus] ?? null,
    ].filter(Boolean).join('; ');
    return h(
      'tr',
      { 'data-id': item.id, 'data-kind': item.kind, 'data-fault': c.fault ? 'true' : 'false' },
      h('th', { scope: 'row', tabindex: '-1' }, item.localTime),
      h('td', {}, c.phone ?? '—'),
      h('td', {}, item.requester ?? '—'),
      h('td', {}, item.service ?? '—'),
      h('td', { class: 'num' }, attempt),
      h('td', { class: c.fault ? 'drill__fault' : null }, item.result),
      h('td', {}, recorded || '—'),
      h('td', { class: 'num' }, mss(item.durationSeconds)),
      this.conversationCell(item),
    );
  }

  row(item) {
    if (item.kind === 'outbound_call' && this.calls) return this.callRow(item);
    const tickets = item.tickets.length
      ? item.tickets.map((number) => h('button', { type: 'button', class: 'btn--link drill__ticket', 'aria-expanded': 'false', onclick: (e) => this.toggleTicket(e.currentTarget, number) }, number))
      : '—';
    return h(
      'tr',
      { 'data-id': item.id, 'data-kind': item.kind },
      h('th', { scope: 'row', tabindex: '-1' }, item.localTime),
      h('td', {}, label(CHANNEL_LABELS, item.channel)),
      h('td', {}, item.requester ?? '—'),
      h('td', {}, item.unit ?? '—'),
      h('td', {}, item.service ?? '—'),
      h('td', {}, item.result),
      h('td', { class: 'drill__tickets' }, tickets),
      h('td', {}, item.agent ?? '—'),
      h('td', { class: 'num' }, mss(item.waitSeconds)),
      this.conversationCell(item),
    );
  }

  /** Shows (or hides) a ticket's details in a row under the item's. */
  async toggleTicket(button, number) {
    const row = button.closest('tr');
    const open = row.nextElementSibling?.dataset.ticket === number ? row.nextElementSibling : null;
    for (const b of row.querySelectorAll('.drill__ticket')) b.setAttribute('aria-expanded', 'false');
    if (row.nextElementSibling?.classList.contains('drill__detail')) row.nextElementSibling.remove();
    if (open) return;
    button.setAttribute('aria-expanded', 'true');
    const cell = h('td', { colspan: '10' }, h('p', { class: 'loading', role: 'status' }, `Cargando el ticket ${number}…`));
    const detail = h('tr', { class: 'drill__detail', 'data-ticket': number }, cell);
    row.after(detail);
    try {
      const { ticket, history } = await this.api.request('GET', `/api/tickets/${encodeURIComponent(number)}`);
      const facts = [
        ['Tipo', label(TICKET_KIND_LABELS, ticket.kind)],
        ['Estado', ticket.statusLabel ?? ticket.status],
        ['Prioridad', ticket.priority ?? '—'],
        ['Grupo resolutor', ticket.resolverGroup ?? '—'],
        ['Servicio', ticket.serviceName ?? '—'],
        ['Registrado', formatDate(ticket.createdAt)],
        ['Descripción', ticket.description ?? '—'],
      ];
      replaceChildren(
        cell,
        h('p', { class: 'drill__detail-title' }, `Ticket ${ticket.number}`),
        h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
        history.length ? h('ol', { class: 'drill__history' }, history.map((e) => h('li', {}, `${formatDate(e.at)} — ${e.toStatusLabel ?? 'Nota'}${e.note ? `: ${e.note}` : ''} (${e.actor})`))) : null,
      );
    } catch (error) {
      replaceChildren(cell, h('p', { class: 'notice notice--error' }, failure(error)));
    }
  }

  closed() {
    this.openId += 1;
    this.conversation.close();
    if (this.opener instanceof HTMLElement && this.opener.isConnected) this.opener.focus();
  }

  /** Closes the dialog (the month changed, the page went away). */
  close() {
    this.conversation.close();
    if (this.dialog.open) this.dialog.close();
  }
}
