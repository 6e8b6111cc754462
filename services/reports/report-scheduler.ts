/**
 * The monthly report, generated on its own (seed 001: «el tabulado mensual … tres días posteriores de finalizado el
 * mes»): from day `REPORT_DAY` of month M+1 on the desk's calendar, the first tick that finds month M without a stored
 * report generates it (JSON of DESIGN.md §10 and the XLSX «reporte general de llamadas»), stores it, and queues one
 * e-mail per active coordinator (and `REPORT_EMAILS`) with the XLSX attached — in one transaction, under an advisory
 * lock (MonthlyReportRepository.claimDue), so with N instances it is generated and mailed once.
 */
import type { MonthlyReportRepository, NewOutboxMessage, NewStoredReport, StoredReportMeta } from '../../models';
import { escapeHtml } from '../http/escape-html';
import { MAX_ATTACHMENT_BYTES, type EmailPayload } from '../notify/smtp-transport';
import { PeriodicPass } from '../scheduling/periodic-pass';
import type { MonthlyReport } from './indicators';
import type { ReportService } from './monthly-report';

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface MonthlyReportSettings {
  /** `REPORT_DAY` (1–28, default 3): month M is due from this day of month M+1 on. */
  day?: number;
  /** SMTP is configured: without it the report is stored and nobody is mailed. */
  email: boolean;
  /** `REPORT_EMAILS`: addresses mailed besides the active coordinators. */
  extraEmails?: readonly string[];
  /** `PUBLIC_BASE_URL`: the e-mail links to the report in the console. */
  publicBaseUrl?: string | undefined;
}

export interface MonthlyReportSchedulerDeps {
  reports: Pick<ReportService, 'month' | 'monthly' | 'xlsx' | 'periodLabel' | 'fileName' | 'timeZone'>;
  repo: Pick<MonthlyReportRepository, 'claimDue' | 'save' | 'get' | 'getWithXlsx' | 'months' | 'coordinatorEmails'>;
  clock: { now(): Date };
  logger: Logger;
  settings: MonthlyReportSettings;
  /** E-mails were queued (wake the outbox worker). */
  onQueued?: () => void;
  /**
   * Once month M's report is stored, on that tick and every later tick of the due period (e.g. draw M's quality-review
   * sample if it is still missing), so a failed follow-up is retried: it must be cheap when done and safe to repeat.
   * Failures are logged, not thrown.
   */
  onStored?: (month: string) => Promise<void>;
}

/** What one tick did. */
export interface ReportTick {
  /** The month due today (`YYYY-MM`), or null before `REPORT_DAY`. */
  month: string | null;
  /** False: another instance holds the lock (it is generating the report). */
  locked: boolean;
  /** This tick generated and stored the month's report. */
  stored: boolean;
  /** Whom it was mailed to (when stored). */
  recipients: string[];
}

/** A stored report's spreadsheet, ready to download. */
export interface StoredXlsx {
  fileName: string;
  xlsx: Buffer;
}

export class MonthlyReportScheduler {
  private readonly passes: PeriodicPass<ReportTick>;
  private readonly day: number;
  private readonly today: Intl.DateTimeFormat;

  constructor(private readonly deps: MonthlyReportSchedulerDeps) {
    for (const key of ['reports', 'repo', 'clock', 'logger', 'settings'] as const) {
      if (!deps?.[key]) throw new Error(`MonthlyReportScheduler: ${key} is required`);
    }
    this.day = deps.settings.day ?? 3;
    if (!Number.isInteger(this.day) || this.day < 1 || this.day > 28) throw new Error('MonthlyReportScheduler: settings.day (REPORT_DAY) must be 1–28');
    this.today = new Intl.DateTimeFormat('en-CA', { timeZone: deps.reports.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    // A tick still running (a big month) is awaited rather than overlapped.
    this.passes = new PeriodicPass(() => this.pass(), (err) => deps.logger.error({ err }, 'monthly report tick failed'));
  }

  /** `REPORT_DAY`: month M's report is generated from this day of month M+1 on. */
  get reportDay(): number {
    return this.day;
  }

  /** Ticks every `tickMs` (0: never; tests call `tick()`). Each tick starts after the previous one ended. */
  start(tickMs: number): void {
    // The first check soon after start: an instance started on the due day should not wait a whole interval.
    this.passes.start(tickMs, 5_000);
  }

  /** Stops ticking and waits for a running tick (its report is stored, or its transaction rolled back). */
  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** The month whose report is due at `now` (`YYYY-MM`: the one before today's, from `REPORT_DAY` on), or null. */
  dueMonth(now: Date): string | null {
    const p = Object.fromEntries(this.today.formatToParts(now).map((x) => [x.type, Number(x.value)]));
    if ((p.day ?? 0) < this.day) return null;
    const year = p.month === 1 ? (p.year ?? 0) - 1 : (p.year ?? 0);
    const month = p.month === 1 ? 12 : (p.month ?? 1) - 1;
    return `${year}-${String(month).padStart(2, '0')}`;
  }

  /** One check: when a month is due and has no stored report, generate, store and mail it (once across instances). */
  tick(): Promise<ReportTick> {
    return this.passes.run();
  }

  /**
   * Generates `month` again and stores it in place of what was there (CLI `report:monthly --store`); with `email`
   * (and SMTP) it is mailed again too — with new de-duplication keys, since an earlier one went out already.
   */
  async regenerate(month: string, options: { generatedBy: string; email: boolean }): Promise<StoredReportMeta> {
    const period = this.deps.reports.month(month);
    const built = await this.build(period.month ?? month, options.generatedBy, options.email && this.deps.settings.email, 'again');
    const meta = await this.deps.repo.save(built);
    if (built.messages.length > 0) this.deps.onQueued?.();
    this.deps.logger.info({ month: meta.month, by: options.generatedBy, recipients: meta.recipients.length }, 'monthly report regenerated');
    return meta;
  }

  /** The stored report of `month` (ReportError when malformed), without its spreadsheet; null when there is none. */
  async stored(month: string | undefined): Promise<StoredReportMeta | null> {
    const period = this.deps.reports.month(month);
    return this.deps.repo.get(period.month ?? '');
  }

  /** The stored spreadsheet of `month` and its file name; null when there is none. */
  async storedXlsx(month: string | undefined): Promise<StoredXlsx | null> {
    const period = this.deps.reports.month(month);
    const row = await this.deps.repo.getWithXlsx(period.month ?? '');
    return row ? { fileName: this.deps.reports.fileName(period, 'xlsx'), xlsx: row.xlsx } : null;
  }

  /** Months with a stored report, newest first. */
  async storedMonths(): Promise<Array<{ month: string; generatedAt: Date; generatedBy: string; emailedAt: Date | null }>> {
    return this.deps.repo.months();
  }

  private async pass(): Promise<ReportTick> {
    const month = this.dueMonth(this.deps.clock.now());
    if (!month) return { month: null, locked: true, stored: false, recipients: [] };
    const outcome = await this.deps.repo.claimDue(month, () => this.build(month, 'scheduler', this.deps.settings.email, 'once'));
    if (!outcome.stored) {
      // Locked and not stored: the month's report was stored before (locked false: another instance is storing it now).
      if (outcome.locked) await this.followUp(month);
      return { month, locked: outcome.locked, stored: false, recipients: [] };
    }
    if (outcome.meta.recipients.length > 0) this.deps.onQueued?.();
    this.deps.logger.info({ month, recipients: outcome.meta.recipients.length, xlsxBytes: outcome.meta.xlsxBytes }, 'monthly report generated');
    await this.followUp(month);
    return { month, locked: true, stored: true, recipients: outcome.meta.recipients };
  }

  /** Runs `onStored` for a month whose report is stored; its failure is logged (the next tick tries again). */
  private async followUp(month: string): Promise<void> {
    try {
      await this.deps.onStored?.(month);
    } catch (err) {
      this.deps.logger.error({ err, month }, 'monthly report: the follow-up after storing it failed');
    }
  }

  /** The report, its XLSX and its e-mails (`once`: one per month and recipient; `again`: a regeneration's own). */
  private async build(month: string, generatedBy: string, email: boolean, dedupe: 'once' | 'again'): Promise<NewStoredReport> {
    const { reports } = this.deps;
    const period = reports.month(month);
    const report = await reports.monthly(month);
    const xlsx = await reports.xlsx(period, report);
    const generatedAt = this.deps.clock.now();
    const recipients = email ? [...new Set([...(await this.deps.repo.coordinatorEmails()), ...(this.deps.settings.extraEmails ?? [])])] : [];
    const fileName = reports.fileName(period, 'xlsx');
    const attach = xlsx.length <= MAX_ATTACHMENT_BYTES;
    if (!attach) this.deps.logger.warn({ month, xlsxBytes: xlsx.length }, 'monthly report: XLSX too big to attach; the e-mail links to the console');
    const mail = reportEmail(report, {
      label: reports.periodLabel(period),
      fileName: attach ? fileName : null,
      link: this.deps.settings.publicBaseUrl ? `${this.deps.settings.publicBaseUrl.replace(/\/+$/, '')}/console/reportes?month=${month}` : null,
    });
    const messages: NewOutboxMessage[] = recipients.map((to) => {
      const payload: EmailPayload = {
        to: [to],
        ...mail,
        ...(attach ? { attachments: [{ filename: fileName, contentType: XLSX_TYPE, contentBase64: xlsx.toString('base64') }] } : {}),
      };
      return { kind: 'email', payload: { ...payload }, dedupeKey: `monthly-report:${month}:${dedupe === 'once' ? '' : `${generatedAt.getTime()}:`}${to}` };
    });
    return { month, generatedAt, generatedBy, report: { ...report }, xlsx, recipients, messages };
  }
}

/** The four indicators of seed 002, as the e-mail lists them: label and figure (`N (P %)` over received). */
export function seedIndicatorLines(r: MonthlyReport): Array<[string, string]> {
  const share = (s: { count: number; pct: number }) => `${s.count} (${s.pct} %)`;
  return [
    ['Solicitudes recibidas', String(r.received)],
    ['Atendidas en primer nivel', share(r.firstLevel)],
    ['Atendidas en segundo nivel (ticket)', share(r.secondLevel)],
    ['Transferidas', share(r.transferred)],
    ['Llamadas realizadas al exterior', share(r.outbound)],
  ];
}

/** Subject, text and HTML of the monthly report's e-mail (es-MX). */
export function reportEmail(r: MonthlyReport, o: { label: string; fileName: string | null; link: string | null }): Pick<EmailPayload, 'subject' | 'text' | 'html'> {
  const subject = `Reporte mensual de la Mesa de Ayuda — ${o.label}`;
  const lines = seedIndicatorLines(r);
  const attached = o.fileName
    ? `Se adjunta la hoja de cálculo del reporte general de llamadas (${o.fileName}): todos los indicadores y una fila por llamada o conversación.`
    : 'La hoja de cálculo del reporte general de llamadas es demasiado grande para adjuntarla: descárguela desde la consola.';
  const link = o.link ? `Consulte el reporte en la consola: ${o.link}` : null;
  const text = [
    subject,
    '',
    `Indicadores de ${o.label} (porcentajes sobre las solicitudes recibidas):`,
    ...lines.map(([label, value]) => `- ${label}: ${value}`),
    '',
    attached,
    ...(link ? [link] : []),
    '',
    'Este mensaje se generó automáticamente.',
  ].join('\n');
  const html = [
    `<p><strong>${escapeHtml(subject)}</strong></p>`,
    `<p>Indicadores de ${escapeHtml(o.label)} (porcentajes sobre las solicitudes recibidas):</p>`,
    `<table>${lines.map(([label, value]) => `<tr><td>${escapeHtml(label)}</td><td>${escapeHtml(value)}</td></tr>`).join('')}</table>`,
    `<p>${escapeHtml(attached)}</p>`,
    ...(o.link ? [`<p>Consulte el reporte en la consola: <a href="${escapeHtml(o.link)}">${escapeHtml(o.link)}</a></p>`] : []),
    '<p>Este mensaje se generó automáticamente.</p>',
  ].join('\n');
  return { subject, text, html };
}
