// «Indicadores» (coordinators and admins): the month's help-desk indicators of seed 002 «MEDICIÓN» — the four seed
// figures first, then the supervision figures, the SLA per priority, the charts (six-month trend, by channel, by
// resolver group) and the monthly exports. The month is in the address (`?month=YYYY-MM`), the previous one by default.
import { ApiError } from './api.js';
import { barChart, chartFigure, percentLineChart } from './charts.js';
import { focusElement, h, nextId, replaceChildren } from './dom.js';
import { CHANNEL_LABELS, label } from './labels.js';

export const REPORT_ROLES = ['coordinator', 'admin'];

const TIME_ZONE = 'America/Mexico_City';
const TREND_MONTHS = 6;
const MONTH = /^(2\d{3})-(0[1-9]|1[0-2])$/;
const FORBIDDEN = 'Su cuenta no tiene permiso para ver los indicadores. Pídalos a la coordinación del centro.';
const UNEXPECTED = 'Ocurrió un error inesperado al mostrar los indicadores. Recargue la página e intente de nuevo.';

/** The four indicators of seed 002, in its order. */
const SEED_INDICATORS = [
  ['firstLevel', 'Atendidas en primer nivel'],
  ['secondLevel', 'Segundo nivel (tickets)'],
  ['transferred', 'Transferidas'],
  ['outbound', 'Llamadas al exterior'],
];
const MORE_SHARES = [
  ['informative', 'Registros informativos'],
  ['outOfScope', 'Fuera de competencia (orientadas)'],
  ['handoffs', 'Canalizadas a un agente'],
  ['containment', 'Resueltas por el bot (contención)'],
];

/** The CSV's «resultado» of the items behind each count (services/reports/monthly-report.ts RESULT_LABELS). */
const RESULT_FILTERS = {
  firstLevel: 'Primer nivel',
  secondLevel: 'Segundo nivel (ticket)',
  transferred: 'Transferida a extensión',
  informative: 'Registro informativo',
  outOfScope: 'Fuera de competencia (orientada)',
};
/** The CSV's «canal» names (monthly-report.ts CHANNEL_LABELS differ from the console's for X). */
const CSV_CHANNEL_NAMES = { ...CHANNEL_LABELS, x: 'X' };

const numberFormat = new Intl.NumberFormat('es-MX');
const pctFormat = new Intl.NumberFormat('es-MX', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const count = (n) => numberFormat.format(n ?? 0);
/** 45.2 → «45.2 %». */
export const percent = (p) => `${pctFormat.format(p ?? 0)} %`;

/** Seconds as «m:ss» (125 → «2:05»), or a dash when nothing was measured. */
export function minutes(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** An SLA target: «15 min», «4 h», «1 h 30 min». */
function duration(seconds) {
  const h_ = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return [h_ ? `${h_} h` : null, m || !h_ ? `${m} min` : null].filter(Boolean).join(' ');
}

/** The month `YYYY-MM` `delta` months from `month`. */
function shiftMonth(month, delta) {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** This month on the desk's calendar. */
function currentMonth() {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit' }).formatToParts(new Date()).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}`;
}

/** «noviembre de 2026» (or «nov 2026» with `short`). */
function monthName(month, short = false) {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat('es-MX', { timeZone: 'UTC', year: 'numeric', month: short ? 'short' : 'long' }).format(new Date(Date.UTC(y, m - 1, 15)));
}

const lastDay = (month) => {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
};

/** What the person reads for a failed request: no permission, a bad month, no connection, or the API's message. */
function errorText(error) {
  if (!(error instanceof ApiError)) return UNEXPECTED;
  if (error.status === 403) return FORBIDDEN;
  return error.message;
}

export class ReportsView {
  constructor(ctx) {
    this.ctx = ctx;
    this.api = ctx.api;
    this.charts = [];
    /** Each load has a number; answers of an older load (the month changed meanwhile) are dropped. */
    this.loadId = 0;
    /** Set when the month picker changed the address: focus stays on the picker. */
    this.keepFocus = false;
  }

  exportUrl(month, format) {
    return `/api/reports/monthly?month=${encodeURIComponent(month)}&format=${format}`;
  }

  async show(_subpath, { focusHeading, search }) {
    this.ctx.setTitle('Indicadores');
    if (!REPORT_ROLES.includes(this.ctx.user?.role)) {
      // The API would answer 403 as well: say so without asking it.
      const heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Indicadores');
      replaceChildren(this.ctx.main, h('div', { class: 'page' }, heading, h('div', { role: 'alert' }, h('div', { class: 'notice notice--error' }, h('p', { class: 'notice__title' }, FORBIDDEN)))));
      this.shell = null;
      if (focusHeading) focusElement(heading);
      return;
    }
    if (!this.shell?.isConnected) this.buildShell();
    const given = search?.get('month');
    if (given === null || given === undefined || given === '') {
      // The address always says which month is shown.
      await this.ctx.navigate(`${this.ctx.basePath}?month=${shiftMonth(currentMonth(), -1)}`, { replace: true, force: true });
      return;
    }
    const moveFocus = focusHeading && !this.keepFocus;
    this.keepFocus = false;
    await this.load(given.trim(), moveFocus);
  }

  buildShell() {
    this.heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Indicadores');
    const monthId = nextId('report-month');
    this.monthInput = h('input', { type: 'month', id: monthId, name: 'month', required: true, max: currentMonth(), min: '2000-01', onchange: () => this.pickMonth() });
    const form = h(
      'form',
      { class: 'reports__picker', 'aria-label': 'Mes del reporte', onsubmit: (e) => this.pickMonth(e) },
      h('label', { for: monthId, class: 'field__label' }, 'Mes'),
      h('div', { class: 'try__row' }, this.monthInput, h('button', { type: 'submit', class: 'btn btn--secondary' }, 'Ver mes')),
    );
    this.csvLink = h('a', { class: 'btn btn--secondary', download: true, href: '#' }, 'Descargar CSV');
    this.xlsxLink = h('a', { class: 'btn btn--secondary', download: true, href: '#' }, 'Descargar Excel');
    this.alert = h('div', { class: 'reports__alert', role: 'alert' });
    this.status = h('p', { class: 'reports__status', role: 'status', 'aria-live': 'polite' });
    this.note = h('div', { class: 'reports__note', role: 'status', 'aria-live': 'polite' });
    this.content = h('div', { class: 'reports__content stack' });
    this.shell = h(
      'div',
      { class: 'page reports' },
      this.heading,
      h('p', { class: 'panel__lead' }, 'Los indicadores mensuales de la mesa de ayuda (procedimiento de atención telefónica, «Medición»): cada porcentaje es sobre las solicitudes recibidas en el mes por cualquier medio.'),
      h('div', { class: 'reports__toolbar' }, form, h('div', { class: 'button-row reports__downloads' }, this.csvLink, this.xlsxLink)),
      this.alert,
      this.status,
      this.note,
      this.content,
    );
    replaceChildren(this.ctx.main, this.shell);
  }

  pickMonth(event) {
    event?.preventDefault();
    const month = this.monthInput.value;
    if (!MONTH.test(month) || month === this.month) return;
    this.keepFocus = document.activeElement === this.monthInput;
    this.ctx.navigate(`${this.ctx.basePath}?month=${month}`);
  }

  showError(text) {
    replaceChildren(this.alert, text ? h('div', { class: 'notice notice--error' }, h('p', { class: 'notice__title' }, text)) : null);
  }

  destroyCharts() {
    for (const chart of this.charts) chart.destroy();
    this.charts = [];
  }

  dispose() {
    this.loadId += 1;
    this.destroyCharts();
  }

  async load(month, moveFocus) {
    const id = ++this.loadId;
    this.month = month;
    if (MONTH.test(month)) this.monthInput.value = month;
    this.csvLink.href = this.exportUrl(month, 'csv');
    this.xlsxLink.href = this.exportUrl(month, 'xlsx');
    this.showError(null);
    replaceChildren(this.note);
    this.destroyCharts();
    this.content.setAttribute('aria-busy', 'true');
    replaceChildren(this.content, h('p', { class: 'loading' }, 'Cargando los indicadores…'));
    this.status.textContent = MONTH.test(month) ? `Cargando los indicadores de ${monthName(month)}…` : 'Cargando los indicadores…';
    let report;
    try {
      report = await this.api.request('GET', `/api/reports/monthly?month=${encodeURIComponent(month)}`);
    } catch (error) {
      if (id !== this.loadId) return;
      this.content.removeAttribute('aria-busy');
      replaceChildren(this.content);
      this.status.textContent = '';
      this.showError(errorText(error));
      if (moveFocus) focusElement(this.heading);
      return;
    }
    if (id !== this.loadId) return;
    this.ctx.setTitle(`Indicadores de ${monthName(month)}`);
    this.render(report);
    this.content.removeAttribute('aria-busy');
    this.status.textContent = `Indicadores de ${monthName(month)}: ${count(report.received)} solicitudes recibidas.`;
    if (moveFocus) focusElement(this.heading);
    await this.loadTrend(id, month, report);
  }

  render(report) {
    const month = this.month;
    const empty = report.received === 0;
    const csv = this.exportUrl(month, 'csv');
    const sections = [
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'reports-seed-title' },
        h('h2', { id: 'reports-seed-title' }, `Indicadores del procedimiento — ${monthName(month)}`),
        empty
          ? h('p', { class: 'notice notice--info reports__empty' }, 'Sin actividad en este mes')
          : [
              h('p', { class: 'reports__received' }, `${count(report.received)} solicitudes recibidas (llamadas, conversaciones, oficios y visitas).`),
              h('ul', { class: 'kpis' }, SEED_INDICATORS.map(([key, title]) => this.kpi(key, title, report[key], report.received, csv))),
              report.outboundAttempts > report.outbound.count
                ? h('p', { class: 'muted' }, `Llamadas al exterior sin respuesta: ${count(report.outboundAttempts - report.outbound.count)}.`)
                : null,
            ],
      ),
    ];
    if (!empty) sections.push(this.moreSection(report, csv), this.slaSection(report));
    this.trend = chartFigure({ id: 'chart-trend', title: 'Tendencia de los últimos seis meses', summary: 'Cargando…', columns: ['Mes'], rows: [] });
    sections.push(h('section', { class: 'panel', 'aria-labelledby': 'reports-charts-title' }, h('h2', { id: 'reports-charts-title' }, 'Gráficas'), h('div', { class: 'charts' }, this.trend.figure, empty ? null : [this.channelChart(report, csv), this.groupChart(report)])));
    replaceChildren(this.content, sections);
  }

  /** A seed indicator: its percentage large, its count (which downloads the month's detail) «de N recibidas». */
  kpi(key, title, share, received, csv) {
    const result = RESULT_FILTERS[key];
    const number = result
      ? h(
          'a',
          { href: csv, download: true, class: 'kpi__drill', onclick: () => this.drillNote(share.count, 'resultado', result) },
          h('span', { class: 'kpi__number' }, count(share.count)),
          h('span', { class: 'visually-hidden' }, ` (${title.toLowerCase()}): descargar su detalle en CSV`),
        )
      : h('span', { class: 'kpi__number' }, count(share.count));
    return h(
      'li',
      { class: 'kpi', 'data-indicator': key },
      h('h3', { class: 'kpi__title' }, title),
      h('p', { class: 'kpi__value' }, percent(share.pct)),
      h('p', { class: 'kpi__count' }, number, ` de ${count(received)} recibidas`),
    );
  }

  /** There is no item API yet: the drill-down is the month's CSV, one row per request with its result. */
  drillNote(n, column, value) {
    replaceChildren(
      this.note,
      h(
        'div',
        { class: 'notice notice--info' },
        h('p', { class: 'notice__title' }, `Se descargó el reporte general de ${monthName(this.month)} (CSV).`),
        h(
          'p',
          {},
          `Para ver estas ${count(n)} solicitudes, filtre la columna «${column}» por «${value}». El archivo tiene una fila por conversación, llamada, oficio o visita, con su ticket; cada fila muestra un solo resultado, el de mayor nivel.`,
        ),
      ),
    );
  }

  moreSection(report, csv) {
    const row = (title, value, detail) => [h('dt', {}, title), h('dd', {}, h('span', { class: 'facts__value' }, value), detail ? h('span', { class: 'muted' }, ` — ${detail}`) : null)];
    const share = (s) => `${percent(s.pct)} (${count(s.count)})`;
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'reports-more-title' },
      h('h2', { id: 'reports-more-title' }, 'Más indicadores'),
      h(
        'dl',
        { class: 'facts reports__more' },
        MORE_SHARES.map(([key, title]) => row(title, share(report[key]), `de ${count(report.received)} recibidas`)),
        row('Espera en cola, promedio', minutes(report.waits.avgSeconds), `${count(report.waits.count)} esperas medidas (m:ss)`),
        row('Espera en cola, percentil 90', minutes(report.waits.p90Seconds), '9 de cada 10 esperaron esto o menos (m:ss)'),
        row('Abandono en espera', share(report.abandonment), `de ${count(report.abandonment.queued)} en cola`),
        row('Tiempo de atención, promedio', minutes(report.handleTime.avgSeconds), `${count(report.handleTime.count)} atenciones cerradas por un agente (m:ss)`),
      ),
      h('p', { class: 'muted' }, 'El detalle de cada solicitud está en ', h('a', { href: csv, download: true }, 'el CSV del mes'), ' (columna «resultado»).'),
    );
  }

  slaSection(report) {
    const priorities = Object.keys(report.sla ?? {}).sort();
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'reports-sla-title' },
      h('h2', { id: 'reports-sla-title' }, 'Cumplimiento de SLA por prioridad'),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table reports__sla' },
          h('caption', { class: 'visually-hidden' }, 'Tickets creados en el mes (sin cancelados) que cumplieron la meta de primera respuesta y de resolución'),
          h('thead', {}, h('tr', {}, ['Prioridad', 'Tickets', 'Meta de primera respuesta', 'Primera respuesta en meta', 'Meta de resolución', 'Resolución en meta'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            {},
            priorities.map((p) => {
              const s = report.sla[p];
              return h(
                'tr',
                { 'data-priority': p },
                h('th', { scope: 'row' }, p),
                h('td', { class: 'num' }, count(s.tickets)),
                h('td', { class: 'num' }, duration(s.targets.firstResponseSeconds)),
                h('td', { class: 'num' }, s.tickets ? `${percent(s.firstResponsePct)} (${count(s.firstResponseMet)})` : '—'),
                h('td', { class: 'num' }, duration(s.targets.resolutionSeconds)),
                h('td', { class: 'num' }, s.tickets ? `${percent(s.resolutionPct)} (${count(s.resolutionMet)})` : '—'),
              );
            }),
          ),
        ),
      ),
    );
  }

  channelChart(report, csv) {
    const entries = Object.entries(report.byChannel ?? {}).filter(([, b]) => b.received > 0).sort((a, b) => b[1].received - a[1].received);
    const names = entries.map(([c]) => label(CHANNEL_LABELS, c));
    const summary = entries.map(([, b], i) => `${names[i]}: ${count(b.received)}`).join('; ') || 'sin solicitudes';
    const chart = chartFigure({
      id: 'chart-channels',
      title: 'Solicitudes recibidas por medio',
      summary,
      columns: ['Medio', 'Recibidas', 'Primer nivel', 'Segundo nivel'],
      rows: entries.map(([, b], i) => [names[i], count(b.received), percent(b.firstLevel.pct), percent(b.secondLevel.pct)]),
    });
    chart.status.textContent = 'Haga clic en una barra para descargar el detalle del mes (CSV).';
    this.draw(chart, () =>
      barChart(chart.canvas, {
        labels: names,
        values: entries.map(([, b]) => b.received),
        seriesLabel: 'Recibidas',
        onBarClick: (i) => {
          const a = h('a', { href: csv, download: true, hidden: true });
          document.body.append(a);
          a.click();
          a.remove();
          this.drillNote(entries[i][1].received, 'canal', CSV_CHANNEL_NAMES[entries[i][0]] ?? entries[i][0]);
        },
      }),
    );
    return chart.figure;
  }

  groupChart(report) {
    const entries = Object.entries(report.byGroup ?? {}).filter(([, b]) => b.received > 0).sort((a, b) => b[1].received - a[1].received);
    const chart = chartFigure({
      id: 'chart-groups',
      title: 'Solicitudes recibidas por grupo resolutor',
      summary: entries.map(([g, b]) => `${g}: ${count(b.received)}`).join('; ') || 'sin solicitudes',
      columns: ['Grupo resolutor', 'Recibidas', 'Segundo nivel'],
      rows: entries.map(([g, b]) => [g, count(b.received), count(b.secondLevel.count)]),
    });
    this.draw(chart, () => barChart(chart.canvas, { labels: entries.map(([g]) => g), values: entries.map(([, b]) => b.received), seriesLabel: 'Recibidas' }));
    return chart.figure;
  }

  /** Draws a chart once the library is there; a library that does not load leaves the table and says so. */
  draw(chart, make, id = this.loadId) {
    make().then(
      (instance) => {
        if (id === this.loadId && chart.figure.isConnected) this.charts.push(instance);
        else instance.destroy();
      },
      () => {
        if (id === this.loadId) chart.status.textContent = 'No se pudo dibujar la gráfica; sus datos siguen disponibles para lectores de pantalla y en el CSV.';
      },
    );
  }

  /** The four seed indicators over six months: one indicators request per earlier month, one after another. */
  async loadTrend(id, month, report) {
    const months = Array.from({ length: TREND_MONTHS }, (_, i) => shiftMonth(month, i - TREND_MONTHS + 1));
    const data = new Map([[month, report]]);
    const { figure, status } = this.trend;
    figure.dataset.state = 'loading';
    for (const [i, m] of months.slice(0, -1).entries()) {
      status.textContent = `Cargando la tendencia (${i + 1} de ${TREND_MONTHS - 1} meses anteriores)…`;
      try {
        data.set(m, await this.api.request('GET', `/api/reports/indicators?from=${m}-01&to=${lastDay(m)}`));
      } catch (error) {
        if (id !== this.loadId) return;
        figure.dataset.state = 'error';
        status.textContent = `No se pudo cargar la tendencia: ${errorText(error)}`;
        return;
      }
      if (id !== this.loadId) return;
    }
    const labels = months.map((m) => monthName(m, true));
    const rows = months.map((m) => [monthName(m), ...SEED_INDICATORS.map(([key]) => (data.get(m).received ? percent(data.get(m)[key].pct) : 'Sin actividad'))]);
    const last = data.get(month);
    const chart = chartFigure({
      id: 'chart-trend',
      title: 'Tendencia de los últimos seis meses',
      summary: `Porcentaje de cada indicador del procedimiento, de ${monthName(months[0])} a ${monthName(month)}. En ${monthName(month)}: ${SEED_INDICATORS.map(([key, t]) => `${t} ${percent(last[key].pct)}`).join(', ')}.`,
      columns: ['Mes', ...SEED_INDICATORS.map(([, t]) => t)],
      rows,
    });
    this.trend.figure.replaceWith(chart.figure);
    this.trend = chart;
    chart.figure.dataset.state = 'ready';
    chart.status.textContent = 'Porcentaje sobre las solicitudes recibidas de cada mes.';
    this.draw(
      chart,
      () => percentLineChart(chart.canvas, { labels, series: SEED_INDICATORS.map(([key, t]) => ({ label: t, values: months.map((m) => (data.get(m).received ? data.get(m)[key].pct : null)) })) }),
      id,
    );
  }
}
