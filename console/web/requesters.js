// «Solicitantes» (coordinators and admins): the people who ask the desk for help, one record per person across
// channels. Search, look at one record (identities, tickets), merge another record into it («Fusionar con…») or
// split identities off into a new one («Separar…»). Every change asks for a reason and is audited by the server.
import { ApiError } from './api.js';
import { field, focusElement, formatDate, h, nextId, plural, replaceChildren, toast } from './dom.js';
import { errorBlock } from './errors.js';
import { CHANNEL_LABELS, REQUESTER_ROLE_LABELS, TICKET_KIND_LABELS, TICKET_STATUS_LABELS, label } from './labels.js';
import { openDialog } from './modal.js';
import { REQUESTER_ROLES } from './roles.js';

export { REQUESTER_ROLES };

/** The channel of an identity, as coordinators call it. */
export const IDENTITY_KIND_LABELS = { webchat: 'Chat web', facebook: 'Messenger', x: 'X', email: 'Correo', voice: 'Teléfono', sms: 'SMS', whatsapp: 'WhatsApp' };
const PROOF_LABELS = { channel: 'El canal lo comprueba', sender: 'Correo recibido de esa dirección', code: 'Código de verificación', coordinator: 'Asignada por coordinación' };
const FIELD_NAMES = { name: 'nombre', unit: 'unidad', role: 'tipo de usuario', extension: 'extensión', email: 'correo', phone: 'teléfono' };
const MOVED_NAMES = [
  ['identities', 'identidad', 'identidades'],
  ['tickets', 'ticket', 'tickets'],
  ['attentions', 'atención', 'atenciones'],
  ['callbacks', 'llamada por devolver', 'llamadas por devolver'],
  ['identityCodes', 'código de verificación', 'códigos de verificación'],
  ['handoffs', 'conversación con agente', 'conversaciones con agente'],
];

const kindLabel = (kind) => label(IDENTITY_KIND_LABELS, kind);
const nameOf = (r) => r.name || 'Solicitante sin nombre';
const identityText = (i) => `${kindLabel(i.kind)}: ${i.value}`;
/** The API's Spanish message alone: its field paths (`reason`, `from[0]`) mean nothing to the person. */
async function plainErrors(run) {
  try {
    return await run();
  } catch (error) {
    throw error instanceof ApiError ? new ApiError(error.status, error.code, error.message) : error;
  }
}
const requesterUrl = (base, id, q) => `${base}/${encodeURIComponent(id)}${q ? `?q=${encodeURIComponent(q)}` : ''}`;

/** «2 identidades, 1 ticket» from the API's `moved` counts (only what moved). */
function movedText(moved) {
  const parts = MOVED_NAMES.filter(([key]) => moved[key] > 0).map(([key, one, many]) => plural(moved[key], one, many));
  return parts.length > 0 ? parts.join(', ') : 'nada más que la ficha';
}

export class RequestersView {
  constructor(ctx) {
    this.ctx = ctx;
    this.api = ctx.api;
    this.query = null;
    this.results = null;
    this.detail = null;
    /** A sentence about the last change, shown above the record once. */
    this.notice = null;
  }

  async show(subpath, { focusHeading, search }) {
    if (!this.shell?.isConnected) this.buildShell();
    this.ctx.setTitle('Solicitantes');
    if (!REQUESTER_ROLES.includes(this.ctx.user?.role)) {
      this.showForbidden(focusHeading);
      return;
    }
    const q = (search?.get('q') ?? '').trim();
    const id = /^[0-9a-f-]{36}$/i.test(subpath) ? subpath.toLowerCase() : null;
    this.searchInput.value = q;
    try {
      if (this.results === null || q !== this.query) await this.runSearch(q);
      await this.loadDetail(id, subpath);
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) this.showForbidden(focusHeading);
      else replaceChildren(this.detailPanel, h('div', { role: 'alert' }, errorBlock(error)));
      return;
    }
    if (focusHeading) focusElement(id ? this.detailPanel.querySelector('h2') : this.heading);
  }

  buildShell() {
    this.heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Solicitantes');
    const inputId = nextId('requester-search');
    this.searchInput = h('input', { type: 'search', id: inputId, name: 'q', autocomplete: 'off', maxlength: '200', placeholder: 'Nombre, correo, teléfono o identificador' });
    const form = h(
      'form',
      { class: 'requesters__form', role: 'search', 'aria-label': 'Buscar solicitantes', onsubmit: (e) => this.submitSearch(e) },
      h('label', { for: inputId, class: 'field__label' }, 'Buscar solicitante'),
      h('div', { class: 'try__row' }, this.searchInput, h('button', { type: 'submit', class: 'btn btn--primary' }, 'Buscar')),
    );
    this.count = h('p', { class: 'list__count', role: 'status', 'aria-live': 'polite' });
    this.list = h('ul', { class: 'requester-list', 'aria-labelledby': 'requesters-results-title' });
    this.detailPanel = h('section', { class: 'panel requesters__detail', 'aria-label': 'Ficha del solicitante' });
    this.shell = h(
      'div',
      { class: 'page' },
      this.heading,
      h('p', { class: 'panel__lead' }, 'Una ficha por persona, con las identidades con que escribe o llama en cada canal. Fusione las fichas de la misma persona y separe las identidades que son de otra.'),
      h(
        'div',
        { class: 'requesters' },
        h('section', { class: 'panel requesters__search', 'aria-labelledby': 'requesters-results-title' }, h('h2', { id: 'requesters-results-title' }, 'Resultados'), form, this.count, this.list),
        this.detailPanel,
      ),
    );
    replaceChildren(this.ctx.main, this.shell);
  }

  submitSearch(event) {
    event.preventDefault();
    const q = this.searchInput.value.trim();
    // Searching again, even for the same words, reads the records afresh.
    this.results = null;
    const base = this.ctx.basePath;
    this.ctx.navigate(this.detail ? requesterUrl(base, this.detail.id, q) : `${base}${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  }

  async runSearch(q) {
    this.query = q;
    const data = await this.api.request('GET', `/api/requesters?q=${encodeURIComponent(q)}&limit=50`);
    this.results = data.requesters;
    this.renderResults();
  }

  renderResults() {
    const results = this.results ?? [];
    this.count.textContent = this.query ? `${plural(results.length, 'ficha coincide', 'fichas coinciden')} con «${this.query}».` : `Fichas más recientes: ${results.length}.`;
    replaceChildren(
      this.list,
      results.map((r) =>
        h(
          'li',
          { class: 'requester-item', 'data-id': r.id },
          h('a', { href: requesterUrl(this.ctx.basePath, r.id, this.query), class: 'requester-item__name', 'aria-current': this.detail?.id === r.id ? 'true' : false }, nameOf(r)),
          h('p', { class: 'requester-item__meta' }, [r.unitName, r.email, r.phone].filter(Boolean).join(' · ') || 'Sin datos de contacto'),
          h('p', { class: 'requester-item__meta' }, r.identities.map((i) => kindLabel(i.kind)).join(', ') || 'Sin identidades', ' — ', plural(r.ticketCount, 'ticket', 'tickets')),
        ),
      ),
    );
  }

  async loadDetail(id, subpath) {
    if (!id) {
      this.detail = null;
      replaceChildren(
        this.detailPanel,
        h('h2', { tabindex: '-1' }, subpath ? 'Ficha no encontrada' : 'Ficha del solicitante'),
        h('p', { class: 'muted' }, subpath ? 'La dirección no corresponde a ninguna ficha.' : 'Elija una ficha de los resultados para verla.'),
      );
      this.renderResults();
      return;
    }
    let data;
    try {
      data = await this.api.request('GET', `/api/requesters/${encodeURIComponent(id)}`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
      this.detail = null;
      replaceChildren(this.detailPanel, h('h2', { tabindex: '-1' }, 'Ficha no encontrada'), h('p', {}, 'Esa ficha no existe.'));
      this.renderResults();
      return;
    }
    if (data.mergedInto && data.mergedInto !== id) {
      // An old link: the record now lives in the survivor of a merge.
      this.notice = { text: 'La ficha que abrió se fusionó con esta; aquí están sus identidades y tickets.' };
      await this.ctx.navigate(requesterUrl(this.ctx.basePath, data.mergedInto, this.query), { replace: true, force: true });
      return;
    }
    this.detail = data.requester;
    this.ctx.setTitle(`${nameOf(this.detail)} — Solicitantes`);
    this.renderDetail();
    this.renderResults();
  }

  renderDetail() {
    const r = this.detail;
    const notice = this.notice;
    this.notice = null;
    const facts = [
      ['Unidad', r.unitName],
      ['Tipo de usuario', r.role ? label(REQUESTER_ROLE_LABELS, r.role) : null],
      ['Extensión', r.extension],
      ['Correo electrónico', r.email],
      ['Teléfono', r.phone],
      ['Conversaciones', String(r.conversationCount)],
      ['Última vez', formatDate(r.lastSeenAt)],
    ];
    const mergeButton = h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.openMerge() }, 'Fusionar con…');
    const splitButton = h('button', { type: 'button', class: 'btn btn--secondary', disabled: r.identities.length < 2, onclick: () => this.openSplit() }, 'Separar…');
    replaceChildren(
      this.detailPanel,
      h('h2', { tabindex: '-1', 'data-requester': r.id }, nameOf(r)),
      h(
        'div',
        { class: 'requester-result', role: 'status', 'aria-live': 'polite' },
        notice ? h('div', { class: 'notice notice--info' }, h('p', { class: 'notice__title' }, notice.text), notice.link ? h('p', {}, h('a', { href: notice.link.href }, notice.link.text)) : null) : null,
      ),
      h('dl', { class: 'facts' }, facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value || '—')])),
      h('h3', { id: 'requester-identities-title' }, 'Identidades'),
      this.identityTable(r.identities),
      h('h3', { id: 'requester-tickets-title' }, 'Tickets'),
      this.ticketTable(r.tickets),
      h(
        'div',
        { class: 'button-row' },
        mergeButton,
        splitButton,
        r.identities.length < 2 ? h('p', { class: 'field__hint requester-actions__hint' }, 'Para separar, la ficha necesita al menos dos identidades.') : null,
      ),
    );
  }

  identityTable(identities) {
    if (identities.length === 0) return h('p', { class: 'muted' }, 'Esta ficha no tiene identidades.');
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'table table--compact requester-identities', 'aria-labelledby': 'requester-identities-title' },
        h('thead', {}, h('tr', {}, ['Canal', 'Identificador', 'Comprobación', 'Desde'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          identities.map((i) =>
            h(
              'tr',
              { 'data-kind': i.kind },
              h('th', { scope: 'row' }, kindLabel(i.kind)),
              h('td', {}, h('code', { class: 'requester-identity__value' }, i.value)),
              h('td', {}, i.verified ? h('span', { class: 'badge badge--ok' }, 'Verificada') : h('span', { class: 'badge badge--muted' }, 'Sin verificar'), ' ', i.proof ? label(PROOF_LABELS, i.proof) : ''),
              h('td', {}, formatDate(i.createdAt)),
            ),
          ),
        ),
      ),
    );
  }

  ticketTable(tickets) {
    if (tickets.length === 0) return h('p', { class: 'muted' }, 'Sin tickets.');
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'table table--compact requester-tickets', 'aria-labelledby': 'requester-tickets-title' },
        h('thead', {}, h('tr', {}, ['Número', 'Estado', 'Tipo', 'Medio', 'Fecha'].map((t) => h('th', { scope: 'col' }, t)))),
        h(
          'tbody',
          {},
          tickets.map((t) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, h('code', {}, t.number)),
              h('td', {}, label(TICKET_STATUS_LABELS, t.status)),
              h('td', {}, t.kind === 'informative' ? 'Informativo' : label(TICKET_KIND_LABELS, t.kind)),
              h('td', {}, label(CHANNEL_LABELS, t.channel)),
              h('td', {}, formatDate(t.createdAt)),
            ),
          ),
        ),
      ),
    );
  }

  /** A reason field for a dialog (the server checks the 3–500 characters and says so in Spanish). */
  reasonField() {
    const control = h('textarea', { rows: '3', maxlength: '500', required: true });
    return { control, row: field({ label: 'Motivo', control, required: true, hint: 'Entre 3 y 500 caracteres. Queda en la bitácora de cambios.' }) };
  }

  async openMerge() {
    const target = this.detail;
    const searchId = nextId('merge-search');
    const input = h('input', { type: 'search', id: searchId, autocomplete: 'off', maxlength: '200', placeholder: 'Nombre, correo, teléfono o identificador' });
    const status = h('p', { class: 'list__count', role: 'status', 'aria-live': 'polite' });
    const choices = h('div', { class: 'choice__list' });
    const reason = this.reasonField();
    const find = async () => {
      status.textContent = 'Buscando…';
      try {
        const data = await this.api.request('GET', `/api/requesters?q=${encodeURIComponent(input.value.trim())}&limit=20`);
        const others = data.requesters.filter((r) => r.id !== target.id);
        status.textContent = others.length === 0 ? 'Ninguna otra ficha coincide.' : `${plural(others.length, 'ficha encontrada', 'fichas encontradas')}.`;
        replaceChildren(
          choices,
          others.map((r) => {
            const id = nextId('merge-choice');
            const summary = [r.unitName, r.email, r.phone, ...r.identities.map(identityText)].filter(Boolean).join(' · ');
            return h(
              'div',
              { class: 'choice__option requester-choice' },
              h('input', { type: 'radio', name: 'merge-source', id, value: r.id }),
              h('label', { for: id }, h('span', { class: 'requester-choice__name' }, nameOf(r)), h('span', { class: 'requester-choice__meta' }, `${summary || 'Sin datos'} — ${plural(r.ticketCount, 'ticket', 'tickets')}`)),
            );
          }),
        );
      } catch (error) {
        replaceChildren(choices, errorBlock(error));
        status.textContent = '';
      }
    };
    // Enter in the search box searches; it must not submit the dialog (that merges).
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        find();
      }
    });
    const body = h(
      'div',
      {},
      h('p', {}, `Elija la ficha de la misma persona. Sus identidades, tickets y los datos que falten pasan a «${nameOf(target)}»; la otra ficha queda marcada como fusionada.`),
      h('label', { for: searchId, class: 'field__label' }, 'Buscar la otra ficha'),
      h('div', { class: 'try__row' }, input, h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => find() }, 'Buscar')),
      status,
      h('fieldset', { class: 'choice' }, h('legend', { class: 'field__label' }, 'Ficha que se fusiona'), choices),
      reason.row,
    );
    let result = null;
    const done = await openDialog({
      title: `Fusionar con «${nameOf(target)}»`,
      body,
      confirmLabel: 'Fusionar',
      onConfirm: async () => {
        const chosen = choices.querySelector('input[name="merge-source"]:checked');
        if (!chosen) throw new ApiError(400, 'BadArgument', 'Busque y elija la ficha que se fusiona.');
        result = await plainErrors(() => this.api.request('POST', `/api/requesters/${encodeURIComponent(target.id)}/merge`, { from: [chosen.value], reason: reason.control.value }));
      },
    });
    if (!done || !result) return;
    const filled = result.filled.map((f) => label(FIELD_NAMES, f));
    this.notice = { text: `Fichas fusionadas. Pasaron a esta ficha: ${movedText(result.moved)}.${filled.length > 0 ? ` Datos completados: ${filled.join(', ')}.` : ''}` };
    toast('Se fusionaron las fichas.');
    this.detail = result.requester;
    this.results = (this.results ?? []).filter((r) => !result.merged.includes(r.id));
    this.renderDetail();
    this.renderResults();
    focusElement(this.detailPanel.querySelector('h2'));
  }

  async openSplit() {
    const source = this.detail;
    const boxes = source.identities.map((i) => {
      const id = nextId('split-identity');
      const box = h('input', { type: 'checkbox', id, 'data-kind': i.kind, 'data-value': i.value });
      return { box, row: h('div', { class: 'choice__option' }, box, h('label', { for: id }, identityText(i))) };
    });
    const reason = this.reasonField();
    const body = h(
      'div',
      {},
      h('p', {}, 'Las identidades elegidas pasan a una ficha nueva, con los tickets de sus conversaciones. Al menos una debe quedar en esta ficha.'),
      h('fieldset', { class: 'choice' }, h('legend', { class: 'field__label' }, 'Identidades que se separan'), boxes.map((b) => b.row)),
      reason.row,
    );
    let result = null;
    const done = await openDialog({
      title: `Separar identidades de «${nameOf(source)}»`,
      body,
      confirmLabel: 'Separar',
      onConfirm: async () => {
        const identities = boxes.filter((b) => b.box.checked).map((b) => ({ kind: b.box.dataset.kind, value: b.box.dataset.value }));
        if (identities.length === 0) throw new ApiError(400, 'BadArgument', 'Elija al menos una identidad para separar.');
        result = await plainErrors(() => this.api.request('POST', `/api/requesters/${encodeURIComponent(source.id)}/split`, { identities, reason: reason.control.value }));
      },
    });
    if (!done || !result) return;
    this.notice = {
      text: `Ficha nueva creada con ${plural(result.requester.identities.length, 'identidad separada', 'identidades separadas')} de «${nameOf(result.source)}». Pasaron a ella: ${movedText(result.moved)}.`,
      link: { href: requesterUrl(this.ctx.basePath, result.source.id, this.query), text: `Volver a la ficha de ${nameOf(result.source)}` },
    };
    toast('Se separaron las identidades en una ficha nueva.');
    // The new record is not in the last search: search again on the way.
    this.results = null;
    await this.ctx.navigate(requesterUrl(this.ctx.basePath, result.requester.id, this.query), { force: true });
  }

  showForbidden(focusHeading) {
    this.ctx.setTitle('Sin permiso');
    replaceChildren(
      this.shell,
      this.heading,
      h(
        'div',
        { class: 'notice notice--warning', role: 'alert' },
        h('p', { class: 'notice__title' }, 'Su cuenta no tiene permiso para ver los solicitantes'),
        h('p', {}, 'Solo las cuentas de coordinación y de administración pueden buscar, fusionar y separar fichas de solicitantes.'),
      ),
    );
    if (focusHeading) focusElement(this.heading);
  }
}
