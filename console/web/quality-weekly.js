// «Calidad» → «Resumen semanal por agente» (seed 000 step 09, the weekly supervision of each operator): per agent, the
// conversations and calls they handled, the switchboard transfers they made and those that did not connect, the waits
// that ended with their acceptance, their handle time, the protocol pre-check score and its failures by point. An
// agent's conversations number opens the list of those conversations (quality-weekly-items.js). The ISO week is in
// the address (`?week=YYYY-Www`), the last complete one by default.
import { focusElement, formatDate, h, nextId, replaceChildren } from './dom.js';
import { clock, count, errorNotice, errorText, percent, table, TIME_ZONE } from './quality-format.js';
import { WeeklyItemsDialog } from './quality-weekly-items.js';

const WEEK = /^(\d{4})-W(\d{2})$/;
const DAY_MS = 86_400_000;

/** The Monday (UTC midnight) of ISO week 1 of `year`. */
function firstMonday(year) {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
}

/** The ISO week of a UTC midnight. */
function weekOf(t) {
  const d = new Date(t);
  let y = d.getUTCFullYear();
  if (t < firstMonday(y)) y -= 1;
  else if (t >= firstMonday(y + 1)) y += 1;
  return `${y}-W${String(Math.floor((t - firstMonday(y)) / (7 * DAY_MS)) + 1).padStart(2, '0')}`;
}

/** The last complete ISO week on the desk's calendar (the server answers the same without a week). */
export function lastCompleteWeek(now = new Date()) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(now).map((x) => [x.type, x.value]));
  return weekOf(Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day)) - 7 * DAY_MS);
}

const dayFormat = new Intl.DateTimeFormat('es-MX', { timeZone: TIME_ZONE, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/** The pre-check score: «85.0 % (17 de 20)», or «Sin pre-revisiones». */
function scoreText(p) {
  return p && p.checks > 0 ? `${percent(p.score)} (${count(p.passed)} de ${count(p.checks)})` : 'Sin pre-revisiones';
}

/** The pre-check failures by point, compact: «Saludo con nombre 3 · Contacto en espera 2», or a dash. */
function failsText(p) {
  const fails = p?.fails ?? [];
  return fails.length === 0 ? '—' : fails.map((f) => `${f.label} ${count(f.fails)}`).join(' · ');
}

export class WeeklyPage {
  constructor(ctx) {
    this.ctx = ctx;
  }

  async render(root, { focusHeading, search }) {
    const week = (search?.get('week') ?? '').trim().toUpperCase();
    if (week === '') {
      await this.ctx.navigate(`${this.ctx.basePath}/semanal?week=${lastCompleteWeek()}`, { replace: true, force: true });
      return;
    }
    this.ctx.setTitle(`Resumen semanal por agente — ${week}`);
    const heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Resumen semanal por agente');
    const inputId = nextId('weekly-week');
    const input = h('input', { type: 'week', id: inputId, name: 'week', required: true, value: WEEK.test(week) ? week : '' });
    const form = h(
      'form',
      {
        class: 'reports__picker',
        'aria-label': 'Semana del resumen',
        onsubmit: (e) => {
          e.preventDefault();
          const chosen = input.value.trim().toUpperCase();
          if (WEEK.test(chosen)) this.ctx.navigate(`${this.ctx.basePath}/semanal?week=${chosen}`);
        },
      },
      h('label', { for: inputId, class: 'field__label' }, 'Semana'),
      h('div', { class: 'try__row' }, input, h('button', { type: 'submit', class: 'btn btn--secondary' }, 'Ver semana')),
    );
    const status = h('p', { class: 'reports__status', role: 'status', 'aria-live': 'polite' }, 'Cargando el resumen…');
    const content = h('div', { class: 'stack', 'aria-busy': 'true' });
    replaceChildren(
      root,
      heading,
      h('p', { class: 'panel__lead' }, 'La supervisión semanal de cada agente: lo que atendió, cuánto esperaron las personas que tomó, cuánto duró su atención y cómo salió en la pre-revisión automática del protocolo.'),
      h('div', { class: 'reports__toolbar' }, form),
      status,
      content,
    );
    if (focusHeading) focusElement(heading);
    let data;
    try {
      data = await this.ctx.api.request('GET', `/api/reports/weekly?week=${encodeURIComponent(week)}`);
    } catch (error) {
      content.removeAttribute('aria-busy');
      status.textContent = '';
      replaceChildren(content, h('div', { role: 'alert' }, errorNotice(errorText(error, 'Su cuenta no tiene permiso para ver el resumen semanal.'))));
      return;
    }
    content.removeAttribute('aria-busy');
    const lastDay = new Date(new Date(data.to).getTime() - 1);
    const span = `del ${dayFormat.format(new Date(data.from))} al ${dayFormat.format(lastDay)}`;
    status.textContent = `Semana ${data.week}, ${span}: ${data.agents.length} ${data.agents.length === 1 ? 'agente' : 'agentes'}.`;
    this.ctx.setTitle(`Resumen semanal por agente — ${data.week}`);
    this.items = new WeeklyItemsDialog(this.ctx.api);
    replaceChildren(content, this.summary(data, span), this.items.element);
  }

  summary(data, span) {
    const t = data.totals;
    // An agent's conversations open their list; the centre's total is a plain number.
    const conversations = (a) =>
      a.agentId && a.conversations > 0
        ? h('button', { type: 'button', class: 'btn btn--link drill-link', 'aria-label': `${count(a.conversations)} conversaciones de ${a.name}: ver la lista`, onclick: () => this.items.open(data.week, a) }, count(a.conversations))
        : count(a.conversations);
    const figures = (a) => [
      h('td', { class: 'num', 'data-col': 'conversations' }, conversations(a)),
      h('td', { class: 'num', 'data-col': 'calls' }, count(a.calls)),
      h('td', { class: 'num', 'data-col': 'transfers' }, count(a.transfers?.made)),
      h('td', { class: 'num', 'data-col': 'unconnected' }, count(a.transfers?.unconnected)),
      h('td', { class: 'num', 'data-col': 'waitAvg' }, clock(a.waitAvgSeconds)),
      h('td', { class: 'num', 'data-col': 'waitP90' }, clock(a.waitP90Seconds)),
      h('td', { class: 'num', 'data-col': 'handleAvg' }, clock(a.handleAvgSeconds)),
      h('td', { class: 'num', 'data-col': 'precheck' }, scoreText(a.precheck)),
      h('td', { 'data-col': 'fails' }, failsText(a.precheck)),
    ];
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'weekly-title' },
      h('h2', { id: 'weekly-title' }, `Semana ${data.week}`),
      h('p', { class: 'muted' }, `${span[0].toUpperCase()}${span.slice(1)} (hora del centro). Tiempos en minutos y segundos (m:ss).`),
      h(
        'nav',
        { class: 'button-row', 'aria-label': 'Otras semanas' },
        h('a', { class: 'btn btn--secondary btn--small', href: `${this.ctx.basePath}/semanal?week=${data.previousWeek}` }, `← Semana ${data.previousWeek}`),
        data.nextWeek ? h('a', { class: 'btn btn--secondary btn--small', href: `${this.ctx.basePath}/semanal?week=${data.nextWeek}` }, `Semana ${data.nextWeek} →`) : null,
      ),
      data.agents.length === 0
        ? h('p', { class: 'muted quality-empty' }, 'No hay agentes activos ni atenciones en esta semana.')
        : table({
            caption: `Resumen por agente de la semana ${data.week}`,
            className: 'weekly-table',
            columns: [
              'Agente',
              { label: 'Conversaciones', num: true },
              { label: 'Llamadas', num: true },
              { label: 'Transferencias', num: true },
              { label: 'Sin enlazar', num: true },
              { label: 'Espera promedio', num: true },
              { label: 'Espera p90', num: true },
              { label: 'Atención promedio', num: true },
              { label: 'Pre-revisión del protocolo', num: true },
              'Fallas por punto',
            ],
            rows: data.agents.map((a) => h('tr', { 'data-agent': a.agentId }, h('th', { scope: 'row' }, a.name, a.email ? h('span', { class: 'muted weekly-email' }, ` ${a.email}`) : null), figures(a))),
            foot: h('tr', { class: 'weekly-totals' }, h('th', { scope: 'row' }, 'Todo el centro'), figures(t)),
          }),
      h(
        'p',
        { class: 'muted weekly-note' },
        'Conversaciones: las de chat, correo y mensajería que el agente aceptó. Llamadas: las que atendió (una llamada transferida cuenta para cada agente que habló; en «Todo el centro», una vez). Espera: desde que la persona entró a la fila (o fue transferida) hasta que el agente la aceptó; p90: 9 de cada 10 esperaron eso o menos. Atención: de la aceptación al cierre. Transferencias: los enlaces del conmutador intentados mientras el agente estaba en la llamada; sin enlazar: los que no se completaron (ocupado, sin respuesta, falla o cancelado). Fallas por punto: los puntos del protocolo que la pre-revisión automática marcó «no cumple», y cuántas veces. Elija el número de conversaciones de un agente para ver cuáles fueron. Generado ',
        formatDate(new Date().toISOString()),
      ),
    );
  }
}
