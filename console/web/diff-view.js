// What changed between two catalogs (GET /api/catalog/diff): services added, removed, and changed field by
// field with the value before and after. Lists show which items came and went.
import { h } from './dom.js';
import { ANSWER_LABELS, FIELD_LABELS, KIND_LABELS, SCOPE_LABELS, SETTINGS_LABELS, URGENCY_LABELS, label } from './labels.js';

const ENUM_FIELDS = { scope: SCOPE_LABELS, kind: KIND_LABELS, defaultUrgency: URGENCY_LABELS };

function diagnosticText(d) {
  if (!d || typeof d !== 'object') return String(d);
  const opts = Array.isArray(d.options) && d.options.length ? ` (opciones: ${d.options.join(', ')})` : '';
  return `${d.id}: ${d.question} — ${label(ANSWER_LABELS, d.answer)}${opts}`;
}

/** A list whose items missing from `other` are marked (removed on the «before» side, new on the «after» side). */
function markedList(items, other, mark) {
  const others = new Set(other.map((x) => JSON.stringify(x)));
  return h(
    'ul',
    { class: 'diff__list' },
    items.map((item) => {
      const text = typeof item === 'string' ? item : diagnosticText(item);
      if (others.has(JSON.stringify(item))) return h('li', {}, text);
      return mark === 'del'
        ? h('li', {}, h('del', { class: 'diff__del' }, h('span', { class: 'visually-hidden' }, 'quitado: '), text))
        : h('li', {}, h('ins', { class: 'diff__ins' }, h('span', { class: 'visually-hidden' }, 'nuevo: '), text));
    }),
  );
}

function valueCell(field, value, other, mark) {
  if (value === undefined || value === null) return h('span', { class: 'muted' }, '—');
  if (Array.isArray(value)) {
    if (value.length === 0) return h('span', { class: 'muted' }, '(vacío)');
    return markedList(value, Array.isArray(other) ? other : [], mark);
  }
  if (typeof value === 'boolean') return value ? 'Sí' : 'No';
  if (ENUM_FIELDS[field]) return label(ENUM_FIELDS[field], value);
  if (typeof value === 'object') return h('code', {}, JSON.stringify(value));
  return String(value);
}

/**
 * Renders a diff. `names`: { before: Map(code → name), after: Map(code → name) } to show names next to codes.
 */
export function renderDiff(diff, names = { before: new Map(), after: new Map() }) {
  const nameOf = (code, side) => names[side]?.get(code);
  const codeItem = (code, side) => h('li', { 'data-code': code }, h('code', {}, code), nameOf(code, side) ? ` — ${nameOf(code, side)}` : '');
  const nothing = diff.added.length + diff.removed.length + diff.changed.length + diff.settingsChanged.length === 0;
  if (nothing) return h('p', { class: 'notice notice--info' }, 'No hay diferencias.');

  const parts = [];
  if (diff.added.length) {
    parts.push(h('section', { class: 'diff__group', 'data-diff': 'added' }, h('h4', {}, `Servicios agregados (${diff.added.length})`), h('ul', { class: 'diff__codes' }, diff.added.map((c) => codeItem(c, 'after')))));
  }
  if (diff.removed.length) {
    parts.push(h('section', { class: 'diff__group', 'data-diff': 'removed' }, h('h4', {}, `Servicios eliminados (${diff.removed.length})`), h('ul', { class: 'diff__codes' }, diff.removed.map((c) => codeItem(c, 'before')))));
  }
  if (diff.changed.length) {
    parts.push(
      h(
        'section',
        { class: 'diff__group', 'data-diff': 'changed' },
        h('h4', {}, `Servicios modificados (${diff.changed.length})`),
        diff.changed.map((change) =>
          h(
            'div',
            { class: 'diff__service', 'data-code': change.code },
            h('h5', {}, h('code', {}, change.code), nameOf(change.code, 'after') ? ` — ${nameOf(change.code, 'after')}` : ''),
            h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { class: 'table table--diff' },
                h('caption', { class: 'visually-hidden' }, `Cambios en ${change.code}`),
                h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Campo'), h('th', { scope: 'col' }, 'Antes'), h('th', { scope: 'col' }, 'Después'))),
                h(
                  'tbody',
                  {},
                  change.fields.map((f) =>
                    h(
                      'tr',
                      { 'data-field': f.field },
                      h('th', { scope: 'row' }, label(FIELD_LABELS, f.field)),
                      h('td', {}, valueCell(f.field, f.before, f.after, 'del')),
                      h('td', {}, valueCell(f.field, f.after, f.before, 'ins')),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }
  if (diff.settingsChanged.length) {
    parts.push(h('section', { class: 'diff__group', 'data-diff': 'settings' }, h('h4', {}, 'Ajustes generales modificados'), h('ul', {}, diff.settingsChanged.map((s) => h('li', {}, label(SETTINGS_LABELS, s))))));
  }
  return h('div', { class: 'diff' }, parts);
}
