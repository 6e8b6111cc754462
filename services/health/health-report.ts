/**
 * The monthly health check reported to the head of the area (seed 004 stage 2: «Informa del resultado al Jefe de
 * UACT»): the e-mail that goes, through the outbox like the monthly report's, to every active coordinator (and
 * `REPORT_EMAILS`) when the scheduler stores the month's run — always, so the head knows it was done, and with the
 * failing and warning checks listed when there are any. Only what the run stored goes in (details are redacted
 * already), never a setting.
 */
import type { HealthResult, HealthRun, HealthStatus, NewOutboxMessage } from '../../models';
import { escapeHtml } from '../http/escape-html';
import type { EmailPayload } from '../notify/smtp-transport';
import { countStatuses } from './health-rules';

/** Whom and how the monthly run is reported. */
export interface HealthReportSettings {
  /** SMTP is configured: without it nothing is mailed. */
  email: boolean;
  /** `REPORT_EMAILS`: addresses mailed besides the active coordinators. */
  extraEmails?: readonly string[];
  /** `PUBLIC_BASE_URL`: the e-mail links to the run in the console. */
  publicBaseUrl?: string | undefined;
}

/** The checks' names (HealthCheckService.check) as the head reads them; console/web/health.js has the same words. */
const CHECK_LABELS: Record<string, string> = {
  database: 'Base de datos',
  twilio: 'Twilio (teléfono, SMS y WhatsApp)',
  pbx: 'Conmutador (PBX, ruta SIP)',
  imap: 'Correo entrante (IMAP)',
  smtp: 'Correo saliente (SMTP)',
  messenger: 'Facebook Messenger',
  x: 'X (mensajes directos)',
  outbox: 'Cola de envíos (correos y webhooks)',
  queue: 'Fila de espera de agentes',
  email: 'Correos recibidos sin procesar',
  disk: 'Espacio en disco',
  memory: 'Memoria del proceso',
};

/** «Correo entrante (IMAP) — mesa@cau.mx@imap.cau.mx/INBOX» for `imap:<mailbox>`. */
export function healthCheckLabel(name: string): string {
  const colon = name.indexOf(':');
  if (colon > 0) return `${CHECK_LABELS[name.slice(0, colon)] ?? name.slice(0, colon)} — ${name.slice(colon + 1)}`;
  return CHECK_LABELS[name] ?? name;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** «Revisión mensual del sistema 2026-03: 2 fallas, 1 advertencia», or «…: sin fallas» when every check passed. */
export function healthReportSubject(month: string, counts: Record<HealthStatus, number>): string {
  const base = `Revisión mensual del sistema ${month}`;
  if (counts.fail === 0 && counts.warn === 0) return `${base}: sin fallas`;
  return `${base}: ${plural(counts.fail, 'falla', 'fallas')}, ${plural(counts.warn, 'advertencia', 'advertencias')}`;
}

/** Subject, text and HTML of the e-mail reporting a monthly run (es-MX). `link`: the run in the console, if known. */
export function healthReportEmail(run: Pick<HealthRun, 'month' | 'results'>, link: string | null): Pick<EmailPayload, 'subject' | 'text' | 'html'> {
  const counts = countStatuses(run.results);
  const subject = healthReportSubject(run.month ?? '', counts);
  const flagged = (status: HealthStatus) => run.results.filter((r) => r.status === status);
  const sections: Array<[string, HealthResult[]]> = [
    ['Fallas', flagged('fail')],
    ['Advertencias', flagged('warn')],
  ];
  const summary = `Se revisaron ${run.results.length} componentes: ${counts.ok} correctos, ${counts.warn} con advertencia, ${counts.fail} con falla y ${counts.skipped} omitidos (canales apagados).`;
  const allOk = counts.fail === 0 && counts.warn === 0;
  const ask = allOk
    ? 'Todos los componentes revisados están en orden.'
    : 'Analice los resultados y registre en la consola la acción definida por la jefatura.';
  const linkLine = link ? `Consulte la revisión en la consola: ${link}` : null;
  const text = [
    subject,
    '',
    summary,
    ...sections.flatMap(([title, rows]) => (rows.length === 0 ? [] : ['', `${title}:`, ...rows.map((r) => `- ${healthCheckLabel(r.name)}: ${r.detail}`)])),
    '',
    ask,
    ...(linkLine ? [linkLine] : []),
    '',
    'Este mensaje se generó automáticamente (mantenimiento preventivo mensual).',
  ].join('\n');
  const html = [
    `<p><strong>${escapeHtml(subject)}</strong></p>`,
    `<p>${escapeHtml(summary)}</p>`,
    ...sections.flatMap(([title, rows]) =>
      rows.length === 0 ? [] : [`<p>${escapeHtml(title)}:</p>`, `<ul>${rows.map((r) => `<li><strong>${escapeHtml(healthCheckLabel(r.name))}</strong>: ${escapeHtml(r.detail)}</li>`).join('')}</ul>`],
    ),
    `<p>${escapeHtml(ask)}</p>`,
    ...(link ? [`<p>Consulte la revisión en la consola: <a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`] : []),
    '<p>Este mensaje se generó automáticamente (mantenimiento preventivo mensual).</p>',
  ].join('\n');
  return { subject, text, html };
}

/** One outbox e-mail per recipient for the stored monthly run (de-duplicated per month and address). */
export function healthReportMessages(run: HealthRun, recipients: readonly string[], publicBaseUrl: string | undefined): NewOutboxMessage[] {
  const link = publicBaseUrl ? `${publicBaseUrl.replace(/\/+$/, '')}/console/salud/${run.id}` : null;
  const mail = healthReportEmail(run, link);
  return recipients.map((to) => {
    const payload: EmailPayload = { to: [to], ...mail };
    return { kind: 'email', payload: { ...payload }, dedupeKey: `health-check:${run.month ?? run.id}:${to}` };
  });
}
