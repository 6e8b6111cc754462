// The directory's people and areas: search (name, alias, area, position, extension, e-mail; accents and case
// ignored), filters by kind and state, and the way to each entry's form.
import { AVAILABILITY_LABELS, DIRECTORY_KIND_LABELS, routeText } from './directory-labels.js';
import { fold, h, nextId, plural, replaceChildren, select } from './dom.js';
import { label, options } from './labels.js';

const STATUS_LABELS = { active: 'Activas', inactive: 'Dadas de baja' };

export class DirectoryList {
  /** `state` outlives the view, so the search is still there when one comes back from a form. */
  constructor({ view }, state) {
    this.view = view;
    this.state = state;
    this.title = 'Directorio del conmutador';
  }

  render() {
    const searchId = nextId('directory-search');
    this.search = h('input', {
      type: 'search',
      id: searchId,
      value: this.state.query,
      placeholder: 'Nombre, alias, área, puesto o extensión',
      autocomplete: 'off',
      oninput: () => this.update('query', this.search.value),
    });
    const filter = (key, text, pairs, allLabel) => {
      const id = nextId(`directory-${key}`);
      const control = select([['', allLabel], ...pairs], this.state[key], { id, onchange: (e) => this.update(key, e.target.value) });
      return h('div', { class: 'filters__item' }, h('label', { for: id, class: 'field__label' }, text), control);
    };
    this.count = h('p', { class: 'list__count', role: 'status', 'aria-live': 'polite' });
    this.body = h('tbody');
    this.empty = h('div', { class: 'empty', hidden: true }, h('p', {}, 'Ninguna entrada coincide con la búsqueda y los filtros.'));
    this.table = h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'table directory-table' },
        h('caption', { class: 'visually-hidden' }, 'Personas y áreas del directorio'),
        h('thead', {}, h('tr', {}, ['Nombre', 'Tipo', 'Área', 'Puesto', 'Extensión', 'Ruta', 'Disponibilidad'].map((t) => h('th', { scope: 'col' }, t)))),
        this.body,
      ),
    );
    const section = h(
      'section',
      { class: 'panel', 'aria-labelledby': 'directory-title' },
      h(
        'div',
        { class: 'panel__header' },
        h('h2', { id: 'directory-title', tabindex: '-1' }, 'Personas y áreas'),
        h('a', { href: this.view.path('nuevo'), class: 'btn btn--primary' }, h('span', { 'aria-hidden': 'true' }, '+ '), 'Nueva entrada'),
      ),
      h('p', { class: 'panel__lead' }, 'A quién comunica el conmutador: por nombre, área, alias o extensión. Los cambios se aplican de inmediato.'),
      h(
        'form',
        { class: 'filters', role: 'search', 'aria-label': 'Buscar en el directorio', onsubmit: (e) => e.preventDefault() },
        h('div', { class: 'filters__item filters__item--wide' }, h('label', { for: searchId, class: 'field__label' }, 'Buscar'), this.search),
        filter('kind', 'Tipo', options(DIRECTORY_KIND_LABELS), 'Todos'),
        filter('status', 'Estado', options(STATUS_LABELS), 'Todas'),
      ),
      this.count,
      this.table,
      this.empty,
    );
    this.fill();
    return section;
  }

  update(key, value) {
    this.state[key] = value;
    this.fill();
  }

  matches(e) {
    const { query, kind, status } = this.state;
    if (kind && e.kind !== kind) return false;
    if (status === 'active' && !e.active) return false;
    if (status === 'inactive' && e.active) return false;
    const q = fold(query);
    if (!q) return true;
    const haystack = [e.name, e.area, e.position, e.extension, e.email, ...e.aliases].filter(Boolean).map(fold);
    return q.split(' ').every((word) => haystack.some((text) => text.includes(word)));
  }

  fill() {
    const all = this.view.entries ?? [];
    const shown = all.filter((e) => this.matches(e)).sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name, 'es') : a.kind === 'area' ? -1 : 1));
    const active = all.filter((e) => e.active).length;
    this.count.textContent =
      shown.length === all.length ? `${plural(all.length, 'entrada', 'entradas')} (${active} ${active === 1 ? 'activa' : 'activas'})` : `Se muestran ${shown.length} de ${plural(all.length, 'entrada', 'entradas')}`;
    replaceChildren(this.body, shown.map((e) => this.row(e)));
    this.table.hidden = shown.length === 0;
    this.empty.hidden = shown.length !== 0;
  }

  row(e) {
    const availability =
      e.availability === 'available'
        ? h('span', { class: 'badge badge--ok' }, label(AVAILABILITY_LABELS, e.availability))
        : h('span', { class: 'badge badge--warning', title: e.availabilityNote ?? '' }, label(AVAILABILITY_LABELS, e.availability));
    return h(
      'tr',
      { 'data-id': e.id, class: e.active ? '' : 'is-inactive' },
      h('th', { scope: 'row' }, h('a', { href: this.view.path(`entradas/${e.id}`) }, e.title ? `${e.title} ${e.name}` : e.name), e.active ? null : h('span', { class: 'badge badge--muted badge--small' }, 'Baja')),
      h('td', {}, label(DIRECTORY_KIND_LABELS, e.kind)),
      h('td', {}, e.area ?? '—'),
      h('td', {}, e.position ?? '—'),
      h('td', { class: 'num' }, e.extension ?? '—'),
      h('td', {}, h('code', {}, routeText(e.route))),
      h('td', {}, availability),
    );
  }
}
