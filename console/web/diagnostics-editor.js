// The diagnostic questions of a service: identifier, question, answer type (yes/no, choice, free text) and,
// for «choice», its options. Questions can be added, removed and reordered.
import { field, fold, h, nextId, replaceChildren, select } from './dom.js';
import { ANSWER_LABELS, options } from './labels.js';
import { TextListEditor } from './list-editor.js';

/** «¿Le pasa también en otro equipo?» → «le-pasa-tambien-en-otro-equipo» (cut at a word, ≤ 40). */
export function slugify(text) {
  const slug = fold(text).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (slug.length <= 40) return slug;
  const cut = slug.slice(0, 40);
  return cut.includes('-') ? cut.slice(0, cut.lastIndexOf('-')) : cut;
}

export class DiagnosticsEditor {
  constructor({ items, onChange }) {
    this.items = (items ?? []).map((d) => ({ id: d.id ?? '', question: d.question ?? '', answer: d.answer ?? 'yesno', options: [...(d.options ?? [])], autoId: false }));
    this.onChange = onChange ?? (() => {});
    this.optionEditors = [];
    this.id = nextId('diag');
  }

  /** The diagnostics as the catalog format wants them (options only on «choice» questions). */
  values() {
    this.syncOptions();
    return this.items.map((d) => {
      const out = { id: d.id.trim(), question: d.question.trim(), answer: d.answer };
      if (d.answer === 'choice') out.options = d.options.map((o) => o.trim());
      return out;
    });
  }

  syncOptions() {
    this.optionEditors.forEach((editor, i) => {
      if (editor && this.items[i]) this.items[i].options = [...editor.items];
    });
  }

  render() {
    this.list = h('div', { class: 'diagnostics__items' });
    this.count = h('span', { class: 'textlist__count', 'aria-live': 'polite' });
    this.addButton = h('button', { type: 'button', class: 'btn btn--secondary', 'data-path': 'diagnostics', id: `${this.id}-add`, onclick: () => this.add() }, 'Agregar pregunta');
    this.root = h(
      'fieldset',
      { class: 'diagnostics' },
      h('legend', { class: 'textlist__legend' }, 'Preguntas de diagnóstico', ' ', this.count),
      h('p', { class: 'field__hint' }, 'El bot las hace, en este orden, cuando alguien reporta una falla de este servicio, antes de ofrecer la autoayuda o levantar el ticket.'),
      h('p', { class: 'field__error', 'data-error-for': 'diagnostics', hidden: true }),
      this.list,
      this.addButton,
    );
    this.fill();
    return this.root;
  }

  add() {
    this.syncOptions();
    this.items.push({ id: '', question: '', answer: 'yesno', options: [], autoId: true });
    this.fill();
    this.onChange();
    this.list.lastElementChild?.querySelector('[data-role="question"]')?.focus();
  }

  remove(index) {
    this.syncOptions();
    this.items.splice(index, 1);
    this.fill();
    this.onChange();
    const rows = this.list.children;
    (rows[Math.min(index, rows.length - 1)]?.querySelector('[data-role="question"]') ?? this.addButton).focus();
  }

  move(index, delta) {
    const to = index + delta;
    if (to < 0 || to >= this.items.length) return;
    this.syncOptions();
    const [item] = this.items.splice(index, 1);
    this.items.splice(to, 0, item);
    this.fill();
    this.onChange();
    const row = this.list.children[to];
    const wanted = row?.querySelector(delta < 0 ? '[data-move="up"]' : '[data-move="down"]');
    const fallback = row?.querySelector(delta < 0 ? '[data-move="down"]' : '[data-move="up"]');
    (wanted && !wanted.disabled ? wanted : fallback)?.focus();
  }

  fill() {
    const n = this.items.length;
    this.optionEditors = [];
    replaceChildren(
      this.list,
      this.items.map((d, i) => this.renderItem(d, i, n)),
    );
    this.count.textContent = `(${n})`;
  }

  renderItem(d, i, n) {
    const base = `diagnostics[${i}]`;
    const title = `Pregunta ${i + 1}`;
    const idInput = h('input', { type: 'text', value: d.id, autocomplete: 'off', spellcheck: 'false', 'data-role': 'id' });
    const question = h('input', { type: 'text', value: d.question, autocomplete: 'off', 'data-role': 'question' });
    const answer = select(options(ANSWER_LABELS), d.answer, {});
    const optionsEditor = new TextListEditor({
      legend: 'Opciones de respuesta',
      path: `${base}.options`,
      items: d.options,
      itemLabel: (k) => `Opción ${k} de la pregunta ${i + 1}`,
      newLabel: 'Nueva opción',
      addLabel: 'Agregar opción',
      hint: 'Al menos 2 opciones.',
      onChange: () => this.onChange(),
    });
    this.optionEditors[i] = optionsEditor;
    const optionsBox = h('div', { class: 'diagnostic__options', hidden: d.answer !== 'choice' }, optionsEditor.render());

    // While the identifier has not been written by hand, it follows the question («otro-equipo»).
    idInput.addEventListener('input', () => {
      d.id = idInput.value;
      d.autoId = false;
      this.onChange();
    });
    question.addEventListener('input', () => {
      d.question = question.value;
      if (d.autoId) {
        d.id = slugify(d.question);
        idInput.value = d.id;
      }
      this.onChange();
    });
    answer.addEventListener('change', () => {
      d.answer = answer.value;
      optionsBox.hidden = d.answer !== 'choice';
      this.onChange();
    });

    return h(
      'fieldset',
      { class: 'diagnostic', 'data-diagnostic': String(i) },
      h('legend', { class: 'diagnostic__legend' }, title),
      h('p', { class: 'field__error', 'data-error-for': base, hidden: true }),
      h(
        'div',
        { class: 'grid grid--diagnostic' },
        field({ label: 'Pregunta', control: question, path: `${base}.question`, required: true }),
        field({ label: 'Identificador', control: idInput, path: `${base}.id`, required: true, hint: 'Minúsculas y guiones, p. ej. otro-equipo. Se propone a partir de la pregunta.' }),
        field({ label: 'Tipo de respuesta', control: answer, path: `${base}.answer` }),
      ),
      optionsBox,
      h(
        'div',
        { class: 'diagnostic__buttons' },
        h('button', { type: 'button', class: 'btn btn--icon', 'data-move': 'up', 'aria-label': `Subir: ${title}`, title: 'Subir', disabled: i === 0, onclick: () => this.move(i, -1) }, '↑'),
        h('button', { type: 'button', class: 'btn btn--icon', 'data-move': 'down', 'aria-label': `Bajar: ${title}`, title: 'Bajar', disabled: i === n - 1, onclick: () => this.move(i, 1) }, '↓'),
        h('button', { type: 'button', class: 'btn btn--link-danger', onclick: () => this.remove(i) }, `Quitar pregunta ${i + 1}`),
      ),
    );
  }
}
