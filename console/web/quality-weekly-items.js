// «Resumen semanal por agente»: the conversations behind an agent's «Conversaciones» number, in a modal <dialog>
// (`GET /api/reports/weekly/items?week=&agentId=`, the same handoffs the number counts). Each row's «Ver» opens that
// conversation's transcript in the same dialog (`GET /api/conversations/:id`, transcript-view.js); «Volver a la lista»
// goes back. Escape or «Cerrar» closes it and focus returns to the number.
import { formatDate, h, nextId, replaceChildren } from './dom.js';
import { CHANNEL_LABELS, label } from './labels.js';
import { clock, errorNotice, errorText, table } from './quality-format.js';
import { frameDialog } from './report-drill.js';
import { transcriptList } from './transcript-view.js';

/** The agent's week list and the conversations opened from it; one per page, reused for every agent. */
export class WeeklyItemsDialog {
  constructor(api) {
    this.api = api;
    /** Each opening has a number: answers of an earlier one are dropped. */
    this.openId = 0;
    const titleId = nextId('weekly-items-title');
    this.body = h('div', { class: 'weekly-items__body' });
    ({ dialog: this.dialog, heading: this.heading } = frameDialog({ className: 'drill weekly-items', titleId, content: [this.body], onClosed: () => this.closed() }));
  }

  /** The dialog's element (to be placed in the page). */
  get element() {
    return this.dialog;
  }

  /** Opens the list of `agent` ({ agentId, name }) for `week`; resolves once it (or its error) is shown. */
  async open(week, agent) {
    const openId = ++this.openId;
    this.opener = document.activeElement;
    this.week = week;
    this.agent = agent;
    this.heading.textContent = `Conversaciones de ${agent.name} — semana ${week}`;
    this.dialog.dataset.state = 'loading';
    replaceChildren(this.body, h('p', { class: 'loading', role: 'status' }, 'Cargando las conversaciones…'));
    if (!this.dialog.open) this.dialog.showModal();
    this.heading.focus();
    try {
      this.data = await this.api.request('GET', `/api/reports/weekly/items?week=${encodeURIComponent(week)}&agentId=${encodeURIComponent(agent.agentId)}`);
    } catch (error) {
      if (openId !== this.openId) return;
      this.dialog.dataset.state = 'error';
      replaceChildren(this.body, h('div', { role: 'alert' }, errorNotice(errorText(error, 'Su cuenta no tiene permiso para ver esta lista.'))));
      return;
    }
    if (openId !== this.openId) return;
    this.showList();
  }

  /** The list (again), focus on the heading or on the row's «Ver» it came back from. */
  showList(back = null) {
    const items = this.data.items;
    this.heading.textContent = `Conversaciones de ${this.agent.name} — semana ${this.week}`;
    replaceChildren(
      this.body,
      h('p', { class: 'muted drill__lead' }, `${items.length} ${items.length === 1 ? 'conversación aceptada' : 'conversaciones aceptadas'} en la semana (chat, correo y mensajería), de la más antigua a la más reciente.`),
      items.length === 0
        ? h('p', { class: 'muted' }, 'No aceptó conversaciones en esta semana.')
        : h(
            'div',
            { class: 'drill__wrap' },
            table({
              caption: `Conversaciones que ${this.agent.name} aceptó en la semana ${this.week}`,
              className: 'drill__table weekly-items__table',
              columns: ['Aceptada', 'Medio', 'Grupo', { label: 'Espera', num: true }, { label: 'Atención', num: true }, 'Estado', 'Conversación'],
              rows: items.map((i) =>
                h(
                  'tr',
                  { 'data-conversation': i.conversationId },
                  h('th', { scope: 'row' }, formatDate(i.acceptedAt)),
                  h('td', {}, label(CHANNEL_LABELS, i.channel)),
                  h('td', {}, i.resolverGroup),
                  h('td', { class: 'num' }, clock(i.waitSeconds)),
                  h('td', { class: 'num' }, clock(i.handleSeconds)),
                  h('td', {}, i.closedAt ? `Cerrada ${formatDate(i.closedAt)}` : 'Sin cerrar'),
                  h('td', {}, h('button', { type: 'button', class: 'btn btn--link', 'data-open': i.conversationId, onclick: () => this.showConversation(i.conversationId) }, 'Ver ', h('code', {}, i.conversationId))),
                ),
              ),
            }),
          ),
    );
    this.dialog.dataset.state = 'complete';
    const target = back ? this.body.querySelector(`[data-open="${CSS.escape(back)}"]`) : null;
    (target ?? this.heading).focus();
  }

  /** Conversation `id`'s transcript in place of the list. */
  async showConversation(id) {
    const openId = ++this.openId;
    const linesId = nextId('weekly-items-lines');
    const back = h('button', { type: 'button', class: 'btn btn--secondary btn--small', onclick: () => this.showList(id) }, '← Volver a la lista');
    this.heading.textContent = `Conversación ${id}`;
    this.dialog.dataset.state = 'loading';
    replaceChildren(this.body, back, h('p', { class: 'loading', role: 'status' }, 'Cargando la conversación…'));
    this.heading.focus();
    let data;
    try {
      data = await this.api.request('GET', `/api/conversations/${encodeURIComponent(id)}`);
    } catch (error) {
      if (openId !== this.openId) return;
      this.dialog.dataset.state = 'error';
      replaceChildren(this.body, back, h('div', { role: 'alert' }, errorNotice(errorText(error, 'Su cuenta no tiene permiso para ver esta conversación.'))));
      return;
    }
    if (openId !== this.openId) return;
    replaceChildren(
      this.body,
      back,
      h('p', { class: 'muted' }, `${label(CHANNEL_LABELS, data.conversation.channel)}, desde ${formatDate(data.conversation.createdAt)}.`),
      h('h3', { id: linesId }, 'Mensajes'),
      transcriptList(data.transcript, { labelledBy: linesId, className: 'conversation__lines' }),
    );
    this.dialog.dataset.state = 'conversation';
  }

  closed() {
    this.openId += 1;
    if (this.opener instanceof HTMLElement && this.opener.isConnected) this.opener.focus();
  }
}
