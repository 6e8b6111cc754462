/**
 * The monthly report (DESIGN.md §10) and the «reporte general de llamadas» (seed 002: the Excel report of every call
 * and conversation) in JSON, CSV and XLSX. The figures are defined in indicators.ts; the SQL is ReportRepository's.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ReportCursor, ReportItemRecord, ReportRepository } from '../../models/repositories/report.repository';
import {
  buildIndicators,
  DEFAULT_SLA_TARGETS,
  type IndicatorsReport,
  monthPeriod,
  type MonthlyReport,
  rangePeriod,
  ReportError,
  type ReportPeriod,
  type SlaTargets,
  slaTargetRows,
} from './indicators';

export type ReportFormat = 'json' | 'csv' | 'xlsx';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'csv', 'xlsx'];

/** The repository methods the service uses. */
export type ReportStore = Pick<ReportRepository, 'indicators' | 'items'>;

export interface ReportServiceDeps {
  repo: ReportStore;
  /** The desk's time zone (`TZ`): months and days are of its calendar, times are shown in it. */
  timeZone: string;
  /** `SLA_TARGETS` (default {@link DEFAULT_SLA_TARGETS}). */
  slaTargets?: SlaTargets;
  /** Items read per query when listing (default 10,000: about 10 MB of rows at a time). */
  pageSize?: number;
}

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

export function resultOf(item: ReportItemRecord): string {
  const order = ['secondLevel', 'transferred', 'firstLevel', 'informative', 'outOfScope', 'abandoned', 'handoff', 'callback'] as const;
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

  constructor(private readonly deps: ReportServiceDeps) {
    if (!deps?.repo) throw new Error('ReportService: repo is required');
    if (!deps.timeZone) throw new Error('ReportService: timeZone is required');
    this.timeZone = deps.timeZone;
    this.targets = deps.slaTargets ?? DEFAULT_SLA_TARGETS;
    this.pageSize = deps.pageSize ?? 10_000;
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

  /** DESIGN.md §10: `{ month, received, firstLevel: { count, pct }, …, byChannel, … }`. */
  async monthly(month: string | undefined): Promise<MonthlyReport> {
    const period = this.month(month);
    return { month: period.month ?? '', ...(await this.indicators(period)) };
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
   * SLA) and sheet «Llamadas y conversaciones» (one row per received item). Written as a stream, row by row.
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
    await book.commit();
    await done;
    return Buffer.concat(chunks);
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
