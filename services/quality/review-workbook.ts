/**
 * The quality review's report as an Excel workbook, so it can leave the screen (seed 004 stage 4: «remite el informe
 * al jefe de centro … a su jefatura inmediata»; seed 001 stage 2: the tabulation by kind of non-compliance). Four
 * sheets, read from the review as the API gives it: «Resumen» (the review and its decision), «Tabulado» (by protocol
 * point, by agent, by channel), «Elementos» (one row per sampled item: each point's verdict and the observations) and
 * «Acciones» (the corrective actions and their follow-up). Pure apart from exceljs: the same view gives the same cells.
 */
import ExcelJS from 'exceljs';
import { CHANNEL_LABELS } from '../reports/monthly-report';
import { CHECKLIST_LABELS, isChecklistKey } from './checklist';
import type { CorrectiveActionView, QualityReviewView } from './quality-types';
import type { GroupTally } from './tabulation';

/** The review's statuses as the coordination reads them (the console's QUALITY_STATUS_LABELS). */
export const REVIEW_STATUS_LABELS: Readonly<Record<string, string>> = { in_review: 'En revisión', submitted: 'Enviada a coordinación', returned: 'Devuelta', approved: 'Aprobada' };
/** A verdict in Spanish; an item without one reads «Sin veredicto». */
export const VERDICT_LABELS: Readonly<Record<string, string>> = { pass: 'Cumple', fail: 'No cumple', na: 'No aplica' };
export const NO_VERDICT = 'Sin veredicto';
/** A corrective action's status (the console's ACTION_STATUS_LABELS). */
export const ACTION_STATUS_LABELS: Readonly<Record<string, string>> = { open: 'Abierta', done: 'Atendida', effective: 'Eficaz', not_effective: 'No eficaz' };
/** The sheets, in order. */
export const REVIEW_SHEETS = ['Resumen', 'Tabulado', 'Elementos', 'Acciones'] as const;

/** The report's file name: `revision-calidad-2026-10.xlsx`. */
export const reviewReportFileName = (month: string) => `revision-calidad-${month}.xlsx`;

const channelName = (c: string) => CHANNEL_LABELS[c] ?? c;
const pointName = (k: string) => (isChecklistKey(k) ? CHECKLIST_LABELS[k] : k);

/** `iso` as the desk's wall clock, `2026-10-14 10:05` (empty when absent). */
function wallClock(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** «Saludo con nombre: 2; Despedida: 1», the non-compliances of a group by point (empty when none). */
function byPoint(t: Pick<GroupTally, 'byType'>): string {
  return Object.entries(t.byType)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([k, n]) => `${pointName(k)}: ${String(n)}`)
    .join('; ');
}

function header(sheet: ExcelJS.Worksheet, values: string[]): void {
  const row = sheet.addRow(values);
  row.font = { bold: true };
}

function summarySheet(sheet: ExcelJS.Worksheet, r: QualityReviewView, timeZone: string): void {
  sheet.columns = [{ width: 34 }, { width: 60 }];
  const title = sheet.addRow([`Revisión de calidad del protocolo de atención — ${r.month}`]);
  title.font = { bold: true, size: 14 };
  sheet.addRow([]);
  const t = r.tabulation;
  const rows: Array<[string, string | number]> = [
    ['Mes', r.month],
    ['Estado', REVIEW_STATUS_LABELS[r.status] ?? r.status],
    ['Semilla del sorteo', r.seed],
    ['Tamaño de la muestra pedido', r.sampleSize],
    ['Elementos en la muestra', r.items.length],
    ['Muestra extraída por', r.createdBy],
    ['Muestra extraída el', wallClock(r.createdAt, timeZone)],
    ['Enviada a coordinación por', r.submittedBy ?? ''],
    ['Enviada el', wallClock(r.submittedAt, timeZone)],
    [r.status === 'approved' ? 'Aprobada por' : 'Decidida por', r.decidedBy ?? ''],
    [r.status === 'approved' ? 'Aprobada el' : 'Decidida el', wallClock(r.decidedAt, timeZone)],
    ['Comentarios de coordinación', r.coordinatorComments ?? ''],
    ['Veredictos emitidos (cumple o no cumple)', t.judged],
    ['Veredictos «cumple»', t.passed],
    ['Cumplimiento', t.compliance],
  ];
  for (const [label, value] of rows) {
    const row = sheet.addRow([label, value]);
    row.getCell(1).font = { bold: true };
    row.getCell(2).alignment = { wrapText: true, vertical: 'top', horizontal: 'left' };
    if (label === 'Cumplimiento') row.getCell(2).numFmt = '0.0%';
  }
  sheet.addRow([]);
  sheet.addRow([`Hora del centro (${timeZone}). Cumplimiento: veredictos «cumple» entre los «cumple» y «no cumple» («no aplica» no cuenta).`]);
}

function tabulationSheet(sheet: ExcelJS.Worksheet, r: QualityReviewView): void {
  const t = r.tabulation;
  sheet.columns = [{ width: 34 }, { width: 12 }, { width: 16 }, { width: 70 }];
  sheet.addRow(['Incumplimientos por punto del protocolo']).font = { bold: true, size: 12 };
  header(sheet, ['Punto del protocolo', 'No cumple']);
  for (const x of t.byType) sheet.addRow([x.label, x.fails]);
  sheet.addRow([]);
  sheet.addRow(['Por agente']).font = { bold: true, size: 12 };
  header(sheet, ['Agente', 'Elementos', 'Incumplimientos', 'Por punto']);
  for (const a of t.byAgent) sheet.addRow([a.name, a.items, a.fails, byPoint(a)]);
  sheet.addRow([]);
  sheet.addRow(['Por medio']).font = { bold: true, size: 12 };
  header(sheet, ['Medio', 'Elementos', 'Incumplimientos', 'Por punto']);
  for (const c of t.byChannel) sheet.addRow([channelName(c.channel), c.items, c.fails, byPoint(c)]);
}

function itemsSheet(sheet: ExcelJS.Worksheet, r: QualityReviewView, timeZone: string): void {
  const points = r.checklist;
  sheet.views = [{ state: 'frozen', ySplit: 1, xSplit: 2 }];
  sheet.columns = [
    { width: 6 },
    { width: 38 },
    { width: 18 },
    { width: 24 },
    { width: 11 },
    ...points.map(() => ({ width: 14 })),
    { width: 15 },
    { width: 60 },
    { width: 24 },
    { width: 17 },
  ];
  header(sheet, ['N.º', 'Conversación', 'Medio', 'Agente', 'Grabación', ...points.map((p) => p.label), 'Incumplimientos', 'Observaciones', 'Revisó', 'Revisado el']);
  for (const i of r.items) {
    const verdicts = points.map((p) => VERDICT_LABELS[i.verdicts[p.key] ?? ''] ?? NO_VERDICT);
    const fails = points.filter((p) => i.verdicts[p.key] === 'fail').length;
    const row = sheet.addRow([i.position, i.conversationId, channelName(i.channel), i.agent?.name ?? 'Bot (sin agente)', i.hasRecording ? 'Sí' : 'No', ...verdicts, fails, i.observations ?? '', i.reviewedBy ?? '', wallClock(i.reviewedAt, timeZone)]);
    row.getCell(points.length + 7).alignment = { wrapText: true, vertical: 'top' };
  }
}

function actionsSheet(sheet: ExcelJS.Worksheet, r: QualityReviewView, timeZone: string): void {
  sheet.columns = [{ width: 10 }, { width: 24 }, { width: 24 }, { width: 50 }, { width: 14 }, { width: 12 }, { width: 9 }, { width: 17 }, { width: 40 }, { width: 12 }, { width: 40 }, { width: 24 }];
  header(sheet, ['Revisión', 'Agente', 'Punto del protocolo', 'Acción', 'Fecha compromiso', 'Estado', 'Vencida', 'Atendida el', 'Nota de quien la atendió', 'Seguimiento en', 'Nota del seguimiento', 'Seguimiento por']);
  const row = (a: CorrectiveActionView) =>
    sheet.addRow([
      a.reviewMonth,
      a.agent?.name ?? '',
      a.itemLabel,
      a.description,
      a.dueDate,
      ACTION_STATUS_LABELS[a.status] ?? a.status,
      a.overdue ? 'Sí' : 'No',
      wallClock(a.doneAt, timeZone),
      a.doneNote ?? '',
      a.followUpMonth ?? '',
      a.followUpNote ?? '',
      a.followUpBy ?? '',
    ]);
  if (r.actions.length === 0) sheet.addRow(['', '', '', 'Esta revisión no tiene acciones correctivas.']);
  for (const a of r.actions) row(a);
  if (r.followUps.length > 0) {
    sheet.addRow([]);
    sheet.addRow(['Acciones de la revisión del mes anterior, en seguimiento']).font = { bold: true };
    for (const a of r.followUps) row(a);
  }
}

/** The review's report workbook (XLSX bytes); times on the desk's calendar (`timeZone`). */
export async function reviewWorkbook(review: QualityReviewView, timeZone: string, now: Date): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Ventanilla';
  book.created = now;
  const [summary, tabulation, items, actions] = REVIEW_SHEETS.map((name) => book.addWorksheet(name)) as [ExcelJS.Worksheet, ExcelJS.Worksheet, ExcelJS.Worksheet, ExcelJS.Worksheet];
  summarySheet(summary, review, timeZone);
  tabulationSheet(tabulation, review);
  itemsSheet(items, review, timeZone);
  actionsSheet(actions, review, timeZone);
  return Buffer.from(await book.xlsx.writeBuffer());
}
