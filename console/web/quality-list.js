// «Calidad» → «Revisiones mensuales»: the months reviewed so far, and «Nueva muestra» (draw the random sample of a
// month: its size, and optionally the seed to draw the same sample again).
import { field, focusElement, formatDate, h, nextId, replaceChildren } from './dom.js';
import { MONTH, count, errorNotice, errorText, monthName, shiftMonth, statusBadge, table, today } from './quality-format.js';

export class ReviewListPage {
  constructor(ctx) {
    this.ctx = ctx;
    this.api = ctx.api;
  }

  async render(root, { focusHeading }) {
    this.ctx.setTitle('Calidad');
    this.heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Revisiones de calidad');
    this.alert = h('div', { role: 'alert' });
    this.list = h('div', { class: 'quality-reviews', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Cargando las revisiones…'));
    replaceChildren(
      root,
      this.heading,
      h(
        'p',
        { class: 'panel__lead' },
        'Cada mes se revisa una muestra al azar de las conversaciones y llamadas atendidas contra el protocolo de atención; el informe va a coordinación, que lo aprueba o lo devuelve con observaciones, y de él salen las acciones correctivas.',
      ),
      this.alert,
      h('div', { class: 'quality-columns' }, h('section', { class: 'panel', 'aria-labelledby': 'quality-reviews-title' }, h('h2', { id: 'quality-reviews-title' }, 'Revisiones'), this.list), this.sampleForm()),
    );
    if (focusHeading) focusElement(this.heading);
    await this.load();
  }

  async load() {
    let data;
    try {
      data = await this.api.request('GET', '/api/quality/reviews');
    } catch (error) {
      this.list.removeAttribute('aria-busy');
      replaceChildren(this.list);
      replaceChildren(this.alert, errorNotice(errorText(error, 'Su cuenta no tiene permiso para ver las revisiones de calidad.')));
      return;
    }
    this.list.removeAttribute('aria-busy');
    const reviews = data.reviews ?? [];
    if (reviews.length === 0) {
      replaceChildren(this.list, h('p', { class: 'muted quality-empty' }, 'Todavía no hay revisiones. Extraiga la muestra de un mes con «Nueva muestra».'));
      return;
    }
    replaceChildren(
      this.list,
      table({
        caption: 'Revisiones de calidad por mes',
        className: 'quality-reviews__table',
        columns: ['Mes', 'Estado', { label: 'Muestra', num: true }, { label: 'Revisados', num: true }, 'Extraída'],
        rows: reviews.map((r) =>
          h(
            'tr',
            { 'data-month': r.month },
            h('th', { scope: 'row' }, h('a', { href: `${this.ctx.basePath}/${r.month}` }, monthName(r.month))),
            h('td', {}, statusBadge(r.status)),
            h('td', { class: 'num' }, count(r.items ?? r.sampleSize)),
            h('td', { class: 'num' }, `${count(r.reviewed)} de ${count(r.items ?? r.sampleSize)}`),
            h('td', {}, formatDate(r.createdAt)),
          ),
        ),
      }),
    );
  }

  sampleForm() {
    const month = h('input', { type: 'month', name: 'month', required: true, value: shiftMonth(today().slice(0, 7), -1), max: shiftMonth(today().slice(0, 7), -1), min: '2000-01' });
    // The server's limit (MAX_SAMPLE_SIZE).
    const size = h('input', { type: 'number', name: 'size', min: '1', max: '500', step: '1', inputmode: 'numeric' });
    const seed = h('input', { type: 'text', name: 'seed', maxlength: '64', pattern: '[A-Za-z0-9_-]+', autocomplete: 'off', spellcheck: 'false' });
    const error = h('div', { role: 'alert' });
    const button = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Extraer muestra');
    const titleId = nextId('quality-sample-title');
    const form = h(
      'form',
      {
        class: 'panel quality-sample',
        'aria-labelledby': titleId,
        novalidate: true,
        onsubmit: async (event) => {
          event.preventDefault();
          replaceChildren(error);
          const body = { month: month.value.trim() };
          if (!MONTH.test(body.month)) {
            replaceChildren(error, errorNotice('Indique el mes de la muestra (AAAA-MM).'));
            focusElement(month);
            return;
          }
          if (size.value.trim() !== '') {
            const n = Number(size.value);
            if (!Number.isInteger(n) || n < 1) {
              replaceChildren(error, errorNotice('El tamaño de la muestra debe ser un número entero mayor que cero.'));
              focusElement(size);
              return;
            }
            body.size = n;
          }
          if (seed.value.trim() !== '') body.seed = seed.value.trim();
          button.disabled = true;
          button.setAttribute('aria-busy', 'true');
          try {
            const review = await this.api.request('POST', '/api/quality/reviews', body);
            await this.ctx.navigate(`${this.ctx.basePath}/${review.month ?? body.month}`);
          } catch (e) {
            const exists = e?.status === 409;
            replaceChildren(
              error,
              h(
                'div',
                { class: 'notice notice--error' },
                h('p', { class: 'notice__title' }, errorText(e, 'Su cuenta no tiene permiso para extraer muestras.')),
                exists ? h('p', {}, h('a', { href: `${this.ctx.basePath}/${body.month}` }, `Abrir la revisión de ${monthName(body.month)}`)) : null,
              ),
            );
          } finally {
            button.disabled = false;
            button.removeAttribute('aria-busy');
          }
        },
      },
      h('h2', { id: titleId }, 'Nueva muestra'),
      h('p', { class: 'muted' }, 'La muestra se extrae al azar entre las conversaciones y llamadas del mes atendidas, repartida por medio y por agente.'),
      field({ label: 'Mes', control: month, required: true }),
      field({ label: 'Tamaño de la muestra', control: size, hint: 'Opcional: sin él se usa el tamaño predeterminado.' }),
      field({ label: 'Semilla', control: seed, hint: 'Opcional: letras, dígitos, «-» o «_». La misma semilla extrae la misma muestra (para auditoría).' }),
      error,
      h('div', { class: 'button-row' }, button),
    );
    return form;
  }
}
