// «Probar búsqueda»: what the switchboard finds for a request as a caller would say it («con la licenciada María
// Pérez», «recursos humanos», «extensión cuatro dos cinco cero cero»), with the score and how the bot would act.
import { MATCHED_ON_LABELS, OUTCOME_LABELS } from './directory-labels.js';
import { formatPercent, h, nextId, replaceChildren } from './dom.js';
import { errorBlock } from './errors.js';
import { label } from './labels.js';

export class DirectoryTry {
  constructor({ view, api }) {
    this.view = view;
    this.api = api;
    this.title = 'Probar la búsqueda del directorio';
  }

  render() {
    const id = nextId('directory-try');
    this.input = h('input', { type: 'text', id, autocomplete: 'off', maxlength: '500', placeholder: 'comuníqueme con la licenciada María Pérez' });
    this.result = h('div', { class: 'try__result', 'aria-live': 'polite' });
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'directory-try-title' },
      h('div', { class: 'panel__header' }, h('h2', { id: 'directory-try-title', tabindex: '-1' }, 'Probar búsqueda')),
      h('p', { class: 'panel__lead' }, 'Escriba lo que diría quien llama. La búsqueda tolera errores de ortografía y de reconocimiento de voz, y entiende extensiones dichas con palabras.'),
      h(
        'form',
        { class: 'try__form', onsubmit: (e) => this.run(e) },
        h('div', { class: 'field' }, h('label', { for: id, class: 'field__label' }, 'Lo que dice quien llama'), this.input),
        h('button', { type: 'submit', class: 'btn btn--primary' }, 'Buscar'),
      ),
      this.result,
    );
  }

  async run(event) {
    event.preventDefault();
    const q = this.input.value.trim();
    if (!q) return;
    try {
      const data = await this.api.request('GET', `/api/directory/lookup?limit=5&q=${encodeURIComponent(q)}`);
      const rows = data.matches.map((m) =>
        h(
          'tr',
          { 'data-id': m.entry.id },
          h('th', { scope: 'row' }, m.entry.name),
          h('td', { class: 'num' }, formatPercent(m.score)),
          h('td', {}, label(MATCHED_ON_LABELS, m.matchedOn)),
          h('td', {}, m.entry.extension ?? '—'),
          h('td', {}, `«${m.spokenName}»`),
        ),
      );
      replaceChildren(
        this.result,
        h('p', { class: 'notice notice--info', 'data-outcome': data.outcome }, label(OUTCOME_LABELS, data.outcome)),
        rows.length > 0
          ? h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { class: 'table' },
                h('caption', { class: 'visually-hidden' }, 'Resultados de la búsqueda'),
                h('thead', {}, h('tr', {}, ['Entrada', 'Puntaje', 'Coincide en', 'Extensión', 'Cómo se dice'].map((t) => h('th', { scope: 'col' }, t)))),
                h('tbody', {}, rows),
              ),
            )
          : null,
      );
    } catch (error) {
      replaceChildren(this.result, errorBlock(error));
    }
  }
}
