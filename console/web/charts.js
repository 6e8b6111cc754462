// Charts of the console: a small wrapper over Chart.js (its UMD bundle, served by the console from node_modules at
// /console/vendor/chart.umd.js). Every chart is a <figure> with a caption, a canvas that carries a one-sentence
// summary (role="img" + aria-label) and a visually hidden table with the same data, so the figures are readable
// without seeing the drawing.
import { h } from './dom.js';

const LIBRARY_URL = '/console/vendor/chart.umd.js';
/** The console's palette (console.css): primary, accent, ok, danger. */
export const CHART_COLORS = ['#1f4e79', '#b38e5d', '#1e6b3a', '#a4262c', '#5b6470'];

let library = null;

/** Chart.js, loaded once per page through a <script> of this same origin (the CSP allows nothing else). */
export function loadChartLibrary() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!library) {
    library = new Promise((resolve, reject) => {
      const script = h('script', { src: LIBRARY_URL, async: true });
      script.addEventListener('load', () => (window.Chart ? resolve(window.Chart) : reject(new Error('Chart.js no quedó disponible'))));
      script.addEventListener('error', () => {
        library = null;
        script.remove();
        reject(new Error('No se pudo cargar la biblioteca de gráficas'));
      });
      document.head.append(script);
    });
  }
  return library;
}

/**
 * A chart's frame: `{ figure, canvas, status }`. `columns` are the header cells of the text alternative and `rows`
 * its rows (`[rowHeader, ...cells]`); `summary` is what the canvas says to a screen reader.
 */
export function chartFigure({ id, title, summary, columns, rows }) {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}. ${summary}` });
  const status = h('p', { class: 'chart__status muted', role: 'status' });
  const table = h(
    'table',
    { class: 'visually-hidden chart__data' },
    h('caption', {}, `${title} (datos de la gráfica)`),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map(([head, ...cells]) => h('tr', {}, h('th', { scope: 'row' }, head), cells.map((c) => h('td', {}, c))))),
  );
  const captionId = `${id}-title`;
  const figure = h(
    'figure',
    { class: 'chart', id, 'aria-labelledby': captionId },
    h('figcaption', { class: 'chart__title', id: captionId }, title),
    status,
    h('div', { class: 'chart__canvas' }, canvas),
    table,
  );
  return { figure, canvas, status };
}

function baseOptions() {
  const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: reduced ? false : { duration: 300 },
    locale: 'es-MX',
  };
}

/**
 * A bar chart of one series. `onBarClick(index)` runs when a bar is clicked (the pointer turns into a hand over bars).
 * Resolves to the chart (call `.destroy()` when its canvas goes away).
 */
export async function barChart(canvas, { labels, values, seriesLabel, onBarClick }) {
  const Chart = await loadChartLibrary();
  return new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label: seriesLabel, data: values, backgroundColor: CHART_COLORS[0] }] },
    options: {
      ...baseOptions(),
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      onClick: (_event, elements) => {
        const index = elements?.[0]?.index;
        if (onBarClick && Number.isInteger(index)) onBarClick(index);
      },
      onHover: (event, elements) => {
        const target = event?.native?.target;
        if (target && onBarClick) target.style.cursor = elements?.length ? 'pointer' : 'default';
      },
    },
  });
}

/** A line chart of percentages: `series` is `[{ label, values }]` over `labels` (null values leave a gap). */
export async function percentLineChart(canvas, { labels, series }) {
  const Chart = await loadChartLibrary();
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.values,
        borderColor: CHART_COLORS[i % CHART_COLORS.length],
        backgroundColor: CHART_COLORS[i % CHART_COLORS.length],
        tension: 0.2,
        spanGaps: false,
      })),
    },
    options: {
      ...baseOptions(),
      plugins: { tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${ctx.formattedValue} %` } } },
      scales: { y: { beginAtZero: true, suggestedMax: 100, ticks: { callback: (v) => `${v} %` } } },
    },
  });
}
