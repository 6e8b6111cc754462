// «Indicadores» (coordinators and admins): the month's help-desk indicators of seed 002 «MEDICIÓN» — the four seed
// figures first, then the supervision figures, the SLA per priority, the breakdowns by channel, resolver group, unit
// and agent, the charts (six-month trend, by channel, by resolver group) and the monthly exports. Every count opens
// the list of the items behind it (report-drill.js). The month is in the address (`?month=YYYY-MM`), the previous
// one by default. The month's figures are painted as soon as they arrive (performance mark `reports:indicators`);
// whether the month's report was generated and mailed (`GET /api/reports/stored`) and the trend's earlier months
// come after.
import { ApiError } from './api.js';
import { barChart, chartFigure, percentLineChart } from './charts.js';
import { focusElement, formatDate, h, nextId, replaceChildren } from './dom.js';
import { CHANNEL_LABELS, label } from './labels.js';
import { DrillDialog } from './report-drill.js';
import { REPORT_ROLES } from './roles.js';

export { REPORT_ROLES };

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

/**
 * The report's keys and the drill-down's indicator (`GET /api/reports/items?indicator=`) of each count; `outbound`
 * lists the answered calls placed for staff (not received items), for the whole month only.
 */
const DRILLS = {
  received: { indicator: 'received', title: 'Solicitudes recibidas' },
  firstLevel: { indicator: 'firstLevel', title: 'Atendidas en primer nivel' },
  secondLevel: { indicator: 'secondLevel', title: 'Segundo nivel (tickets)' },
  transferred: { indicator: 'transferred', title: 'Transferidas' },
  outbound: { indicator: 'outbound', title: 'Llamadas al exterior' },
  outboundFailed: { indicator: 'outboundFailed', title: 'Llamadas al exterior sin respuesta' },
  informative: { indicator: 'informative', title: 'Registros informativos' },
  outOfScope: { indicator: 'outOfScope', title: 'Fuera de competencia (orientadas)' },
  handoffs: { indicator: 'handoffs', title: 'Canalizadas a un agente' },
  containment: { indicator: 'contained', title: 'Resueltas por el bot (contención)' },
  abandonment: { indicator: 'abandoned', title: 'Abandonos en espera de agente' },
};
/** Columns of the breakdown tables: report key, header. */
const BREAKDOWN_COLUMNS = [
  ['received', 'Recibidas'],
  ['firstLevel', 'Primer nivel'],
  ['secondLevel', 'Segundo nivel'],
  ['transferred', 'Transferidas'],
  ['informative', 'Informativas'],
  ['outOfScope', 'Fuera de competencia'],
  ['handoffs', 'Con agente'],
  ['containment', 'Contención'],
];
/** The breakdowns: report key, drill-down filter, title, first column, whether the queue's abandonment is shown. */
const BREAKDOWNS = [
  ['byChannel', 'channel', 'Por medio', 'Medio', true],
  ['byGroup', 'group', 'Por grupo resolutor', 'Grupo resolutor', true],
  ['byUnit', 'unit', 'Por unidad', 'Unidad', false],
  ['byAgent', 'agent', 'Por agente', 'Agente', false],
];

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
    this.drill = new DrillDialog(this.api);
    this.content = h('div', { class: 'reports__content stack' });
    this.shell = h(
      'div',
      { class: 'page reports' },
      this.heading,
      h('p', { class: 'panel__lead' }, 'Los indicadores mensuales de la mesa de ayuda (procedimiento de atención telefónica, «Medición»): cada porcentaje es sobre las solicitudes recibidas en el mes por cualquier medio.'),
      h('div', { class: 'reports__toolbar' }, form, h('div', { class: 'button-row reports__downloads' }, this.csvLink, this.xlsxLink)),
      this.alert,
      this.status,
      this.content,
      this.drill.element,
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
    this.drill?.close();
    this.destroyCharts();
  }

  async load(month, moveFocus) {
    const id = ++this.loadId;
    this.month = month;
    if (MONTH.test(month)) this.monthInput.value = month;
    this.csvLink.href = this.exportUrl(month, 'csv');
    this.xlsxLink.href = this.exportUrl(month, 'xlsx');
    this.showError(null);
    this.drill.close();
    this.destroyCharts();
    this.content.setAttribute('aria-busy', 'true');
    replaceChildren(this.content, h('p', { class: 'loading' }, 'Cargando los indicadores…'));
    this.status.textContent = MONTH.test(month) ? `Cargando los indicadores de ${monthName(month)}…` : 'Cargando los indicadores…';
    let report;
    const url = `/api/reports/monthly?month=${encodeURIComponent(month)}`;
    try {
      // On a page load the shell already asked for it (app.js SECTIONS `early`), beside the session check.
      report = await (this.ctx.early?.(url) ?? this.api.request('GET', url));
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
    // The month's figures are on the page (the benchmark measures up to here; the trend comes after).
    performance.mark?.('reports:indicators');
    this.content.removeAttribute('aria-busy');
    this.status.textContent = `Indicadores de ${monthName(month)}: ${count(report.received)} solicitudes recibidas.`;
    if (moveFocus) focusElement(this.heading);
    // Not awaited: the stored report's line and the trend arrive each on its own.
    this.loadStored(id, month);
    await this.loadTrend(id, month, report);
  }

  /**
   * Whether the month's report was generated (seed 001: three days after the month closes) and mailed, with the
   * spreadsheet as it was sent; or, when there is none yet (404), from which day it is generated.
   */
  async loadStored(id, month) {
    const box = this.storedBox;
    let stored;
    try {
      stored = await this.api.request('GET', `/api/reports/stored?month=${encodeURIComponent(month)}`);
    } catch (error) {
      if (id !== this.loadId) return;
      const missing = error instanceof ApiError && error.status === 404;
      box.dataset.state = missing ? 'missing' : 'error';
      const text = missing
        ? error.code === 'ReportNotFound'
          ? error.message
          : 'Aún no se genera el reporte mensual de este mes.'
        : `No se pudo consultar el reporte mensual guardado: ${errorText(error)}`;
      replaceChildren(box, h('p', { class: missing ? 'muted' : 'notice notice--error' }, text));
      return;
    }
    if (id !== this.loadId) return;
    const n = stored.recipients?.length ?? 0;
    const by = stored.generatedBy === 'scheduler' ? 'el sistema (automáticamente)' : stored.generatedBy;
    const sent = stored.emailedAt && n > 0 ? `enviado el ${formatDate(stored.emailedAt)} a ${count(n)} ${n === 1 ? 'destinatario' : 'destinatarios'}` : 'no se envió por correo';
    box.dataset.state = 'stored';
    replaceChildren(
      box,
      h('p', { class: 'reports__stored-text' }, `Reporte mensual guardado el ${formatDate(stored.generatedAt)} por ${by}; ${sent}.`),
      h('p', {}, h('a', { href: `/api/reports/stored/xlsx?month=${encodeURIComponent(month)}`, download: true, class: 'reports__stored-xlsx' }, 'Descargar el Excel enviado')),
    );
  }

  render(report) {
    const month = this.month;
    const empty = report.received === 0;
    const sections = [
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'reports-seed-title' },
        h('h2', { id: 'reports-seed-title' }, `Indicadores del procedimiento — ${monthName(month)}`),
        empty
          ? h('p', { class: 'notice notice--info reports__empty' }, 'Sin actividad en este mes')
          : [
              h('p', { class: 'reports__received' }, this.drillButton('received', {}, report.received, 'kpi__drill'), ' solicitudes recibidas (llamadas, conversaciones, oficios y visitas).'),
              h('ul', { class: 'kpis' }, SEED_INDICATORS.map(([key, title]) => this.kpi(key, title, report[key], report.received))),
              report.outboundAttempts > report.outbound.count
                ? h(
                    'p',
                    { class: 'muted reports__outbound-failed' },
                    'Llamadas al exterior sin respuesta: ',
                    this.drillButton('outboundFailed', {}, report.outboundAttempts - report.outbound.count),
                    ` de ${count(report.outboundAttempts)} intentos (ocupado, sin respuesta o falla del servicio).`,
                  )
                : null,
            ],
      ),
    ];
    this.storedBox = h('div', { class: 'reports__stored', 'data-state': 'loading' }, h('p', { class: 'muted' }, 'Consultando el reporte mensual guardado…'));
    sections.push(h('section', { class: 'panel', 'aria-labelledby': 'reports-stored-title' }, h('h2', { id: 'reports-stored-title' }, 'Reporte mensual'), this.storedBox));
    if (!empty) sections.push(this.moreSection(report), this.slaSection(report), this.breakdownSection(report));
    this.trend = chartFigure({ id: 'chart-trend', title: 'Tendencia de los últimos seis meses', summary: 'Cargando…', columns: ['Mes'], rows: [] });
    sections.push(h('section', { class: 'panel', 'aria-labelledby': 'reports-charts-title' }, h('h2', { id: 'reports-charts-title' }, 'Gráficas'), h('div', { class: 'charts' }, this.trend.figure, empty ? null : [this.channelChart(report), this.groupChart(report)])));
    replaceChildren(this.content, sections);
  }

  /** A seed indicator: its percentage large, its count (which opens the list behind it) «de N recibidas». */
  kpi(key, title, share, received) {
    const number = DRILLS[key] ? this.drillButton(key, {}, share.count, 'kpi__drill', h('span', { class: 'kpi__number' }, count(share.count))) : h('span', { class: 'kpi__number' }, count(share.count));
    return h(
      'li',
      { class: 'kpi', 'data-indicator': key },
      h('h3', { class: 'kpi__title' }, title),
      h('p', { class: 'kpi__value' }, percent(share.pct)),
      h('p', { class: 'kpi__count' }, number, ` de ${count(received)} recibidas`),
    );
  }

  /**
   * A count that opens its list: `key` of {@link DRILLS}, `bucket` `{ channel | group | unit | agent, name }` (empty:
   * the whole month). Zero lists nothing: it stays text.
   */
  drillButton(key, bucket, n, className = 'drill-link', content = null) {
    const text = content ?? count(n);
    if (!n) return h('span', { class: className === 'drill-link' ? 'drill-zero' : className }, text);
    const { indicator, title } = DRILLS[key];
    const where = bucket.name ? ` — ${bucket.name}` : '';
    const month = this.month;
    return h(
      'button',
      {
        type: 'button',
        class: `${className} btn--link`,
        'data-drill': indicator,
        'aria-haspopup': 'dialog',
        'aria-label': indicator.startsWith('outbound')
          ? `${count(n)}: ver ${n === 1 ? 'la llamada' : `las ${count(n)} llamadas`} (${title.toLowerCase()}${where})`
          : `${count(n)}: ver ${n === 1 ? 'la solicitud' : `las ${count(n)} solicitudes`} (${title.toLowerCase()}${where})`,
        onclick: () => {
          const query = { month, indicator };
          for (const f of ['channel', 'group', 'unit', 'agent']) if (bucket[f] !== undefined) query[f] = bucket[f];
          this.drill.open({
            title: `${title}${where}`,
            description:
              indicator === 'abandoned'
                ? `${count(n)} esperas de un agente que la persona abandonó en ${monthName(month)} (una fila por espera, con su conversación).`
                : indicator === 'outbound'
                  ? `${count(n)} llamadas al exterior contestadas en ${monthName(month)}, con quien la pidió y la conversación de su solicitud.`
                  : indicator === 'outboundFailed'
                    ? `${count(n)} intentos de llamada al exterior sin respuesta en ${monthName(month)}: el número, quien la pidió, el intento y el resultado registrado (ocupado o sin respuesta es la línea de la persona; una falla es del número o del servicio telefónico).`
                    : `${count(n)} ${n === 1 ? 'solicitud' : 'solicitudes'} de ${monthName(month)}. Cada fila muestra un solo resultado, el de mayor nivel.`,
            query,
            total: n,
          });
        },
      },
      text,
    );
  }

  moreSection(report) {
    const row = (title, value, detail) => [h('dt', {}, title), h('dd', {}, h('span', { class: 'facts__value' }, value), detail ? h('span', { class: 'muted' }, ` — ${detail}`) : null)];
    const share = (s, key) => [`${percent(s.pct)} (`, this.drillButton(key, {}, s.count), ')'];
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'reports-more-title' },
      h('h2', { id: 'reports-more-title' }, 'Más indicadores'),
      h(
        'dl',
        { class: 'facts reports__more' },
        MORE_SHARES.map(([key, title]) => row(title, share(report[key], key), `de ${count(report.received)} recibidas`)),
        row('Espera en cola, promedio', minutes(report.waits.avgSeconds), `${count(report.waits.count)} esperas medidas (m:ss)`),
        row('Espera en cola, percentil 90', minutes(report.waits.p90Seconds), '9 de cada 10 esperaron esto o menos (m:ss)'),
        row('Abandono en espera', share(report.abandonment, 'abandonment'), `de ${count(report.abandonment.queued)} en cola`),
        row('Tiempo de atención, promedio', minutes(report.handleTime.avgSeconds), `${count(report.handleTime.count)} atenciones cerradas por un agente (m:ss)`),
      ),
      h('p', { class: 'muted' }, 'Cada cantidad abre la lista de las solicitudes que cuenta; el mes completo está también en ', h('a', { href: this.exportUrl(this.month, 'csv'), download: true }, 'el CSV del mes'), '.'),
    );
  }

  /** The item counts by channel, resolver group, unit and agent; every count opens its list. */
  breakdownSection(report) {
    const tables = BREAKDOWNS.map(([key, filter, title, head, queue]) => {
      const entries = Object.entries(report[key] ?? {}).filter(([, b]) => b.received > 0 || (queue && b.abandonment?.count > 0));
      entries.sort((a, b) => b[1].received - a[1].received || a[0].localeCompare(b[0], 'es'));
      const columns = queue ? [...BREAKDOWN_COLUMNS, ['abandonment', 'Abandonos en espera']] : BREAKDOWN_COLUMNS;
      const name = (k, b) => (filter === 'channel' ? label(CHANNEL_LABELS, k) : filter === 'agent' ? b.name ?? k : k);
      return h(
        'div',
        { class: 'table-wrap reports__breakdown' },
        h(
          'table',
          { class: 'table', 'data-breakdown': filter },
          h('caption', {}, `${title}: solicitudes de ${monthName(this.month)} (cada cantidad abre su lista)`),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, head), columns.map(([, c]) => h('th', { scope: 'col', class: 'num' }, c)))),
          h(
            'tbody',
            {},
            entries.map(([k, b]) =>
              h(
                'tr',
                { 'data-key': k },
                h('th', { scope: 'row' }, name(k, b)),
                columns.map(([c]) => h('td', { class: 'num', 'data-col': c }, this.drillButton(c, { [filter]: k, name: name(k, b) }, c === 'received' ? b.received : b[c]?.count ?? 0))),
              ),
            ),
          ),
        ),
      );
    });
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'reports-breakdown-title' },
      h('h2', { id: 'reports-breakdown-title' }, 'Desglose'),
      h('p', { class: 'muted' }, 'El abandono se cuenta por espera de un agente: el medio y el grupo son los de la espera.'),
      tables,
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

  channelChart(report) {
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
    chart.status.textContent = 'Haga clic en una barra para ver sus solicitudes (también en la tabla «Por medio»).';
    this.draw(chart, () =>
      barChart(chart.canvas, {
        labels: names,
        values: entries.map(([, b]) => b.received),
        seriesLabel: 'Recibidas',
        onBarClick: (i) => this.drillButton('received', { channel: entries[i][0], name: names[i] }, entries[i][1].received).click?.(),
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
    chart.status.textContent = 'Haga clic en una barra para ver sus solicitudes (también en la tabla «Por grupo resolutor»).';
    this.draw(chart, () =>
      barChart(chart.canvas, {
        labels: entries.map(([g]) => g),
        values: entries.map(([, b]) => b.received),
        seriesLabel: 'Recibidas',
        onBarClick: (i) => this.drillButton('received', { group: entries[i][0], name: entries[i][0] }, entries[i][1].received).click?.(),
      }),
    );
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
