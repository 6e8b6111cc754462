/**
 * The monthly report (DESIGN.md §10) and the «reporte general de llamadas» (seed 002: the Excel report of every call
 * and conversation) in JSON, CSV and XLSX. The figures are defined in indicators.ts; the SQL is ReportRepository's.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  ITEM_INDICATORS,
  type ItemFilter,
  type ItemIndicator,
  type OutboundCallFacts,
  type ReportCursor,
  type ReportItemRecord,
  type ReportRepository,
} from '../../models/repositories/report.repository';
import {
  buildIndicators,
  DEFAULT_SLA_TARGETS,
  type IndicatorsReport,
  monthPeriod,
  type MonthlyReport,
  NO_GROUP,
  NO_UNIT,
  rangePeriod,
  ReportError,
  type ReportPeriod,
  type SlaTargets,
  slaTargetRows,
} from './indicators';

export type ReportFormat = 'json' | 'csv' | 'xlsx';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'csv', 'xlsx'];

/** The repository methods the service uses. */
export type ReportStore = Pick<ReportRepository, 'indicators' | 'items' | 'outboundCalls'>;

export interface ReportServiceDeps {
  repo: ReportStore;
  /** The desk's time zone (`TZ`): months and days are of its calendar, times are shown in it. */
  timeZone: string;
  /** `SLA_TARGETS` (default {@link DEFAULT_SLA_TARGETS}). */
  slaTargets?: SlaTargets;
  /** Items read per query when listing (default 10,000: about 10 MB of rows at a time). */
  pageSize?: number;
  /** How long {@link ReportService.recentIndicators} reuses a period's figures, in seconds (default 60; 0 = never). */
  cacheSeconds?: number;
  /** The cache's clock, in milliseconds (default `Date.now`). */
  now?: () => number;
}

/** Periods whose figures {@link ReportService.recentIndicators} keeps at once (a trend is six). */
const CACHED_PERIODS = 24;

/** One line of the «reporte general de llamadas», as the coordinator reads it. */
export interface ReportRow {
  /** When it arrived (the instant). */
  at: Date;
  /** The same on the desk's calendar: `YYYY-MM-DD HH:mm`. */
  localTime: string;
  channel: string;
  requester: string;
  unit: string;
  service: string;
  result: string;
  tickets: string;
  agent: string;
  waitSeconds: number | null;
  durationSeconds: number | null;
}

/** Spanish names of the channels (conversation channels and the desk's own registrations). */
export const CHANNEL_LABELS: Readonly<Record<string, string>> = {
  webchat: 'Chat web',
  voice: 'Teléfono',
  email: 'Correo electrónico',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
  facebook: 'Messenger',
  x: 'X',
  msteams: 'Teams',
  oficio: 'Oficio',
  presencial: 'Presencial',
};

/** How each received item ended, most telling first (an item may be several things; the report shows one). */
export const RESULT_LABELS = {
  outbound: 'Llamada al exterior contestada',
  secondLevel: 'Segundo nivel (ticket)',
  transferred: 'Transferida a extensión',
  firstLevel: 'Primer nivel',
  informative: 'Registro informativo',
  outOfScope: 'Fuera de competencia (orientada)',
  abandoned: 'Abandonada en espera de agente',
  handoff: 'Canalizada a agente',
  callback: 'Devolución de llamada agendada',
  none: 'Sin resolver',
} as const;

/**
 * How an outbound staff call that was not answered ended, from Twilio's final CallStatus (`calls.status`): the
 * person's line (busy, no answer) apart from a fault (`failed`: the number or the telephony service), so the
 * coordination can tell whether the system works (seed 001, lineamiento b).
 */
export const OUTBOUND_RESULT_LABELS: Readonly<Record<string, string>> = {
  completed: 'Llamada al exterior contestada',
  busy: 'No contestada: línea ocupada',
  'no-answer': 'No contestada: nadie respondió',
  failed: 'Falla: no se pudo establecer (número o servicio telefónico)',
  canceled: 'Cancelada antes de que contestaran',
};

/** The result of an outbound staff call: answered, or why not (a status without a label: «Sin resultado final»). */
export function outboundResult(call: OutboundCallFacts): string {
  if (call.answered) return RESULT_LABELS.outbound;
  return OUTBOUND_RESULT_LABELS[call.status] ?? `Sin resultado final (estado «${call.status}»)`;
}

export function resultOf(item: ReportItemRecord): string {
  if (item.kind === 'outbound_call' && item.call) return outboundResult(item.call);
  const order = ['outbound', 'secondLevel', 'transferred', 'firstLevel', 'informative', 'outOfScope', 'abandoned', 'handoff', 'callback'] as const;
  const first = order.find((k) => item[k]);
  return RESULT_LABELS[first ?? 'none'];
}

/** Columns of the CSV and of the XLSX detail sheet, in order. */
export const ROW_COLUMNS = [
  { key: 'fecha', header: 'Fecha' },
  { key: 'canal', header: 'Canal' },
  { key: 'solicitante', header: 'Solicitante' },
  { key: 'unidad', header: 'Unidad' },
  { key: 'servicio', header: 'Servicio' },
  { key: 'resultado', header: 'Resultado' },
  { key: 'ticket', header: 'Ticket' },
  { key: 'agente', header: 'Agente' },
  { key: 'espera_segundos', header: 'Espera (s)' },
  { key: 'duracion_segundos', header: 'Duración (s)' },
] as const;

/** Columns of the XLSX sheet «Llamadas al exterior» (one row per outbound staff call of the month), in order. */
export const OUTBOUND_COLUMNS = [
  { key: 'fecha', header: 'Fecha' },
  { key: 'solicito', header: 'Solicitó' },
  { key: 'numero', header: 'Número' },
  { key: 'resultado', header: 'Resultado' },
  { key: 'intento', header: 'Intento' },
  { key: 'duracion_segundos', header: 'Duración (s)' },
  { key: 'conversacion', header: 'Conversación' },
] as const;

/** One row of the sheet «Llamadas al exterior». */
export interface OutboundRow {
  /** When it was placed, `YYYY-MM-DD HH:mm` on the desk's calendar. */
  localTime: string;
  /** Who asked for it (the verified staff member). */
  requestedBy: string;
  phone: string;
  /** Answered, or why not ({@link outboundResult}). */
  result: string;
  /** Which attempt of the request it was (1, 2, …). */
  attempt: number | null;
  durationSeconds: number | null;
  /** The conversation of the request. */
  conversationId: string;
}

/** What `GET /api/reports/items` asks for, as text (every field optional). */
export interface ItemsQuery {
  indicator?: string;
  channel?: string;
  group?: string;
  unit?: string;
  agent?: string;
  cursor?: string;
  limit?: string;
}

/** An outbound staff call of a drill-down: the number, the attempt and how it ended, as recorded. */
export interface DrillCall {
  phone: string | null;
  attempt: number;
  maxAttempts: number | null;
  /** Twilio's final CallStatus (`completed`, `busy`, `no-answer`, `failed`, `canceled`, or not final yet). */
  status: string;
  /** `failed`: the call could not be set up (the number or the telephony service), not the person's line. */
  fault: boolean;
  /** The request's state now: `pending` (another attempt is due), `calling`, `done`, `failed`, `cancelled`. */
  requestStatus: string | null;
  /** The request's `last_result` when this was its latest call. */
  lastResult: string | null;
}

/** One item of a drill-down, as the console shows it. */
export interface DrillItem {
  kind: ReportItemRecord['kind'];
  /** The conversation's id, the letter's/visit's ticket id, or the outbound call's SID. */
  id: string;
  /** The conversation behind the item (null for letters and visits). */
  conversationId: string | null;
  at: string;
  /** `YYYY-MM-DD HH:mm` on the desk's calendar. */
  localTime: string;
  channel: string;
  requester: string | null;
  unit: string | null;
  service: string | null;
  /** The most telling result (as the CSV's «resultado»). */
  result: string;
  /** Ticket numbers, oldest first. */
  tickets: string[];
  agent: string | null;
  waitSeconds: number | null;
  durationSeconds: number | null;
  secondLevel: boolean;
  firstLevel: boolean;
  transferred: boolean;
  informative: boolean;
  outOfScope: boolean;
  handoff: boolean;
  abandoned: boolean;
  callback: boolean;
  /** Outbound staff calls (`outbound`, `outboundFailed`): the call's facts; null for the other items. */
  call: DrillCall | null;
}

/** A page of a drill-down; `nextCursor` is null on the last page. */
export interface ItemsPage {
  items: DrillItem[];
  nextCursor: string | null;
}

/** Items per drill-down page: default and maximum. */
export const ITEMS_PAGE = { default: 50, max: 500 } as const;

/** The database's text of a timestamptz (as the cursor carries it), or the start of the listing. */
const CURSOR_AT = /^(-infinity|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2}){0,2}|Z)?)$/;

/** A listing position as an opaque token (base64url of its JSON). */
export function encodeCursor(cursor: ReportCursor): string {
  return Buffer.from(JSON.stringify({ at: cursor.at, id: cursor.id }), 'utf8').toString('base64url');
}

/** The position a token of {@link encodeCursor} carries; ReportError when it is not one. */
export function decodeCursor(token: string): ReportCursor {
  const bad = () => new ReportError('report/invalid_query', 'El cursor de la página no es válido: vuelva a pedir la primera página.');
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(token)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const { at, id } = (value ?? {}) as Record<string, unknown>;
  if (typeof at !== 'string' || typeof id !== 'string' || !CURSOR_AT.test(at) || id.length > 200 || Object.keys(value as object).length !== 2) throw bad();
  if (at !== '-infinity' && Number.isNaN(Date.parse(at.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00')))) throw bad();
  return { at, id };
}

/** The filter and page of `GET /api/reports/items` (ReportError, Spanish, when something is malformed). */
export function parseItemsQuery(q: ItemsQuery): { filter: ItemFilter; after: ReportCursor | null; limit: number } {
  const indicator = (q.indicator ?? 'received').trim();
  if (!(ITEM_INDICATORS as readonly string[]).includes(indicator)) {
    throw new ReportError('report/invalid_query', `Indicador desconocido («${indicator.slice(0, 30)}»): use ${ITEM_INDICATORS.join(', ')}.`);
  }
  const filter: ItemFilter = { indicator: indicator as ItemIndicator };
  const text = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const t = v.trim();
    if (t === '' || t.length > 200) throw new ReportError('report/invalid_query', `El filtro ${name} no es válido: indique un valor de 1 a 200 caracteres.`);
    return t;
  };
  const channel = text('channel', q.channel);
  if (channel !== undefined) filter.channel = channel;
  const group = text('group', q.group);
  if (group !== undefined) filter.group = group === NO_GROUP ? null : group;
  const unit = text('unit', q.unit);
  if (unit !== undefined) {
    if (indicator === 'abandoned') throw new ReportError('report/invalid_query', 'El abandono en espera no se desglosa por unidad: quite el filtro unit.');
    filter.unit = unit === NO_UNIT ? null : unit;
  }
  const agent = text('agent', q.agent);
  if (agent !== undefined) filter.agent = agent;
  if ((indicator === 'outbound' || indicator === 'outboundFailed') && [channel, group, unit, agent].some((v) => v !== undefined)) {
    throw new ReportError('report/invalid_query', 'Las llamadas al exterior no se desglosan por medio, grupo, unidad ni agente: quite el filtro.');
  }
  let limit: number = ITEMS_PAGE.default;
  if (q.limit !== undefined) {
    limit = /^\d{1,4}$/.test(q.limit.trim()) ? Number(q.limit.trim()) : NaN;
    if (!(limit >= 1 && limit <= ITEMS_PAGE.max)) throw new ReportError('report/invalid_query', `El tamaño de página (limit) debe ser un número de 1 a ${ITEMS_PAGE.max}.`);
  }
  const after = q.cursor === undefined || q.cursor === '' ? null : decodeCursor(q.cursor);
  return { filter, after, limit };
}

export function parseReportFormat(value: string | undefined): ReportFormat {
  const format = (value ?? 'json').trim().toLowerCase();
  if ((REPORT_FORMATS as readonly string[]).includes(format)) return format as ReportFormat;
  throw new ReportError('report/invalid_format', `Formato inválido${value ? ` («${value.slice(0, 20)}»)` : ''}: use json, csv o xlsx.`);
}

/** The monthly indicators, their JSON, and the «reporte general de llamadas» as CSV and XLSX. */
export class ReportService {
  readonly timeZone: string;
  private readonly targets: SlaTargets;
  private readonly pageSize: number;
  private readonly wall: Intl.DateTimeFormat;
  private readonly cacheMs: number;
  private readonly now: () => number;
  /** Figures of recent periods (per instance; never the source of truth: they expire after `cacheSeconds`). */
  private readonly recent = new Map<string, { until: number; report: Promise<IndicatorsReport> }>();

  constructor(private readonly deps: ReportServiceDeps) {
    if (!deps?.repo) throw new Error('ReportService: repo is required');
    if (!deps.timeZone) throw new Error('ReportService: timeZone is required');
    this.timeZone = deps.timeZone;
    this.targets = deps.slaTargets ?? DEFAULT_SLA_TARGETS;
    this.pageSize = deps.pageSize ?? 10_000;
    this.cacheMs = Math.max(0, deps.cacheSeconds ?? 60) * 1000;
    this.now = deps.now ?? Date.now;
    this.wall = new Intl.DateTimeFormat('en-CA', { timeZone: deps.timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  }

  /** A month `YYYY-MM` of the desk's calendar (ReportError when malformed). */
  month(month: string | undefined): ReportPeriod {
    return monthPeriod(month, this.timeZone);
  }

  /** A range of days (`YYYY-MM-DD`, both included) or ISO instants (ReportError when malformed). */
  range(from: string | undefined, to: string | undefined): ReportPeriod {
    return rangePeriod(from, to, this.timeZone);
  }

  async indicators(period: ReportPeriod): Promise<IndicatorsReport> {
    const raw = await this.deps.repo.indicators(period.from, period.to, slaTargetRows(this.targets));
    return buildIndicators(raw, period, this.targets);
  }

  /**
   * The indicators of `period` as the console asks for them: computed at most once per `cacheSeconds` on this
   * instance, and once for requests that arrive together, so opening the dashboard, going through the months and
   * coming back does not recompute a busy month each time (about 1.1 s for 100,000 conversations on the bench).
   * The figures may be up to `cacheSeconds` old; exports, the stored monthly report and the CLI always compute.
   * Only periods that have ended are reused: a period still running (the current month) is computed every time, so
   * its numbers always agree with the drill-down lists, which read live.
   */
  recentIndicators(period: ReportPeriod): Promise<IndicatorsReport> {
    const now = this.now();
    if (this.cacheMs === 0 || period.to.getTime() > now) return this.indicators(period);
    for (const [key, entry] of this.recent) if (entry.until <= now) this.recent.delete(key);
    const key = `${period.from.toISOString()}/${period.to.toISOString()}`;
    const hit = this.recent.get(key);
    if (hit) return hit.report;
    const report = this.indicators(period);
    const entry = { until: now + this.cacheMs, report };
    this.recent.set(key, entry);
    // A failure is not kept: the next request tries again.
    report.catch(() => {
      if (this.recent.get(key) === entry) this.recent.delete(key);
    });
    for (const old of this.recent.keys()) {
      if (this.recent.size <= CACHED_PERIODS) break;
      this.recent.delete(old);
    }
    return report;
  }

  /** DESIGN.md §10: `{ month, received, firstLevel: { count, pct }, …, byChannel, … }`. */
  async monthly(month: string | undefined): Promise<MonthlyReport> {
    const period = this.month(month);
    return { month: period.month ?? '', ...(await this.indicators(period)) };
  }

  /**
   * The drill-down of a number: a page of the items `filter` selects (exactly those its count counts), in order of
   * arrival, from `after`. `nextCursor` goes on; null when this is the last page.
   */
  async drill(period: ReportPeriod, filter: ItemFilter, after: ReportCursor | null, limit: number): Promise<ItemsPage> {
    // One more than asked: whether there is a next page, without an empty last request.
    const page = await this.deps.repo.items(period.from, period.to, after, limit + 1, filter);
    const shown = page.slice(0, limit);
    const last = shown[shown.length - 1];
    return {
      items: shown.map((item) => ({
        kind: item.kind,
        id: item.id,
        conversationId: item.kind === 'conversation' ? item.id : (item.conversationId ?? null),
        at: item.at.toISOString(),
        localTime: this.local(item.at),
        channel: item.channel,
        requester: item.requester,
        unit: item.unit,
        service: item.service,
        result: resultOf(item),
        tickets: item.tickets ? item.tickets.split(', ') : [],
        agent: item.agent,
        waitSeconds: item.waitSeconds === null ? null : Math.round(item.waitSeconds),
        durationSeconds: item.durationSeconds === null ? null : Math.round(item.durationSeconds),
        secondLevel: item.secondLevel,
        firstLevel: item.firstLevel,
        transferred: item.transferred,
        informative: item.informative,
        outOfScope: item.outOfScope,
        handoff: item.handoff,
        abandoned: item.abandoned,
        callback: item.callback,
        call: item.call
          ? {
              phone: item.call.phone,
              attempt: item.call.attempt,
              maxAttempts: item.call.maxAttempts,
              status: item.call.status,
              fault: !item.call.answered && item.call.status === 'failed',
              requestStatus: item.call.requestStatus,
              lastResult: item.call.lastResult,
            }
          : null,
      })),
      nextCursor: page.length > limit && last ? encodeCursor(last.cursor) : null,
    };
  }

  /** Every received item of the period, in order of arrival, read a page at a time. */
  async *rows(period: ReportPeriod): AsyncGenerator<ReportRow> {
    let after: ReportCursor | null = null;
    for (;;) {
      const page = await this.deps.repo.items(period.from, period.to, after, this.pageSize);
      for (const item of page) yield this.row(item);
      if (page.length < this.pageSize) return;
      after = page[page.length - 1]?.cursor ?? null;
    }
  }

  /** The «reporte general de llamadas» as CSV: UTF-8 with BOM (spreadsheets read the accents), CRLF, header first. */
  async csv(period: ReportPeriod): Promise<string> {
    const lines = [ROW_COLUMNS.map((c) => c.key).join(',')];
    for await (const r of this.rows(period)) {
      lines.push(
        [r.localTime, r.channel, r.requester, r.unit, r.service, r.result, r.tickets, r.agent, r.waitSeconds ?? '', r.durationSeconds ?? '']
          .map((v) => csvField(String(v)))
          .join(','),
      );
    }
    return `\uFEFF${lines.join('\r\n')}\r\n`;
  }

  /**
   * The «reporte general de llamadas» workbook: sheet «Indicadores» (the seed's indicators, the queue, by channel,
   * SLA), sheet «Llamadas y conversaciones» (one row per received item) and sheet «Llamadas al exterior» (one row per
   * outbound staff call placed in the period, answered or not: seed 002 step 16 registers each outbound call in the
   * report). Written as a stream, row by row.
   */
  async xlsx(period: ReportPeriod, report?: IndicatorsReport): Promise<Buffer> {
    const indicators = report ?? (await this.indicators(period));
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<void>((resolve, reject) => {
      out.on('end', resolve);
      out.on('error', reject);
    });
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    book.creator = 'Ventanilla';
    book.created = new Date();
    this.summarySheet(book.addWorksheet('Indicadores'), indicators, period);
    const sheet = book.addWorksheet('Llamadas y conversaciones', { views: [{ state: 'frozen', ySplit: 1 }] });
    // Column widths in characters: enough for a date and time, a channel, a name, a unit or service name, a ticket number.
    sheet.columns = ROW_COLUMNS.map((c, i) => ({ header: c.header, key: c.key, width: [17, 18, 30, 30, 36, 30, 22, 26, 11, 13][i] ?? 16 }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    for await (const r of this.rows(period)) {
      const row = sheet.addRow([wallClock(r.localTime), r.channel, r.requester, r.unit, r.service, r.result, r.tickets, r.agent, r.waitSeconds, r.durationSeconds]);
      row.getCell(1).numFmt = 'yyyy-mm-dd hh:mm';
      row.commit();
    }
    sheet.commit();
    await this.outboundSheet(book.addWorksheet('Llamadas al exterior', { views: [{ state: 'frozen', ySplit: 1 }] }), period);
    await book.commit();
    await done;
    return Buffer.concat(chunks);
  }

  /** Every outbound staff call of the period (answered or not), in order, a page at a time. */
  async *outboundRows(period: ReportPeriod): AsyncGenerator<OutboundRow> {
    let after: ReportCursor | null = null;
    for (;;) {
      const page = await this.deps.repo.outboundCalls(period.from, period.to, after, this.pageSize, 'all');
      for (const item of page) {
        yield {
          localTime: this.local(item.at),
          requestedBy: item.requester ?? '',
          phone: item.call?.phone ?? '',
          result: resultOf(item),
          attempt: item.call?.attempt ?? null,
          durationSeconds: item.durationSeconds === null ? null : Math.round(item.durationSeconds),
          conversationId: item.conversationId ?? '',
        };
      }
      if (page.length < this.pageSize) return;
      after = page[page.length - 1]?.cursor ?? null;
    }
  }

  /** The sheet «Llamadas al exterior»: {@link OUTBOUND_COLUMNS}, one row per outbound staff call. */
  private async outboundSheet(sheet: ExcelJS.Worksheet, period: ReportPeriod): Promise<void> {
    // Widths in characters: a date and time, a staff member, an E.164 number, a result, two figures, a conversation id.
    sheet.columns = OUTBOUND_COLUMNS.map((c, i) => ({ header: c.header, key: c.key, width: [17, 30, 16, 44, 9, 13, 40][i] ?? 16 }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    for await (const r of this.outboundRows(period)) {
      const row = sheet.addRow([wallClock(r.localTime), r.requestedBy, r.phone, r.result, r.attempt, r.durationSeconds, r.conversationId]);
      row.getCell(1).numFmt = 'yyyy-mm-dd hh:mm';
      row.commit();
    }
    sheet.commit();
  }

  /** The period as a title: «noviembre de 2026», or its first and last minute (`to` is exclusive: a minute before it). */
  periodLabel(period: ReportPeriod): string {
    if (period.month) return new Intl.DateTimeFormat('es-MX', { timeZone: this.timeZone, month: 'long', year: 'numeric' }).format(period.from);
    return `${this.local(period.from)} a ${this.local(new Date(period.to.getTime() - 60_000))}`;
  }

  /** A file name for the period's report (`reporte-general-2026-11.xlsx`; a range: its first and last day). */
  fileName(period: ReportPeriod, format: Exclude<ReportFormat, 'json'>): string {
    // `to` is exclusive: its last day is the one of the millisecond before.
    const name = period.month ?? `${this.local(period.from).slice(0, 10)}_${this.local(new Date(period.to.getTime() - 1)).slice(0, 10)}`;
    return `reporte-general-${name}.${format}`;
  }

  private row(item: ReportItemRecord): ReportRow {
    return {
      at: item.at,
      localTime: this.local(item.at),
      channel: CHANNEL_LABELS[item.channel] ?? item.channel,
      requester: item.requester ?? '',
      unit: item.unit ?? '',
      service: item.service ?? '',
      result: resultOf(item),
      tickets: item.tickets ?? '',
      agent: item.agent ?? '',
      waitSeconds: item.waitSeconds === null ? null : Math.round(item.waitSeconds),
      durationSeconds: item.durationSeconds === null ? null : Math.round(item.durationSeconds),
    };
  }

  /** `YYYY-MM-DD HH:mm` on the desk's calendar. */
  private local(at: Date): string {
    const p = Object.fromEntries(this.wall.formatToParts(at).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  }

  private summarySheet(sheet: ExcelJS.Worksheet, r: IndicatorsReport, period: ReportPeriod): void {
    // The labels' column is wide; figures need about 14 characters.
    sheet.columns = [{ width: 40 }, ...Array.from({ length: 10 }, () => ({ width: 14 }))];
    const add = (values: Array<string | number | null>, bold = false) => {
      const row = sheet.addRow(values);
      if (bold) row.font = { bold: true };
      // Percentages (the only figures with decimals) show their one decimal.
      for (let i = 2; i <= values.length; i++) if (typeof values[i - 1] === 'number' && String(values[i - 1]).includes('.')) row.getCell(i).numFmt = '0.0';
      row.commit();
    };
    const title = sheet.addRow(['Reporte general de llamadas']);
    title.font = { bold: true, size: 14 };
    title.commit();
    add([`Periodo: ${this.periodLabel(period)}`]);
    add([`Zona horaria: ${this.timeZone}`]);
    add([]);
    add(['Indicador', 'Cantidad', '% de recibidas'], true);
    add(['Solicitudes recibidas', r.received, null]);
    const seed: Array<[string, { count: number; pct: number }]> = [
      ['Atendidas en primer nivel', r.firstLevel],
      ['Atendidas en segundo nivel (ticket)', r.secondLevel],
      ['Transferidas', r.transferred],
      ['Llamadas realizadas al exterior', r.outbound],
      ['Registros informativos', r.informative],
      ['Fuera de competencia (orientadas)', r.outOfScope],
      ['Canalizadas a un agente', r.handoffs],
      ['Resueltas por el bot sin agente', r.containment],
    ];
    for (const [label, s] of seed) add([label, s.count, s.pct]);
    add([]);
    add(['Fila de espera de agentes', 'Valor', ''], true);
    add(['Espera promedio (s)', r.waits.avgSeconds, null]);
    add(['Espera, percentil 90 (s)', r.waits.p90Seconds, null]);
    add(['Abandonos en espera (% de las canalizadas)', r.abandonment.count, r.abandonment.pct]);
    add(['Tiempo de atención promedio (s)', r.handleTime.avgSeconds, null]);
    add(['Llamadas al exterior intentadas', r.outboundAttempts, null]);
    add([]);
    add(['Por canal', 'Recibidas', 'Primer nivel', '%', 'Segundo nivel', '%', 'Transferidas', '%', 'Informativas', 'Fuera de competencia', 'Con agente'], true);
    for (const [channel, c] of Object.entries(r.byChannel)) {
      add([CHANNEL_LABELS[channel] ?? channel, c.received, c.firstLevel.count, c.firstLevel.pct, c.secondLevel.count, c.secondLevel.pct, c.transferred.count, c.transferred.pct, c.informative.count, c.outOfScope.count, c.handoffs.count]);
    }
    add([]);
    add(['Cumplimiento de SLA por prioridad', 'Tickets', 'Respuesta en meta', '%', 'Resolución en meta', '%', 'Meta respuesta (min)', 'Meta resolución (h)'], true);
    for (const [priority, s] of Object.entries(r.sla)) {
      add([priority, s.tickets, s.firstResponseMet, s.firstResponsePct, s.resolutionMet, s.resolutionPct, s.targets.firstResponseSeconds / 60, s.targets.resolutionSeconds / 3600]);
    }
    sheet.commit();
  }
}

/** A `YYYY-MM-DD HH:mm` wall-clock time as the Date a spreadsheet shows as that time (cells have no time zone). */
function wallClock(local: string): Date {
  const [d, t] = local.split(' ');
  const [y, m, day] = (d ?? '').split('-').map(Number);
  const [h, min] = (t ?? '').split(':').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, day ?? 1, h ?? 0, min ?? 0));
}

/** Text a spreadsheet would run as a formula is written with a leading apostrophe; quotes where CSV needs them. */
function csvField(raw: string): string {
  const value = /^[=+\-@\t\r]/.test(raw) && !/^\+?[\d\s()-]+$/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
