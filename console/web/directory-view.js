// «Directorio» (coordinators and admins): the switchboard's people and areas — list and search, one entry's form,
// a try-out of the lookup callers get, and CSV import/export. Every change goes to /api/directory at once.
import { ApiError } from './api.js';
import { DirectoryEditor } from './directory-editor.js';
import { DirectoryImport } from './directory-import.js';
import { DirectoryList } from './directory-list.js';
import { DirectoryTry } from './directory-try.js';
import { focusElement, h, replaceChildren, tabList } from './dom.js';
import { errorBlock } from './errors.js';
import { DIRECTORY_ROLES } from './roles.js';

const TABS = [
  { sub: '', label: 'Personas y áreas', match: (s) => s === '' || s === 'nuevo' || s.startsWith('entradas/') },
  { sub: 'probar', label: 'Probar búsqueda' },
  { sub: 'importar', label: 'Importar y exportar' },
];

export { DIRECTORY_ROLES };

export class DirectoryView {
  constructor(ctx) {
    this.ctx = ctx;
    this.api = ctx.api;
    /** Every entry, active or not, as the API last listed them. */
    this.entries = null;
    this.listState = { query: '', kind: '', status: 'active' };
    this.child = null;
  }

  path(sub) {
    return sub ? `${this.ctx.basePath}/${sub}` : this.ctx.basePath;
  }

  async reload() {
    const data = await this.api.request('GET', '/api/directory?includeInactive=true');
    this.entries = data.entries;
    this.renderTabs(this.subpath ?? '');
  }

  /** Keeps one entry the API answered with (after a save). */
  applyEntry(entry) {
    if (!this.entries) return;
    const i = this.entries.findIndex((e) => e.id === entry.id);
    if (i >= 0) this.entries[i] = entry;
    else this.entries.push(entry);
  }

  isDirty() {
    return Boolean(this.child?.isDirty?.());
  }

  canLeave() {
    return this.child?.canLeave ? this.child.canLeave() : Promise.resolve(true);
  }

  async show(subpath, { focusHeading }) {
    if (!this.shell?.isConnected) this.buildShell();
    this.subpath = subpath;
    if (!DIRECTORY_ROLES.includes(this.ctx.user?.role)) {
      this.showLoadError(new ApiError(403, 'Forbidden', 'Su cuenta no tiene permiso para editar el directorio.'), focusHeading);
      return;
    }
    if (!this.entries) replaceChildren(this.content, h('p', { class: 'loading', role: 'status' }, 'Cargando el directorio…'));
    try {
      await this.reload();
    } catch (error) {
      this.showLoadError(error, focusHeading);
      return;
    }
    this.renderTabs(subpath);
    this.child = this.createChild(subpath);
    this.ctx.setTitle(this.child.title ?? 'Directorio');
    replaceChildren(this.content, this.child.render());
    if (focusHeading) focusElement(this.content.querySelector('h2') ?? this.heading);
  }

  createChild(subpath) {
    const deps = { view: this, api: this.api, navigate: this.ctx.navigate, confirm: this.ctx.confirm };
    const entry = /^entradas\/([0-9a-f-]{36})$/.exec(subpath);
    if (subpath === '') return new DirectoryList(deps, this.listState);
    if (subpath === 'nuevo') return new DirectoryEditor(deps, null);
    if (entry) return new DirectoryEditor(deps, entry[1]);
    if (subpath === 'probar') return new DirectoryTry(deps);
    if (subpath === 'importar') return new DirectoryImport(deps);
    return {
      title: 'Página no encontrada',
      render: () => h('section', { class: 'panel' }, h('h2', {}, 'Página no encontrada'), h('p', {}, 'Esta parte del directorio no existe. '), h('a', { href: this.path('') }, 'Volver al directorio')),
    };
  }

  buildShell() {
    this.heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Directorio del conmutador');
    this.tabs = h('nav', { class: 'tabs', 'aria-label': 'Partes del directorio' });
    this.content = h('div', { class: 'page__content' });
    this.shell = h('div', { class: 'page' }, this.heading, this.tabs, this.content);
    replaceChildren(this.ctx.main, this.shell);
  }

  renderTabs(subpath) {
    const count = (tab) => (tab.sub === '' && this.entries ? h('span', { class: 'tabs__count' }, String(this.entries.filter((e) => e.active).length)) : null);
    replaceChildren(this.tabs, tabList(TABS, subpath, (sub) => this.path(sub), count));
  }

  showLoadError(error, focusHeading) {
    replaceChildren(this.tabs);
    if (error instanceof ApiError && error.code === 'Forbidden') {
      this.ctx.setTitle('Sin permiso');
      replaceChildren(
        this.content,
        h(
          'div',
          { class: 'notice notice--warning', role: 'alert' },
          h('p', { class: 'notice__title' }, 'Su cuenta no tiene permiso para editar el directorio'),
          h('p', {}, 'Solo las cuentas de coordinación y de administración pueden editar el directorio del conmutador.'),
        ),
      );
    } else {
      const retry = h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.show(this.subpath ?? '', { focusHeading: true }) }, 'Intentar de nuevo');
      replaceChildren(this.content, h('div', { role: 'alert' }, errorBlock(error)), retry);
    }
    if (focusHeading) focusElement(this.heading);
  }
}
