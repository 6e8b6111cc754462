// The services of the draft: search (code, name, category, examples; accents and case ignored), filters by
// category, scope, kind and state, the counts, and the way to the editor.
import { fold, h, nextId, plural, replaceChildren, select } from './dom.js';
import { KIND_LABELS, RECOMMENDED_EXAMPLES, SCOPE_LABELS, label, options } from './labels.js';

const STATUS_LABELS = { active: 'Activos', inactive: 'Inactivos' };

export class ServiceList {
  /** `state` outlives the view, so the filters are still there when one comes back from the editor. */
  constructor({ view }, state) {
    this.view = view;
    this.state = state;
    this.title = 'Servicios del catálogo';
  }

  services() {
    return this.view.draft.catalog.services;
  }

  render() {
    const services = this.services();
    const categories = [...new Set(services.map((s) => s.category))].sort((a, b) => a.localeCompare(b, 'es'));
    if (this.state.category && !categories.includes(this.state.category)) this.state.category = '';

    this.controls = {};
    const searchId = nextId('search');
    this.search = h('input', {
      type: 'search',
      id: searchId,
      value: this.state.query,
      placeholder: 'Código, nombre o frase de ejemplo',
      autocomplete: 'off',
      oninput: () => this.update('query', this.search.value),
    });
    const filter = (key, text, pairs, allLabel) => {
      const id = nextId(`filter-${key}`);
      const control = select([['', allLabel], ...pairs], this.state[key], { id, onchange: (e) => this.update(key, e.target.value) });
      this.controls[key] = control;
      return h('div', { class: 'filters__item' }, h('label', { for: id, class: 'field__label' }, text), control);
    };

    this.count = h('p', { class: 'list__count', role: 'status', 'aria-live': 'polite' });
    this.body = h('tbody');
    this.empty = h(
      'div',
      { class: 'empty', hidden: true },
      h('p', {}, 'Ningún servicio coincide con la búsqueda y los filtros.'),
      h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.clearFilters() }, 'Quitar filtros'),
    );
    this.table = h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'table services-table' },
        h('caption', { class: 'visually-hidden' }, 'Servicios del borrador del catálogo'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Código', 'Nombre', 'Categoría', 'Ámbito', 'Tipo', 'Ejemplos', 'Estado'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        this.body,
      ),
    );

    const section = h(
      'section',
      { class: 'panel', 'aria-labelledby': 'services-title' },
      h(
        'div',
        { class: 'panel__header' },
        h('h2', { id: 'services-title', tabindex: '-1' }, 'Servicios'),
        h('a', { href: this.view.path('servicios/nuevo'), class: 'btn btn--primary' }, h('span', { 'aria-hidden': 'true' }, '+ '), 'Nuevo servicio'),
      ),
      h(
        'form',
        { class: 'filters', role: 'search', 'aria-label': 'Buscar y filtrar servicios', onsubmit: (e) => e.preventDefault() },
        h('div', { class: 'filters__item filters__item--wide' }, h('label', { for: searchId, class: 'field__label' }, 'Buscar'), this.search),
        filter('category', 'Categoría', categories.map((c) => [c, c]), 'Todas'),
        filter('scope', 'Ámbito', options(SCOPE_LABELS), 'Todos'),
        filter('kind', 'Tipo', options(KIND_LABELS), 'Todos'),
        filter('status', 'Estado', options(STATUS_LABELS), 'Todos'),
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

  clearFilters() {
    Object.assign(this.state, { query: '', category: '', scope: '', kind: '', status: '' });
    this.search.value = '';
    for (const control of Object.values(this.controls)) control.value = '';
    this.fill();
    this.search.focus();
  }

  matches(service) {
    const { query, category, scope, kind, status } = this.state;
    if (category && service.category !== category) return false;
    if (scope && service.scope !== scope) return false;
    if (kind && service.kind !== kind) return false;
    if (status === 'active' && !service.active) return false;
    if (status === 'inactive' && service.active) return false;
    const q = fold(query);
    if (!q) return true;
    const haystack = [service.code, service.name, service.category, ...service.examples].map(fold);
    return q.split(' ').every((word) => haystack.some((text) => text.includes(word)));
  }

  fill() {
    const all = this.services();
    const shown = all.filter((s) => this.matches(s)).sort((a, b) => a.code.localeCompare(b.code, 'es'));
    const active = all.filter((s) => s.active).length;
    this.count.textContent =
      shown.length === all.length
        ? `${plural(all.length, 'servicio', 'servicios')} (${active} ${active === 1 ? 'activo' : 'activos'}, ${all.length - active} ${all.length - active === 1 ? 'inactivo' : 'inactivos'})`
        : `Se muestran ${shown.length} de ${plural(all.length, 'servicio', 'servicios')}`;
    replaceChildren(this.body, shown.map((s) => this.row(s)));
    this.table.hidden = shown.length === 0;
    this.empty.hidden = shown.length !== 0;
  }

  row(s) {
    const few = s.examples.length < RECOMMENDED_EXAMPLES;
    return h(
      'tr',
      { 'data-code': s.code, class: s.active ? '' : 'is-inactive' },
      h('th', { scope: 'row' }, h('a', { href: this.view.path(`servicios/${encodeURIComponent(s.code)}`), class: 'code-link' }, h('code', {}, s.code))),
      h('td', {}, s.name),
      h('td', {}, s.category),
      h('td', {}, label(SCOPE_LABELS, s.scope)),
      h('td', {}, label(KIND_LABELS, s.kind)),
      h(
        'td',
        { class: 'num' },
        h('span', { 'data-examples': String(s.examples.length) }, String(s.examples.length)),
        few ? h('span', { class: 'badge badge--warning badge--small', title: `Se recomiendan al menos ${RECOMMENDED_EXAMPLES}` }, 'pocos') : null,
      ),
      h('td', {}, s.active ? h('span', { class: 'badge badge--ok' }, 'Activo') : h('span', { class: 'badge badge--muted' }, 'Inactivo')),
    );
  }
}
