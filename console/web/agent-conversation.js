// One conversation in the agent's console: the whole transcript (person, bot, agent and automatic lines look
// different), what the bot collected before handing over, the person's earlier tickets, and — while the agent
// attends it — the reply box (Enter sends), the protocol phrases and «Crear ticket», «Transferir», «Regresar al
// bot», «Cerrar». New lines arrive through the desk (the socket), each once.
import { ApiError } from './api.js';
import { ticketDialog, transferDialog } from './agent-dialogs.js';
import { personName, randomId, retryBlock } from './agent-format.js';
import { formatDate, formatPercent, h, replaceChildren, toast } from './dom.js';
import { errorBlock, messageOf } from './errors.js';
import {
  CHANNEL_LABELS,
  DECISION_LABELS,
  HANDOFF_REASON_LABELS,
  HANDOFF_STATUS_LABELS,
  PERSON_FIELD_LABELS,
  REQUESTER_ROLE_LABELS,
  TICKET_STATUS_LABELS,
  TRANSCRIPT_FROM_LABELS,
  URGENCY_LABELS,
  label,
} from './labels.js';

const TYPING_EVERY_MS = 3000;
/** Only our own download route is linked; anything else a transcript line names is shown as text. */
const ATTACHMENT_URL = /^\/api\/attachments\/[A-Za-z0-9-]{1,64}$/;
const timeFormat = new Intl.DateTimeFormat('es-MX', { timeZone: 'America/Mexico_City', hour: '2-digit', minute: '2-digit' });

/** Drafts of unsent replies, per handoff, kept while the page lives. */
const drafts = new Map();

function timeOf(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : timeFormat.format(date);
}

export class ConversationPane {
  constructor({ desk, api, handoffId, user, navigate, confirm, basePath }) {
    this.desk = desk;
    this.api = api;
    this.id = handoffId;
    this.user = user;
    this.navigate = navigate;
    this.confirm = confirm;
    this.basePath = basePath;
    this.detail = null;
    this.view = null;
    this.rendered = new Set();
    this.renderedMax = 0;
    this.lastTypingSent = 0;
    this.pending = null;
    this.sending = false;
    this.refetching = false;
    this.disposed = false;
    this.unsubscribe = desk.on((type, data) => this.onDesk(type, data));
    this.typingTimer = null;
  }

  dispose() {
    this.disposed = true;
    this.unsubscribe();
    clearTimeout(this.typingTimer);
  }

  get conversationId() {
    return this.view?.conversationId ?? this.detail?.handoff.conversationId ?? null;
  }

  /** Mine to answer: assigned to this agent. */
  get attending() {
    return this.view?.status === 'assigned' && this.view.agent?.userId === this.user.id;
  }

  render() {
    this.root = h('section', { class: 'panel conv', 'aria-labelledby': 'conv-title' }, h('p', { class: 'loading', role: 'status' }, 'Cargando la conversación…'));
    return this.root;
  }

  async load() {
    try {
      const detail = await this.api.handoffDetail(this.id);
      if (this.disposed) return;
      this.detail = detail;
      this.view = this.desk.find(this.id) ?? detail.handoff;
      this.desk.merge(detail.handoff.conversationId, detail.transcript);
      this.desk.follow(detail.handoff.conversationId, detail.watermark);
      this.build();
    } catch (error) {
      if (this.disposed) return;
      const gone = error instanceof ApiError && (error.status === 403 || error.status === 404);
      replaceChildren(
        this.root,
        h('h2', { id: 'conv-title', tabindex: '-1' }, gone ? 'Conversación no disponible' : 'No se pudo abrir la conversación'),
        gone ? h('div', { class: 'notice notice--warning', role: 'alert' }, h('p', {}, messageOf(error))) : retryBlock(error, () => this.load()),
        h('a', { href: this.basePath }, 'Volver a las conversaciones'),
      );
    }
  }

  // --- layout -----------------------------------------------------------------------------------------------
  build() {
    this.title = h('h2', { id: 'conv-title', class: 'conv__title', tabindex: '-1' });
    this.meta = h('p', { class: 'conv__meta' });
    this.actions = h('div', { class: 'conv__actions' });
    this.stateNote = h('div', { class: 'conv__state', role: 'status', 'aria-live': 'polite' });
    this.transcript = h('ol', { class: 'transcript', role: 'log', 'aria-label': 'Mensajes de la conversación', tabindex: '0' });
    this.typingNote = h('p', { class: 'conv__typing', 'aria-live': 'polite' });
    this.phrases = h('div', { class: 'conv__phrases', role: 'group', 'aria-label': 'Frases del protocolo' });
    this.reply = this.buildReply();
    this.root.classList.add('conv--loaded');
    replaceChildren(
      this.root,
      h('header', { class: 'conv__header' }, h('div', { class: 'conv__heading' }, this.title, this.meta), this.actions),
      this.stateNote,
      h(
        'div',
        { class: 'conv__body' },
        h('div', { class: 'conv__main' }, this.transcript, this.typingNote, this.phrases, this.reply),
        h('aside', { class: 'conv__context', 'aria-label': 'Contexto de la conversación' }, this.renderContext(), this.renderPriorTickets()),
      ),
    );
    this.renderLines();
    this.renderState();
    this.transcript.scrollTop = this.transcript.scrollHeight;
  }

  buildReply() {
    this.replyText = h('textarea', { id: 'agent-reply', rows: '3', maxlength: '4000', 'aria-describedby': 'agent-reply-hint agent-reply-error' });
    this.replyText.value = drafts.get(this.id) ?? '';
    this.replyText.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.send();
      }
    });
    this.replyText.addEventListener('input', () => this.onInput());
    this.replyError = h('p', { class: 'field__error', id: 'agent-reply-error', role: 'alert', hidden: true });
    this.sendButton = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Enviar');
    return h(
      'form',
      { class: 'conv__reply', novalidate: true, onsubmit: (e) => { e.preventDefault(); this.send(); } },
      h('label', { for: 'agent-reply', class: 'field__label' }, 'Respuesta para la persona'),
      h('p', { class: 'field__hint', id: 'agent-reply-hint' }, 'Enter envía; Mayús+Enter agrega un renglón.'),
      h('div', { class: 'conv__reply-row' }, this.replyText, this.sendButton),
      this.replyError,
    );
  }

  renderHeader() {
    const v = this.view;
    this.title.textContent = personName(v);
    const parts = [
      label(CHANNEL_LABELS, v.channel),
      v.resolverGroup,
      label(HANDOFF_REASON_LABELS, v.reason),
      v.agent ? (v.agent.userId === this.user.id ? 'La atiende usted' : `La atiende ${v.agent.displayName}`) : null,
      v.ticketNumber ? `Ticket ${v.ticketNumber}` : null,
    ].filter(Boolean);
    replaceChildren(this.meta, h('span', { class: `badge badge--small badge--status-${v.status}` }, label(HANDOFF_STATUS_LABELS, v.status)), ' ', parts.join(' · '));
  }

  renderState() {
    if (!this.view) return;
    this.renderHeader();
    const v = this.view;
    const mineToAccept = v.status === 'queued' || (v.status === 'offered' && (!v.agent || v.agent.userId === this.user.id));
    const buttons = [];
    if (mineToAccept) {
      buttons.push(h('button', { type: 'button', class: 'btn btn--primary', onclick: (e) => this.accept(e.currentTarget) }, 'Aceptar'));
    }
    if (this.attending) {
      buttons.push(
        h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.createTicket() }, 'Crear ticket'),
        h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.transfer() }, 'Transferir'),
        h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.returnToBot() }, 'Regresar al bot'),
        h('button', { type: 'button', class: 'btn btn--danger', onclick: () => this.close() }, 'Cerrar'),
      );
    }
    replaceChildren(this.actions, buttons);
    this.reply.hidden = !this.attending;
    this.phrases.hidden = !this.attending;
    if (this.attending) this.renderPhrases();
    let note = null;
    if (v.status === 'closed' || v.status === 'cancelled') note = 'La conversación terminó.';
    else if (v.status === 'assigned' && !this.attending) note = `La atiende ${v.agent?.displayName ?? 'otro agente'}; usted la ve sin poder responder.`;
    else if (mineToAccept) note = 'Acepte la conversación para responder.';
    else if (this.lost) note = 'Esta conversación ya no está a su cargo.';
    replaceChildren(this.stateNote, note ? h('p', { class: 'notice notice--info' }, note) : null);
  }

  renderPhrases() {
    const phrases = this.desk.snapshot?.phrases ?? [];
    replaceChildren(
      this.phrases,
      phrases.map((p) => h('button', { type: 'button', class: 'btn btn--secondary btn--small', title: p.text, 'data-phrase': p.key, onclick: (e) => this.sendPhrase(p, e.currentTarget) }, p.label)),
    );
  }

  // --- transcript -------------------------------------------------------------------------------------------
  lineItem(line) {
    const who = line.name || label(TRANSCRIPT_FROM_LABELS, line.from);
    return h(
      'li',
      { class: `line line--${line.from}`, 'data-seq': String(line.seq) },
      h('p', { class: 'line__meta' }, h('span', { class: 'line__who' }, who), line.from === 'system' ? h('span', { class: 'line__kind' }, ' · automático') : null, ' ', h('time', { datetime: line.at }, timeOf(line.at))),
      line.text || !this.hasFiles(line) ? h('p', { class: 'line__text' }, line.text) : null,
      this.fileList(line),
    );
  }

  hasFiles(line) {
    return line.from === 'person' && Array.isArray(line.attachments) && line.attachments.length > 0;
  }

  /** The files the person attached, as download links (never shown inline). */
  fileList(line) {
    if (!this.hasFiles(line)) return null;
    return h(
      'ul',
      { class: 'line__files', 'aria-label': 'Archivos adjuntos' },
      line.attachments.map((file) => {
        const name = typeof file?.name === 'string' && file.name.trim() !== '' ? file.name : 'Archivo adjunto';
        const url = typeof file?.contentUrl === 'string' && file.contentUrl.startsWith('/api/attachments/') && ATTACHMENT_URL.test(file.contentUrl) ? file.contentUrl : null;
        return h(
          'li',
          { class: 'line__file' },
          url ? h('a', { href: url, download: name, rel: 'noopener noreferrer', title: `Descargar ${name}` }, name) : h('span', { class: 'muted' }, `${name} (no disponible)`),
        );
      }),
    );
  }

  /** Appends the lines not shown yet; a line older than the last shown (a gap filled late) redraws the list. */
  renderLines() {
    const cid = this.conversationId;
    if (!cid || !this.transcript) return;
    const lines = this.desk.lines(cid);
    const missing = lines.filter((l) => !this.rendered.has(l.seq));
    if (missing.length === 0) {
      if (lines.length === 0 && !this.transcript.firstChild) this.transcript.append(h('li', { class: 'transcript__empty muted' }, 'Todavía no hay mensajes.'));
      return;
    }
    const nearBottom = this.transcript.scrollHeight - this.transcript.scrollTop - this.transcript.clientHeight < 80;
    this.transcript.querySelector('.transcript__empty')?.remove();
    if (missing.some((l) => l.seq < this.renderedMax)) {
      replaceChildren(this.transcript, lines.map((l) => this.lineItem(l)));
    } else {
      for (const line of missing) this.transcript.append(this.lineItem(line));
    }
    for (const line of missing) this.rendered.add(line.seq);
    this.renderedMax = Math.max(this.renderedMax, ...missing.map((l) => l.seq));
    if (nearBottom || missing.some((l) => l.from === 'agent')) this.transcript.scrollTop = this.transcript.scrollHeight;
    if (missing.some((l) => l.from === 'person')) this.showTyping(false);
  }

  showTyping(on) {
    clearTimeout(this.typingTimer);
    this.typingNote.textContent = on ? 'La persona está escribiendo…' : '';
    if (on) this.typingTimer = setTimeout(() => this.showTyping(false), 5000);
  }

  // --- context ----------------------------------------------------------------------------------------------
  renderContext() {
    const ctx = this.detail.context ?? {};
    const rows = [];
    const row = (term, ...value) => rows.push(h('dt', {}, term), h('dd', {}, ...value));
    if (ctx.request) row('Solicitud', ctx.request);
    for (const [key, value] of Object.entries(ctx.person ?? {})) {
      if (value === null || value === undefined || value === '') continue;
      const text = typeof value === 'boolean' ? (value ? 'Sí' : 'No') : key === 'role' ? label(REQUESTER_ROLE_LABELS, value) : String(value);
      row(label(PERSON_FIELD_LABELS, key), text);
    }
    if (ctx.route) {
      const r = ctx.route;
      const service = r.name || r.code;
      row('Decisión del catálogo', `${label(DECISION_LABELS, r.decision)}${service ? ` — ${service}` : ''}${r.code && r.name ? ` (${r.code})` : ''}`, h('span', { class: 'facts__help' }, `Confianza ${formatPercent(r.confidence)}`));
    }
    if (ctx.urgency) row('Urgencia', label(URGENCY_LABELS, ctx.urgency));
    if (ctx.diagnostics?.length) {
      row('Diagnóstico', h('ul', { class: 'context__list' }, ctx.diagnostics.map((d) => h('li', {}, h('span', { class: 'context__q' }, d.question), ' ', h('strong', {}, d.answer)))));
    }
    if (ctx.summaries?.length) row('Lo que se hizo', h('ul', { class: 'context__list' }, ctx.summaries.map((s) => h('li', {}, s))));
    if (ctx.cues?.length) row('Señales', h('ul', { class: 'context__cues' }, ctx.cues.map((c) => h('li', {}, h('code', {}, c)))));
    if (this.view?.transferNote) row('Nota de transferencia', this.view.transferNote);
    return h(
      'section',
      { class: 'context', 'aria-labelledby': 'context-title' },
      h('h3', { id: 'context-title' }, 'Lo que sabe el bot'),
      rows.length ? h('dl', { class: 'facts facts--context' }, rows) : h('p', { class: 'muted' }, 'El bot no reunió datos antes de comunicarla.'),
    );
  }

  renderPriorTickets() {
    const tickets = this.detail.priorTickets ?? [];
    return h(
      'section',
      { class: 'context', 'aria-labelledby': 'prior-title' },
      h('h3', { id: 'prior-title' }, 'Tickets anteriores'),
      tickets.length === 0
        ? h('p', { class: 'muted' }, 'La persona no tiene tickets anteriores.')
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'table table--compact' },
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Número'), h('th', { scope: 'col' }, 'Estado'), h('th', { scope: 'col' }, 'Servicio'), h('th', { scope: 'col' }, 'Fecha'))),
              h(
                'tbody',
                {},
                tickets.map((t) => h('tr', {}, h('th', { scope: 'row' }, t.number), h('td', {}, label(TICKET_STATUS_LABELS, t.status)), h('td', {}, t.serviceName ?? '—'), h('td', {}, formatDate(t.createdAt)))),
              ),
            ),
          ),
    );
  }

  // --- desk events ------------------------------------------------------------------------------------------
  onDesk(type, data) {
    if (this.disposed || !this.detail) return;
    if (type === 'transcript' && data.conversationId === this.conversationId) this.renderLines();
    else if (type === 'typing' && data.conversationId === this.conversationId) this.showTyping(true);
    else if (type === 'snapshot') this.onSnapshot();
  }

  onSnapshot() {
    const found = this.desk.find(this.id);
    if (found) {
      const changed = JSON.stringify(found) !== JSON.stringify(this.view);
      this.view = found;
      this.lost = false;
      if (changed) this.renderState();
      else if (this.attending) this.renderPhrases();
      return;
    }
    // Not listed any more: closed, returned, transferred, or taken by someone else. Ask what became of it.
    if (this.refetching) return;
    this.refetching = true;
    this.api
      .handoffDetail(this.id)
      .then((detail) => {
        if (this.disposed) return;
        this.view = detail.handoff;
        this.desk.merge(detail.handoff.conversationId, detail.transcript);
        this.renderLines();
      })
      .catch(() => {
        if (this.disposed) return;
        this.lost = true;
        if (this.view) this.view = { ...this.view, status: this.view.status === 'assigned' ? 'closed' : this.view.status, agent: this.view.agent };
      })
      .finally(() => {
        this.refetching = false;
        if (!this.disposed) this.renderState();
      });
  }

  // --- actions ----------------------------------------------------------------------------------------------
  onInput() {
    const text = this.replyText.value;
    if (text) drafts.set(this.id, text);
    else drafts.delete(this.id);
    this.replyError.hidden = true;
    const now = Date.now();
    if (text.trim() && this.attending && now - this.lastTypingSent >= TYPING_EVERY_MS) {
      this.lastTypingSent = now;
      this.desk.typing(this.id);
    }
  }

  async send() {
    const text = this.replyText.value.trim();
    if (!text || this.sending || !this.attending) return;
    // A retry of the same text keeps its id, so a send that did arrive is not recorded twice.
    if (!this.pending || this.pending.text !== text) this.pending = { text, clientId: randomId() };
    this.sending = true;
    this.sendButton.disabled = true;
    this.sendButton.setAttribute('aria-busy', 'true');
    try {
      await this.api.sendReply(this.id, text, this.pending.clientId);
      this.pending = null;
      if (this.replyText.value.trim() === text) this.replyText.value = '';
      drafts.delete(this.id);
      this.lastTypingSent = 0;
    } catch (error) {
      this.replyError.textContent = `No se envió: ${messageOf(error)}`;
      this.replyError.hidden = false;
    } finally {
      this.sending = false;
      this.sendButton.disabled = false;
      this.sendButton.removeAttribute('aria-busy');
      if (this.replyText.isConnected) this.replyText.focus();
    }
  }

  async sendPhrase(phrase, button) {
    button.disabled = true;
    try {
      await this.api.sendPhrase(this.id, phrase.key);
    } catch (error) {
      toast(messageOf(error), 'error');
    } finally {
      button.disabled = false;
    }
  }

  async accept(button) {
    button.disabled = true;
    try {
      const { handoff } = await this.api.acceptHandoff(this.id);
      if (handoff) this.view = handoff;
      toast(`Aceptó la conversación de ${personName(this.view)}.`);
      this.renderState();
      this.replyText?.focus();
    } catch (error) {
      toast(messageOf(error), 'error');
      if (button.isConnected) button.disabled = false;
    }
  }

  async createTicket() {
    try {
      const groups = (this.desk.snapshot?.groups ?? []).map((g) => g.name);
      const created = await ticketDialog({ api: this.api, handoffId: this.id, groups });
      if (created) {
        toast(`Se registró el ticket ${created.number}.`);
        this.view = { ...this.view, ticketNumber: created.number };
        this.renderHeader();
      }
    } catch (error) {
      toast(messageOf(error), 'error');
    }
  }

  async transfer() {
    const ok = await transferDialog({ api: this.api, handoffId: this.id, snapshot: this.desk.snapshot, me: this.user.id });
    if (!ok) return;
    toast('Se transfirió la conversación.');
    await this.navigate(this.basePath);
  }

  async returnToBot() {
    const ok = await this.confirm({
      title: 'Regresar la conversación al bot',
      message: 'El bot retomará la conversación y preguntará a la persona si hay algo más en que pueda ayudarle. ¿Desea regresarla?',
      confirmLabel: 'Regresar al bot',
    });
    if (!ok) return;
    try {
      await this.api.returnToBot(this.id);
      toast('La conversación regresó al bot.');
      await this.navigate(this.basePath);
    } catch (error) {
      this.showActionError(error);
    }
  }

  async close() {
    const ok = await this.confirm({
      title: 'Cerrar la conversación',
      message: 'Antes de cerrar, despídase de la persona (frase «Despedida»). Al cerrar ya no podrá escribirle. ¿Desea cerrarla?',
      confirmLabel: 'Cerrar conversación',
      danger: true,
    });
    if (!ok) return;
    try {
      await this.api.closeHandoff(this.id);
      toast('Se cerró la conversación.');
      await this.navigate(this.basePath);
    } catch (error) {
      this.showActionError(error);
    }
  }

  showActionError(error) {
    replaceChildren(this.stateNote, h('div', { role: 'alert' }, errorBlock(error)));
  }
}
