// «Historial de versiones»: every published version (newest first) with its author, origin, note and summary;
// what each changed from the one before; its file; and restoring it (published again as a new version).
import { focusElement, formatDate, h, replaceChildren, toast } from './dom.js';
import { renderDiff } from './diff-view.js';
import { errorBlock, messageOf } from './errors.js';
import { SOURCE_LABELS, label } from './labels.js';
import { openDialog } from './modal.js';

function summaryText(s) {
  if (!s) return '—';
  const parts = [];
  if (s.added) parts.push(`${s.added} ${s.added === 1 ? 'agregado' : 'agregados'}`);
  if (s.removed) parts.push(`${s.removed} ${s.removed === 1 ? 'eliminado' : 'eliminados'}`);
  if (s.changed) parts.push(`${s.changed} ${s.changed === 1 ? 'modificado' : 'modificados'}`);
  return parts.length ? parts.join(', ') : 'Sin cambios';
}

export class HistoryView {
  constructor({ view, api }) {
    this.view = view;
    this.api = api;
    this.title = 'Historial de versiones del catálogo';
    this.versions = [];
    this.openFor = null;
  }

  render() {
    this.body = h('div', { class: 'history__body' }, h('p', { class: 'loading', role: 'status' }, 'Cargando el historial…'));
    this.diffRegion = h('section', { class: 'history__diff', 'aria-labelledby': 'diff-title', hidden: true });
    const d = this.view.draft;
    const draftButton =
      d.changed && d.publishedVersion !== null && d.publishedVersion !== undefined
        ? h('button', { type: 'button', class: 'btn btn--secondary', 'aria-controls': 'history-diff', onclick: (e) => this.showDiff(d.publishedVersion, 'draft', e.currentTarget) }, 'Ver cambios del borrador')
        : null;
    this.diffRegion.id = 'history-diff';
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'history-title' },
      h('div', { class: 'panel__header' }, h('h2', { id: 'history-title', tabindex: '-1' }, 'Historial de versiones'), draftButton),
      h('p', { class: 'panel__lead' }, 'Cada publicación, importación o restauración crea una versión nueva. Restaurar una versión anterior la publica otra vez como versión nueva; nada se borra del historial.'),
      this.body,
      this.diffRegion,
    );
  }

  async ready() {
    try {
      const { versions } = await this.api.listVersions();
      this.versions = versions;
      this.renderTable();
    } catch (error) {
      replaceChildren(this.body, h('div', { role: 'alert' }, errorBlock(error)));
    }
  }

  renderTable() {
    if (this.versions.length === 0) {
      replaceChildren(this.body, h('p', { class: 'empty' }, 'Todavía no se ha publicado ninguna versión.'));
      return;
    }
    const latest = this.versions[0].version;
    const rows = this.versions.map((v, i) => {
      const previous = this.versions[i + 1]?.version ?? null;
      const actions = [
        h(
          'button',
          { type: 'button', class: 'btn btn--small btn--secondary', 'aria-controls': 'history-diff', 'aria-label': `Ver cambios de la versión ${v.version}`, onclick: (e) => this.showDiff(previous, v.version, e.currentTarget) },
          'Ver cambios',
        ),
        h('a', { class: 'btn btn--small btn--ghost', href: this.api.exportUrl(v.version), download: `catalogo-v${v.version}.json`, 'aria-label': `Descargar la versión ${v.version}` }, 'Descargar'),
      ];
      if (v.version !== latest) {
        actions.push(
          h('button', { type: 'button', class: 'btn btn--small btn--warning', 'aria-label': `Restaurar la versión ${v.version}`, onclick: () => this.rollback(v) }, 'Restaurar esta versión'),
        );
      } else {
        actions.push(h('span', { class: 'badge badge--ok' }, 'Publicada'));
      }
      return h(
        'tr',
        { 'data-version': String(v.version) },
        h('th', { scope: 'row' }, `v${v.version}`),
        h('td', {}, h('time', { datetime: v.publishedAt }, formatDate(v.publishedAt))),
        h('td', {}, v.publishedBy ?? '—'),
        h('td', {}, label(SOURCE_LABELS, v.source)),
        h('td', { class: 'history__note' }, v.note || h('span', { class: 'muted' }, '—')),
        h('td', { 'data-summary': '' }, summaryText(v.summary)),
        h('td', { class: 'actions' }, actions),
      );
    });
    replaceChildren(
      this.body,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table versions-table' },
          h('caption', { class: 'visually-hidden' }, 'Versiones publicadas del catálogo, de la más reciente a la más antigua'),
          h('thead', {}, h('tr', {}, ['Versión', 'Fecha', 'Autor', 'Origen', 'Nota', 'Resumen', 'Acciones'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, rows),
        ),
      ),
    );
  }

  /** Shows what changed from `from` (a version, or null for the first one) to `to` (a version or 'draft'). */
  async showDiff(from, to, trigger) {
    for (const b of this.view.content.querySelectorAll('[aria-controls="history-diff"]')) b.setAttribute('aria-expanded', String(b === trigger));
    const title = to === 'draft' ? `Cambios del borrador respecto de v${from}` : from === null ? `Contenido de la versión ${to} (primera versión)` : `Cambios de la versión ${to} respecto de la ${from}`;
    const heading = h('h3', { id: 'diff-title', tabindex: '-1' }, title);
    const close = h('button', { type: 'button', class: 'btn btn--small btn--ghost', onclick: () => this.closeDiff(trigger) }, 'Cerrar');
    const body = h('div', { class: 'history__diff-body', 'aria-live': 'polite', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Calculando…'));
    replaceChildren(this.diffRegion, h('div', { class: 'panel__header' }, heading, close), body);
    this.diffRegion.hidden = false;
    focusElement(heading);
    try {
      const [diff, before, after] = await Promise.all([
        from === null ? this.firstVersionDiff(to) : this.api.diff(from, to),
        from === null ? null : this.view.versionCatalog(from).catch(() => null),
        to === 'draft' ? this.view.draft.catalog : this.view.versionCatalog(to).catch(() => null),
      ]);
      const names = (catalog) => new Map((catalog?.services ?? []).map((s) => [s.code, s.name]));
      replaceChildren(body, renderDiff(diff, { before: names(before), after: names(after) }));
    } catch (error) {
      replaceChildren(body, h('div', { role: 'alert' }, errorBlock(error)));
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  }

  /** The first version has nothing before it: everything in it is «added». */
  async firstVersionDiff(version) {
    const catalog = await this.view.versionCatalog(version);
    return { from: null, to: version, added: catalog.services.map((s) => s.code), removed: [], changed: [], settingsChanged: [] };
  }

  closeDiff(trigger) {
    this.diffRegion.hidden = true;
    replaceChildren(this.diffRegion);
    trigger?.setAttribute('aria-expanded', 'false');
    if (trigger?.isConnected) trigger.focus();
  }

  async rollback(v) {
    const note = h('textarea', { id: 'rollback-note', rows: '3', maxlength: '500' });
    const body = h(
      'div',
      {},
      h('p', {}, `Se publicará una copia de la versión ${v.version} (${formatDate(v.publishedAt)}) como una versión nueva, y el bot empezará a usarla de inmediato.`),
      this.view.draft.changed ? h('p', { class: 'notice notice--warning' }, 'El borrador tiene cambios sin publicar: también volverá a la versión restaurada y esos cambios se perderán.') : null,
      h('div', { class: 'field' }, h('label', { for: 'rollback-note', class: 'field__label' }, 'Motivo (opcional)'), note),
    );
    let result = null;
    const done = await openDialog({
      title: `Restaurar la versión ${v.version}`,
      body,
      confirmLabel: 'Restaurar y publicar',
      danger: true,
      onConfirm: async () => {
        result = await this.api.rollback(v.version, note.value.trim());
      },
    });
    if (!done || !result) return;
    toast(`Se restauró la versión ${v.version} como versión ${result.version}.`);
    try {
      await this.view.reloadDraft();
    } catch (error) {
      toast(messageOf(error), 'error');
    }
    await this.view.rerender();
    focusElement(this.view.content.querySelector('h2'));
  }
}
