// «Atención»: the agent's presence and phone for calls, the queue of conversations waiting for an agent (with
// their live wait; phone calls marked «Llamada»), the agent's own conversations (offered ones first, to accept),
// the conversations other agents attend (coordination), the open conversation, and the form that registers
// requests that came by letter or in person.
import { ApiError } from './api.js';
import { ConversationPane } from './agent-conversation.js';
import { formatWait, personName } from './agent-format.js';
import { PhoneSetting } from './agent-phone.js';
import { focusElement, h, plural, replaceChildren, select, tabList, toast } from './dom.js';
import { messageOf } from './errors.js';
import { CHANNEL_LABELS, HANDOFF_REASON_LABELS, HANDOFF_STATUS_LABELS, PRESENCE_LABELS, label } from './labels.js';
import { WalkInForm } from './walk-in.js';
import { ATTENTION_ROLES } from './roles.js';

export { ATTENTION_ROLES };

/** Channel id of phone calls: the agent takes them on their own phone. */
const VOICE = 'voice';

const TABS = [
  { sub: '', label: 'Conversaciones', match: (s) => s === '' || s.startsWith('c/') },
  { sub: 'registrar', label: 'Registrar solicitud' },
];

const CONNECTION_TEXT = {
  connecting: 'Conectando…',
  open: 'En línea',
  waiting: 'Sin conexión; reintentando…',
  stopped: 'Desconectado',
};

export class AgentView {
  constructor(ctx) {
    this.ctx = ctx;
    this.api = ctx.api;
    this.desk = ctx.desk;
    this.subpath = '';
    this.pane = null;
    this.paneId = null;
    this.phone = new PhoneSetting({ api: this.api, snapshotRoute: () => this.desk?.snapshot?.me.voiceRoute ?? null });
    this.unsubscribe = this.desk ? this.desk.on((type, data) => this.onDesk(type, data)) : () => {};
    this.ticker = setInterval(() => this.tick(), 1000);
  }

  dispose() {
    this.unsubscribe();
    clearInterval(this.ticker);
    this.pane?.dispose();
    this.pane = null;
  }

  isDirty() {
    return false;
  }

  path(sub) {
    return sub ? `${this.ctx.basePath}/${sub}` : this.ctx.basePath;
  }

  async show(subpath, { focusHeading }) {
    if (!this.shell?.isConnected) this.buildShell();
    this.subpath = subpath;
    this.renderTabs(subpath);
    if (!this.desk || !ATTENTION_ROLES.includes(this.ctx.user.role)) {
      this.showForbidden(focusHeading);
      return;
    }
    if (!this.desk.snapshot) {
      try {
        const { snapshot } = await this.api.handoffSnapshot();
        // The socket's snapshot may have arrived meanwhile, and be newer.
        if (!this.desk.snapshot) this.desk.applySnapshot(snapshot);
      } catch (error) {
        if (error instanceof ApiError && error.status === 403) {
          this.showForbidden(focusHeading);
          return;
        }
        if (!(error instanceof ApiError && error.status === 401)) toast(messageOf(error), 'error');
      }
    }
    this.renderStatus();
    if (subpath === 'registrar') {
      this.closePane();
      this.ctx.setTitle('Registrar solicitud');
      this.walkIn = new WalkInForm({ api: this.api, desk: this.desk });
      replaceChildren(this.content, this.walkIn.render());
      if (focusHeading) focusElement(this.content.querySelector('h2') ?? this.heading);
      return;
    }
    const match = /^c\/([0-9a-fA-F-]{36})$/.exec(subpath);
    if (subpath !== '' && !match) {
      this.closePane();
      this.ctx.setTitle('Página no encontrada');
      replaceChildren(
        this.content,
        h('section', { class: 'panel' }, h('h2', { tabindex: '-1' }, 'Página no encontrada'), h('p', {}, 'Esta parte de la atención no existe. '), h('a', { href: this.path('') }, 'Volver a las conversaciones')),
      );
      if (focusHeading) focusElement(this.content.querySelector('h2'));
      return;
    }
    if (!this.layout?.isConnected) this.buildLayout();
    this.renderLists();
    const id = match ? match[1].toLowerCase() : null;
    if (id !== this.paneId) {
      this.closePane();
      this.paneId = id;
      if (id) {
        this.pane = new ConversationPane({
          desk: this.desk,
          api: this.api,
          handoffId: id,
          user: this.ctx.user,
          navigate: this.ctx.navigate,
          confirm: this.ctx.confirm,
          basePath: this.ctx.basePath,
        });
        replaceChildren(this.paneSlot, this.pane.render());
        this.pane.load();
      } else {
        replaceChildren(this.paneSlot, this.placeholder());
      }
    }
    this.ctx.setTitle(id ? `Conversación — Atención` : 'Atención');
    if (focusHeading) focusElement(id ? this.paneSlot.querySelector('h2') ?? this.heading : this.heading);
  }

  closePane() {
    this.pane?.dispose();
    this.pane = null;
    this.paneId = null;
  }

  // --- frame ------------------------------------------------------------------------------------------------
  buildShell() {
    this.heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Atención');
    this.status = h('section', { class: 'statusbar agent-status', 'aria-label': 'Presencia y conexión' });
    this.tabs = h('nav', { class: 'tabs', 'aria-label': 'Partes de la atención' });
    this.content = h('div', { class: 'page__content' });
    this.shell = h('div', { class: 'page' }, this.heading, this.status, this.phone.warning, this.tabs, this.content);
    replaceChildren(this.ctx.main, this.shell);
    this.layout = null;
  }

  buildLayout() {
    this.lists = h('div', { class: 'agent__lists' });
    this.paneSlot = h('div', { class: 'agent__pane' });
    this.layout = h('div', { class: 'agent' }, h('aside', { class: 'agent__side', 'aria-label': 'Conversaciones' }, this.lists), this.paneSlot);
    replaceChildren(this.content, this.layout);
    this.paneId = undefined;
  }

  placeholder() {
    return h(
      'section',
      { class: 'panel conv conv--empty' },
      h('h2', { tabindex: '-1' }, 'Ninguna conversación abierta'),
      h('p', { class: 'muted' }, 'Acepte una conversación de la fila o elija una de «Mis conversaciones» para verla aquí.'),
    );
  }

  showForbidden(focusHeading) {
    replaceChildren(this.status);
    replaceChildren(this.phone.warning);
    replaceChildren(this.tabs);
    this.ctx.setTitle('Sin permiso');
    replaceChildren(
      this.content,
      h(
        'div',
        { class: 'notice notice--warning', role: 'alert' },
        h('p', { class: 'notice__title' }, 'Su cuenta no atiende conversaciones'),
        h('p', {}, 'La atención en vivo es para las cuentas de agente, coordinación y administración. Los tickets de su grupo le llegan por correo.'),
      ),
    );
    if (focusHeading) focusElement(this.heading);
  }

  renderTabs(subpath) {
    const snapshot = this.desk?.snapshot;
    const count = (tab) =>
      tab.sub === '' && snapshot
        ? [h('span', { class: 'tabs__count', 'data-queue-count': '', title: 'En espera' }, String(snapshot.queueTotal ?? snapshot.queue.length)), h('span', { class: 'visually-hidden' }, ' en espera')]
        : null;
    replaceChildren(this.tabs, tabList(TABS, subpath, (sub) => this.path(sub), count));
  }


  // --- presence and connection ------------------------------------------------------------------------------
  renderStatus() {
    const s = this.desk?.snapshot;
    if (!s) {
      replaceChildren(this.status, h('p', { class: 'statusbar__item loading' }, 'Cargando la atención…'));
      return;
    }
    if (!this.presence) {
      this.presence = select(
        [
          ['available', PRESENCE_LABELS.available],
          ['busy', PRESENCE_LABELS.busy],
          ['away', PRESENCE_LABELS.away],
        ],
        s.me.status,
        { id: 'agent-presence', onchange: () => this.changePresence() },
      );
      this.connectionText = h('span', { class: 'agent-status__connection', 'data-connection': this.desk.connection });
      this.errorText = h('span', { class: 'agent-status__error' });
      this.groupsText = h('span', { class: 'statusbar__meta' });
    }
    if (document.activeElement !== this.presence) this.presence.value = s.me.status === 'offline' ? 'away' : s.me.status;
    this.groupsText.textContent = s.me.groups.length ? `Grupos: ${s.me.groups.join(', ')}` : 'Todos los grupos';
    this.renderConnection();
    this.phone.render();
    if (!this.status.contains(this.presence)) {
      replaceChildren(
        this.status,
        h(
          'div',
          { class: 'statusbar__facts' },
          h('p', { class: 'statusbar__item agent-status__presence' }, h('label', { for: 'agent-presence', class: 'field__label' }, 'Mi estado'), this.presence),
          h('p', { class: 'statusbar__item', role: 'status', 'aria-live': 'polite' }, this.connectionText, ' ', this.errorText),
          h('p', { class: 'statusbar__item' }, this.groupsText),
          this.phone.item,
        ),
      );
    }
  }

  renderConnection() {
    if (!this.connectionText) return;
    const state = this.desk.forbidden ? 'stopped' : this.desk.connection;
    this.connectionText.dataset.connection = state;
    this.connectionText.textContent = CONNECTION_TEXT[state] ?? state;
    this.errorText.textContent = this.desk.lastError ? ` ${this.desk.lastError}` : '';
  }

  async changePresence() {
    const status = this.presence.value;
    const before = this.desk.snapshot?.me.status;
    try {
      await this.api.setPresence(status);
      toast(`Su estado ahora es «${label(PRESENCE_LABELS, status)}».`, 'info');
    } catch (error) {
      toast(messageOf(error), 'error');
      if (before) this.presence.value = before === 'offline' ? 'away' : before;
    }
  }

  // --- lists ------------------------------------------------------------------------------------------------
  onDesk(type) {
    if (type === 'snapshot') {
      this.renderStatus();
      const count = this.tabs?.querySelector('[data-queue-count]');
      if (count) count.textContent = String(this.desk.snapshot.queueTotal ?? this.desk.snapshot.queue.length);
      else if (this.tabs?.isConnected) this.renderTabs(this.subpath);
      if (this.lists?.isConnected) this.renderLists();
    } else if (type === 'connection' || type === 'error') {
      this.renderConnection();
    }
  }

  renderLists() {
    const s = this.desk.snapshot;
    if (!s) {
      replaceChildren(this.lists, h('p', { class: 'loading', role: 'status' }, 'Cargando las conversaciones…'));
      return;
    }
    // Lists are drawn again on every snapshot: keep the focus on the same control.
    const active = document.activeElement;
    const focusKey = active && this.lists.contains(active) ? active.dataset.focusKey : null;
    const coordinator = this.ctx.user.role !== 'agent';
    const offered = s.mine.filter((v) => v.status === 'offered');
    const attended = s.mine.filter((v) => v.status !== 'offered');
    replaceChildren(
      this.lists,
      this.section(
        'agent-queue',
        'En espera',
        s.queueTotal ?? s.queue.length,
        s.queue.length === 0 ? 'Nadie espera en este momento.' : null,
        s.queue.map((v) => this.queueItem(v)),
        (s.queueTotal ?? 0) > s.queue.length ? `Se muestran las primeras ${s.queue.length} de ${s.queueTotal}, en orden de atención.` : null,
      ),
      this.section(
        'agent-mine',
        'Mis conversaciones',
        s.mine.length,
        s.mine.length === 0 ? 'No tiene conversaciones a su cargo.' : null,
        [...offered, ...attended].map((v) => this.mineItem(v)),
      ),
      coordinator
        ? this.section('agent-others', 'Atendidas por otros agentes', s.others.length, s.others.length === 0 ? 'Nadie más atiende conversaciones ahora.' : null, s.others.map((v) => this.otherItem(v)))
        : null,
    );
    if (focusKey) this.lists.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
    this.tick();
  }

  section(id, title, count, emptyText, items, footnote = null) {
    return h(
      'section',
      { class: 'agent-list', 'aria-labelledby': `${id}-title` },
      h('h2', { class: 'agent-list__title', id: `${id}-title` }, title, ' ', h('span', { class: 'tabs__count' }, String(count))),
      emptyText ? h('p', { class: 'agent-list__empty muted' }, emptyText) : h('ul', { class: 'agent-list__items', id }, items),
      footnote ? h('p', { class: 'agent-list__empty muted' }, footnote) : null,
    );
  }

  waitSpan(v) {
    const since = this.desk.receivedAt - (Number(v.waitSeconds) || 0) * 1000;
    return h('span', { class: 'qitem__wait', 'data-wait-since': String(since) }, formatWait((Date.now() - since) / 1000));
  }

  queueItem(v) {
    const name = personName(v);
    return h(
      'li',
      { class: `qitem${v.priority > 0 ? ' qitem--priority' : ''}`, 'data-handoff-id': v.id },
      h(
        'div',
        { class: 'qitem__head' },
        h('span', { class: 'qitem__name' }, name),
        callBadge(v),
        v.priority > 0 ? h('span', { class: 'badge badge--warning badge--small' }, `Prioridad ${v.priority}`) : null,
      ),
      h('p', { class: 'qitem__meta' }, [v.resolverGroup, label(CHANNEL_LABELS, v.channel), v.position ? `Lugar ${v.position} en la fila` : null].filter(Boolean).join(' · ')),
      v.status === 'offered' && v.agent ? h('p', { class: 'qitem__note' }, `Ofrecida a ${v.agent.displayName}, sin aceptar todavía`) : null,
      h('p', { class: 'qitem__reason' }, label(HANDOFF_REASON_LABELS, v.reason), v.requeues > 0 ? ` · regresó a la fila ${plural(v.requeues, 'vez', 'veces')}` : ''),
      v.transferNote ? h('p', { class: 'qitem__note' }, `Nota de transferencia: ${v.transferNote}`) : null,
      v.preview ? h('p', { class: 'qitem__preview' }, `«${v.preview}»`) : null,
      h(
        'div',
        { class: 'qitem__foot' },
        h('span', {}, 'En espera ', this.waitSpan(v)),
        this.acceptButton(v, name),
      ),
    );
  }

  mineItem(v) {
    const name = personName(v);
    const open = v.id === this.paneId;
    const offered = v.status === 'offered';
    return h(
      'li',
      { class: `qitem qitem--mine${offered ? ' qitem--offered' : ''}${open ? ' qitem--open' : ''}`, 'data-handoff-id': v.id },
      h(
        'div',
        { class: 'qitem__head' },
        h('a', { href: this.path(`c/${v.id}`), class: 'qitem__name', 'data-focus-key': `open-${v.id}`, 'aria-current': open ? 'true' : false }, name),
        callBadge(v),
        h('span', { class: `badge badge--small ${offered ? 'badge--warning' : 'badge--ok'}` }, label(HANDOFF_STATUS_LABELS, v.status)),
      ),
      h('p', { class: 'qitem__meta' }, [v.resolverGroup, label(CHANNEL_LABELS, v.channel), v.ticketNumber ? `Ticket ${v.ticketNumber}` : null].filter(Boolean).join(' · ')),
      v.transferNote ? h('p', { class: 'qitem__note' }, `Nota de transferencia: ${v.transferNote}`) : null,
      v.preview ? h('p', { class: 'qitem__preview' }, `«${v.preview}»`) : null,
      h(
        'div',
        { class: 'qitem__foot' },
        h('span', {}, offered ? 'Esperando ' : 'Desde ', this.waitSpan(v)),
        offered
          ? this.acceptButton(v, name)
          : null,
      ),
    );
  }

  otherItem(v) {
    return h(
      'li',
      { class: `qitem${v.id === this.paneId ? ' qitem--open' : ''}`, 'data-handoff-id': v.id },
      h('div', { class: 'qitem__head' }, h('a', { href: this.path(`c/${v.id}`), class: 'qitem__name', 'data-focus-key': `open-${v.id}` }, personName(v)), callBadge(v)),
      h('p', { class: 'qitem__meta' }, [v.agent ? `La atiende ${v.agent.displayName}` : null, v.resolverGroup, label(CHANNEL_LABELS, v.channel)].filter(Boolean).join(' · ')),
      h('div', { class: 'qitem__foot' }, h('span', {}, 'Desde ', this.waitSpan(v))),
    );
  }

  /** Updates every wait on screen (once a second). */
  tick() {
    if (!this.shell?.isConnected) return;
    const now = Date.now();
    for (const el of this.shell.querySelectorAll('[data-wait-since]')) {
      el.textContent = formatWait((now - Number(el.dataset.waitSince)) / 1000);
    }
  }

  acceptButton(v, name) {
    const call = v.channel === VOICE;
    return h(
      'button',
      {
        type: 'button',
        class: 'btn btn--primary btn--small',
        'data-focus-key': `accept-${v.id}`,
        'aria-label': call ? `Aceptar la llamada de ${name}` : `Aceptar la conversación de ${name}`,
        onclick: (e) => this.accept(v, e.currentTarget),
      },
      'Aceptar',
    );
  }

  async accept(v, button) {
    if (button) button.disabled = true;
    try {
      const { handoff } = await this.api.acceptHandoff(v.id);
      const who = personName(handoff ?? v);
      toast(v.channel === VOICE ? `Aceptó la llamada de ${who}: en un momento sonará su teléfono.` : `Aceptó la conversación de ${who}.`);
      await this.ctx.navigate(this.path(`c/${v.id}`));
    } catch (error) {
      toast(messageOf(error), 'error');
      // The server refused a call for want of a phone: the warning shows at once, with its button.
      if (error instanceof ApiError && error.code === 'NoPhoneConfigured') this.phone.learned(null);
      if (button?.isConnected) button.disabled = false;
    }
  }
}

/** «☎ Llamada» on a phone call in the lists (the channel's name, «Teléfono», is in the line below). */
function callBadge(v) {
  if (v.channel !== VOICE) return null;
  return h('span', { class: 'badge badge--small badge--call', 'data-call': '' }, h('span', { class: 'badge__icon', 'aria-hidden': 'true' }, '☎'), ' Llamada');
}
