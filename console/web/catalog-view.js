// «Catálogo de servicios»: the draft's status bar (published version, unpublished changes, Publicar,
// Descartar), the section's tabs, and the sub-view of the current address.
import { ApiError } from './api.js';
import { focusElement, formatDate, h, plural, replaceChildren, tabList, toast } from './dom.js';
import { errorBlock, messageOf } from './errors.js';
import { HistoryView } from './history.js';
import { ImportExportView } from './import-export.js';
import { openDialog } from './modal.js';
import { ServiceEditor } from './service-editor.js';
import { ServiceList } from './service-list.js';
import { SettingsPanel } from './settings-panel.js';
import { TryPanel } from './try-panel.js';

const TABS = [
  { sub: '', label: 'Servicios', match: (s) => s === '' || s.startsWith('servicios') },
  { sub: 'ajustes', label: 'Ajustes generales' },
  { sub: 'probar', label: 'Probar' },
  { sub: 'historial', label: 'Historial de versiones' },
  { sub: 'importar', label: 'Importar y exportar' },
];

export class CatalogView {
  constructor(ctx) {
    this.ctx = ctx;
    this.api = ctx.api;
    /** The draft as the API last returned it: { catalog, basedOnVersion, updatedAt, updatedBy, changed, publishedVersion }. */
    this.draft = null;
    this.publishedCache = new Map();
    this.listState = { query: '', category: '', scope: '', kind: '', status: '' };
    this.child = null;
    this.forbidden = false;
  }

  // --- shared state for the sub-views ---------------------------------------------------------------------
  /** Keeps the draft the API answered with and refreshes the status bar. */
  applyDraft(draft) {
    this.draft = draft;
    this.renderStatus();
  }

  async reloadDraft() {
    this.applyDraft(await this.api.getDraft());
  }

  /** The catalog of a published version (cached: a published version never changes). */
  async versionCatalog(version) {
    if (version === null || version === undefined) return null;
    if (!this.publishedCache.has(version)) {
      const pending = this.api.getVersion(version).then((v) => v.catalog);
      this.publishedCache.set(version, pending);
      pending.catch(() => this.publishedCache.delete(version));
    }
    return this.publishedCache.get(version);
  }

  path(sub) {
    return sub ? `${this.ctx.basePath}/${sub}` : this.ctx.basePath;
  }

  // --- view lifecycle -----------------------------------------------------------------------------------
  isDirty() {
    return Boolean(this.child?.isDirty?.());
  }

  canLeave() {
    return this.child?.canLeave ? this.child.canLeave() : Promise.resolve(true);
  }

  async show(subpath, { focusHeading }) {
    if (!this.shell?.isConnected) this.buildShell();
    if (this.forbidden) return;
    // Every visit reads the draft again: another coordinator may have changed it meanwhile.
    if (!this.draft) replaceChildren(this.content, h('p', { class: 'loading', role: 'status' }, 'Cargando el catálogo…'));
    try {
      await this.reloadDraft();
    } catch (error) {
      if (!this.draft || (error instanceof ApiError && error.code === 'Forbidden')) {
        this.showLoadError(error, focusHeading);
        return;
      }
      toast(messageOf(error), 'error');
    }
    this.subpath = subpath;
    this.renderTabs(subpath);
    this.child = this.createChild(subpath);
    this.ctx.setTitle(this.child.title ?? 'Catálogo de servicios');
    replaceChildren(this.content, this.child.render());
    await this.child.ready?.();
    if (focusHeading) focusElement(this.content.querySelector('h2') ?? this.heading);
  }

  createChild(subpath) {
    const deps = { view: this, api: this.api, navigate: this.ctx.navigate, confirm: this.ctx.confirm };
    const serviceMatch = /^servicios\/(.+)$/.exec(subpath);
    if (subpath === '') return new ServiceList(deps, this.listState);
    if (subpath === 'servicios/nuevo') return new ServiceEditor(deps, null);
    if (serviceMatch) return new ServiceEditor(deps, decodeURIComponent(serviceMatch[1]));
    if (subpath === 'ajustes') return new SettingsPanel(deps);
    if (subpath === 'probar') return new TryPanel(deps);
    if (subpath === 'historial') return new HistoryView(deps);
    if (subpath === 'importar') return new ImportExportView(deps);
    return {
      title: 'Página no encontrada',
      render: () => h('section', { class: 'panel' }, h('h2', {}, 'Página no encontrada'), h('p', {}, 'Esta parte del catálogo no existe. '), h('a', { href: this.path('') }, 'Volver a la lista de servicios')),
    };
  }

  buildShell() {
    this.heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Catálogo de servicios');
    this.status = h('section', { class: 'statusbar', 'aria-label': 'Estado del catálogo' });
    this.tabs = h('nav', { class: 'tabs', 'aria-label': 'Partes del catálogo' });
    this.content = h('div', { class: 'page__content' });
    this.shell = h('div', { class: 'page' }, this.heading, this.status, this.tabs, this.content);
    replaceChildren(this.ctx.main, this.shell);
  }

  showLoadError(error, focusHeading) {
    replaceChildren(this.status);
    replaceChildren(this.tabs);
    if (error instanceof ApiError && error.code === 'Forbidden') {
      this.forbidden = true;
      this.ctx.setTitle('Sin permiso');
      replaceChildren(
        this.content,
        h(
          'div',
          { class: 'notice notice--warning', role: 'alert' },
          h('p', { class: 'notice__title' }, 'Su cuenta no tiene permiso para editar el catálogo'),
          h('p', {}, 'Solo las cuentas de coordinación y de administración pueden ver y editar el catálogo de servicios. Si necesita hacer un cambio, pídalo a la coordinación del CAU.'),
        ),
      );
    } else {
      const retry = h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.show('', { focusHeading: true }) }, 'Intentar de nuevo');
      replaceChildren(this.content, h('div', { role: 'alert' }, errorBlock(error)), retry);
    }
    if (focusHeading) focusElement(this.heading);
  }

  renderTabs(subpath) {
    const count = (tab) => (tab.sub === '' && this.draft ? h('span', { class: 'tabs__count' }, String(this.draft.catalog.services.length)) : null);
    replaceChildren(this.tabs, tabList(TABS, subpath, (sub) => this.path(sub), count));
  }


  // --- status bar ---------------------------------------------------------------------------------------
  renderStatus() {
    if (!this.status || !this.draft) return;
    const d = this.draft;
    const published = d.publishedVersion === null || d.publishedVersion === undefined ? 'sin publicar' : `v${d.publishedVersion}`;
    const services = d.catalog.services;
    const active = services.filter((s) => s.active).length;
    const state = d.changed
      ? h('span', { class: 'badge badge--warning', 'data-draft-state': 'changed' }, 'Borrador con cambios sin publicar')
      : h('span', { class: 'badge badge--ok', 'data-draft-state': 'clean' }, 'Borrador sin cambios');
    const edited = d.changed && d.updatedAt ? h('span', { class: 'statusbar__meta' }, `Última edición: ${formatDate(d.updatedAt)}${d.updatedBy ? ` por ${d.updatedBy}` : ''}`) : null;
    const publish = h('button', { type: 'button', class: 'btn btn--primary', disabled: !d.changed, onclick: () => this.publish() }, 'Publicar…');
    const discard = h('button', { type: 'button', class: 'btn btn--secondary', disabled: !d.changed || d.publishedVersion === null, onclick: () => this.discard() }, 'Descartar borrador');
    replaceChildren(
      this.status,
      h(
        'div',
        { class: 'statusbar__facts' },
        h('p', { class: 'statusbar__item' }, 'Versión publicada: ', h('strong', { 'data-published-version': d.publishedVersion ?? '' }, published)),
        h('p', { class: 'statusbar__item', 'aria-live': 'polite' }, state, ' ', edited),
        h('p', { class: 'statusbar__item statusbar__meta' }, `${plural(services.length, 'servicio', 'servicios')} en el borrador, ${active} ${active === 1 ? 'activo' : 'activos'}`),
      ),
      h('div', { class: 'statusbar__actions' }, publish, discard),
    );
    if (this.tabs?.childElementCount && this.child) {
      const count = this.tabs.querySelector('.tabs__count');
      if (count) count.textContent = String(services.length);
    }
  }

  async publish() {
    if (this.child?.canLeave && !(await this.child.canLeave())) return;
    const note = h('textarea', { id: 'publish-note', rows: '3', maxlength: '500' });
    const summary = h('div', { class: 'publish__summary', 'aria-live': 'polite' }, h('p', { class: 'loading' }, 'Calculando los cambios…'));
    const body = h(
      'div',
      {},
      h('p', {}, 'El bot empezará a usar el borrador en cuanto lo publique. La versión actual queda en el historial y se puede restaurar.'),
      summary,
      h('div', { class: 'field' }, h('label', { for: 'publish-note', class: 'field__label' }, 'Nota de la versión (opcional)'), h('p', { class: 'field__hint', id: 'publish-note-hint' }, 'Qué cambió y por qué; se ve en el historial.'), note),
    );
    note.setAttribute('aria-describedby', 'publish-note-hint');
    this.fillPublishSummary(summary);
    let result = null;
    const done = await openDialog({
      title: 'Publicar el borrador',
      body,
      confirmLabel: 'Publicar',
      onConfirm: async () => {
        result = await this.api.publish(note.value.trim());
      },
    });
    if (!done || !result) return;
    toast(`Se publicó la versión ${result.version}.`);
    await this.refreshAfterPublish();
    focusElement(this.status);
  }

  async fillPublishSummary(slot) {
    const from = this.draft.publishedVersion;
    if (from === null || from === undefined) {
      replaceChildren(slot, h('p', {}, 'Será la primera versión publicada del catálogo.'));
      return;
    }
    try {
      const diff = await this.api.diff(from, 'draft');
      const parts = [
        `${diff.added.length} ${diff.added.length === 1 ? 'servicio nuevo' : 'servicios nuevos'}`,
        `${diff.removed.length} ${diff.removed.length === 1 ? 'eliminado' : 'eliminados'}`,
        `${diff.changed.length} ${diff.changed.length === 1 ? 'modificado' : 'modificados'}`,
      ];
      if (diff.settingsChanged.length) parts.push('ajustes generales modificados');
      replaceChildren(slot, h('p', { class: 'publish__counts' }, `Cambios respecto de v${from}: ${parts.join(', ')}.`));
    } catch (error) {
      replaceChildren(slot, h('p', { class: 'field__hint' }, `No se pudieron calcular los cambios: ${messageOf(error)}`));
    }
  }

  async refreshAfterPublish() {
    try {
      await this.reloadDraft();
    } catch (error) {
      toast(messageOf(error), 'error');
    }
    await this.rerender();
  }

  /** Shows the current sub-view again with fresh data (after a publish, a discard, a rollback…). */
  rerender() {
    return this.show(this.subpath ?? '', { focusHeading: false });
  }

  async discard() {
    if (!(await this.ctx.confirm({
      title: 'Descartar el borrador',
      message: `Se perderán todos los cambios sin publicar y el borrador volverá a ser igual a la versión publicada v${this.draft.publishedVersion}. Esta acción no se puede deshacer.`,
      confirmLabel: 'Descartar cambios',
      danger: true,
    }))) return;
    try {
      this.applyDraft(await this.api.discardDraft());
      if (this.child instanceof ServiceEditor) await this.ctx.navigate(this.path(''), { force: true });
      else await this.rerender();
      // Said once the form shows the published values again, not while it still shows the discarded ones.
      toast('Se descartó el borrador; ahora es igual a la versión publicada.');
      focusElement(this.status);
    } catch (error) {
      toast(messageOf(error), 'error');
    }
  }
}
