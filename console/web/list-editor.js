// An editable list of texts (examples, self-help steps, answer options, out-of-scope examples): every item is
// its own labelled field with «Quitar» (and «Subir»/«Bajar» when order matters), plus a field to add one more.
// Each item carries the path the server uses (`examples[2]`), so errors land next to it.
import { h, nextId, replaceChildren } from './dom.js';

export class TextListEditor {
  /**
   * @param {object} o
   * @param {string} o.legend      what the list is («Ejemplos de cómo lo piden»)
   * @param {string} o.path        the list's path (`examples`, `diagnostics[0].options`)
   * @param {string[]} o.items
   * @param {(n: number) => string} o.itemLabel   accessible name of item n (1-based): «Ejemplo 3»
   * @param {string} o.addLabel    the add button («Agregar ejemplo»)
   * @param {string} o.newLabel    label of the field for a new item («Nuevo ejemplo»)
   * @param {boolean} [o.multiline]  textareas instead of one-line inputs
   * @param {boolean} [o.reorder]    show «Subir»/«Bajar»
   * @param {string} [o.hint]
   * @param {(count: number) => (string|null)} [o.warning]  a warning for the current count, or null
   * @param {(count: number) => string} [o.countText]
   * @param {() => void} [o.onChange]
   */
  constructor(o) {
    this.o = o;
    this.items = [...(o.items ?? [])];
    this.id = nextId('list');
  }

  values() {
    return this.items.map((v) => v.trim());
  }

  render() {
    const o = this.o;
    this.list = h('ol', { class: 'textlist__items' });
    this.count = h('span', { class: 'textlist__count', 'aria-live': 'polite' });
    this.warning = h('p', { class: 'field__warning', hidden: true });
    const newId = `${this.id}-new`;
    this.newItem = o.multiline
      ? h('textarea', { id: newId, rows: '2', 'data-path': o.path })
      : h('input', { type: 'text', id: newId, autocomplete: 'off', 'data-path': o.path });
    this.newItem.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (!o.multiline || event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.addFromField();
      }
    });
    const hintId = `${this.id}-hint`;
    const errorSlot = h('p', { class: 'field__error', id: `${this.id}-error`, 'data-error-for': o.path, hidden: true });
    this.newItem.setAttribute('aria-describedby', `${o.hint ? `${hintId} ` : ''}${errorSlot.id}`);
    this.root = h(
      'fieldset',
      { class: 'textlist', 'data-list': o.path },
      h('legend', { class: 'textlist__legend' }, o.legend, ' ', this.count),
      o.hint ? h('p', { class: 'field__hint', id: hintId }, o.hint) : null,
      errorSlot,
      this.warning,
      this.list,
      h(
        'div',
        { class: 'textlist__add' },
        h('label', { for: newId, class: 'field__label' }, o.newLabel),
        h('div', { class: 'textlist__add-row' }, this.newItem, h('button', { type: 'button', class: 'btn btn--secondary', onclick: () => this.addFromField() }, o.addLabel)),
      ),
    );
    this.fill();
    return this.root;
  }

  addFromField() {
    const value = this.newItem.value.trim();
    if (!value) {
      this.newItem.focus();
      return;
    }
    this.items.push(value);
    this.newItem.value = '';
    this.fill();
    this.changed();
    this.newItem.focus();
  }

  remove(index) {
    this.items.splice(index, 1);
    this.fill();
    this.changed();
    const inputs = this.list.querySelectorAll('.textlist__input');
    (inputs[Math.min(index, inputs.length - 1)] ?? this.newItem).focus();
  }

  move(index, delta) {
    const to = index + delta;
    if (to < 0 || to >= this.items.length) return;
    const [item] = this.items.splice(index, 1);
    this.items.splice(to, 0, item);
    this.fill();
    this.changed();
    // Keep the keyboard where it was: on the same button of the moved item, or the other one at the ends.
    const row = this.list.children[to];
    const wanted = row?.querySelector(delta < 0 ? '[data-move="up"]' : '[data-move="down"]');
    const fallback = row?.querySelector(delta < 0 ? '[data-move="down"]' : '[data-move="up"]');
    (wanted && !wanted.disabled ? wanted : fallback)?.focus();
  }

  changed() {
    this.o.onChange?.();
  }

  fill() {
    const o = this.o;
    const n = this.items.length;
    replaceChildren(
      this.list,
      this.items.map((value, i) => {
        const name = o.itemLabel(i + 1);
        const inputId = `${this.id}-item-${i}`;
        const errorSlot = h('p', { class: 'field__error', id: `${inputId}-error`, 'data-error-for': `${o.path}[${i}]`, hidden: true });
        const attrs = { id: inputId, class: 'textlist__input', 'aria-label': name, 'data-path': `${o.path}[${i}]`, 'aria-describedby': errorSlot.id, value };
        const input = o.multiline ? h('textarea', { ...attrs, rows: '2' }) : h('input', { ...attrs, type: 'text', autocomplete: 'off' });
        input.addEventListener('input', () => {
          this.items[i] = input.value;
          this.changed();
        });
        const buttons = [];
        if (o.reorder) {
          buttons.push(
            h('button', { type: 'button', class: 'btn btn--icon', 'data-move': 'up', 'aria-label': `Subir: ${name}`, title: 'Subir', disabled: i === 0, onclick: () => this.move(i, -1) }, '↑'),
            h('button', { type: 'button', class: 'btn btn--icon', 'data-move': 'down', 'aria-label': `Bajar: ${name}`, title: 'Bajar', disabled: i === n - 1, onclick: () => this.move(i, 1) }, '↓'),
          );
        }
        buttons.push(h('button', { type: 'button', class: 'btn btn--link-danger', 'aria-label': `Quitar: ${name}`, onclick: () => this.remove(i) }, 'Quitar'));
        return h(
          'li',
          { class: 'textlist__item' },
          h('span', { class: 'textlist__number', 'aria-hidden': 'true' }, `${i + 1}.`),
          h('div', { class: 'textlist__field' }, input, errorSlot),
          h('div', { class: 'textlist__buttons' }, buttons),
        );
      }),
    );
    this.count.textContent = o.countText ? o.countText(n) : `(${n})`;
    const warning = o.warning?.(n) ?? null;
    this.warning.hidden = !warning;
    this.warning.textContent = warning ?? '';
  }
}
