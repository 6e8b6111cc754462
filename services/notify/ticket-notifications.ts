import type { NewOutboxMessage, TicketRow } from '../../models';
import { IMPACT_LABELS, URGENCY_LABELS } from '../tickets/priority';
import { STATUS_LABELS } from '../tickets/ticket.service';
import { CHANNEL_LABELS, KIND_LABELS, notificationTexts as T } from './messages.es-MX';
import type { EmailPayload } from './smtp-transport';
import type { WebhookPayload } from './webhook-transport';
import { escapeHtml } from '../http/escape-html';

export interface TicketNotificationSettings {
  /**
   * SMTP is configured. Without it no e-mail is enqueued at all: a message written now would go out
   * whenever SMTP is configured, possibly weeks later, telling the person about a ticket that may be
   * closed by then. Webhooks follow the same rule through `webhook`.
   */
  email: boolean;
  /** Tell the requester (NOTIFY_REQUESTER). */
  requester: boolean;
  /** Resolver group → mailbox; `*` is the fallback (RESOLVER_GROUP_EMAILS). */
  groupEmails: Readonly<Record<string, string>>;
  /** Where to POST `ticket.created`, or null. Only the URL is read: the secret stays with the transport. */
  webhook: { url: string } | null;
  /** Signature of the e-mails (ORG_NAME). */
  orgName?: string;
  /** Time zone of the dates in the e-mails. */
  timeZone?: string;
}

/**
 * The outbox messages for a ticket just created: an acknowledgement to the requester, the full ticket to
 * the resolver group's mailbox and the `ticket.created` webhook — each only when configured. Written in
 * the ticket's own transaction (TicketService.register's `notify`), with dedupe keys
 * `ticket:<id>:requester|group|webhook`, so a retried creation never notifies twice.
 */
export function ticketNotifications(ticket: TicketRow, settings: TicketNotificationSettings): NewOutboxMessage[] {
  const view = ticketView(ticket, settings);
  const out: NewOutboxMessage[] = [];
  // A ticket registered by e-mail was told in the thread's reply already: a second, unthreaded e-mail would split it.
  if (settings.email && settings.requester && view.requester.email && ticket.channel !== 'email') {
    out.push({ kind: 'email', dedupeKey: `ticket:${ticket.id}:requester`, payload: toPayload(requesterEmail(view, settings)) });
  }
  const mailboxOf = (group: string) => (Object.hasOwn(settings.groupEmails, group) ? settings.groupEmails[group] : undefined);
  const groupMailbox = (ticket.resolverGroup ? mailboxOf(ticket.resolverGroup) : undefined) ?? mailboxOf('*');
  if (settings.email && groupMailbox) {
    out.push({ kind: 'email', dedupeKey: `ticket:${ticket.id}:group`, payload: toPayload(groupEmail(view, groupMailbox)) });
  }
  if (settings.webhook) {
    const payload: WebhookPayload = { url: settings.webhook.url, event: 'ticket.created', body: { event: 'ticket.created', ticket: publicTicket(ticket) } };
    out.push({ kind: 'webhook', dedupeKey: `ticket:${ticket.id}:webhook`, payload: toPayload(payload) });
  }
  return out;
}

/** The ticket as receivers see it: internal fields (conversation, idempotency key, requester record id) left out. */
export function publicTicket(t: TicketRow): Record<string, unknown> {
  return {
    id: t.id,
    number: t.number,
    kind: t.kind,
    status: t.status,
    serviceCode: t.serviceCode,
    serviceName: t.serviceName,
    resolverGroup: t.resolverGroup,
    requester: t.requester,
    channel: t.channel,
    description: t.description,
    diagnostics: t.diagnostics,
    urgency: t.urgency,
    impact: t.impact,
    priority: t.priority,
    catalogVersion: t.catalogVersion,
    assignee: t.assignee,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

interface TicketView {
  ticket: TicketRow;
  service: string;
  group: string;
  createdAt: string;
  requester: { name?: string; email?: string; phone?: string; role?: string; unit?: string; extension?: string };
  diagnostics: { question: string; answer: string }[];
}

function ticketView(ticket: TicketRow, settings: TicketNotificationSettings): TicketView {
  const r = ticket.requester;
  // As the attention desk writes it: `unit` is the unit's name, `unitCode` its code.
  const unitCode = str(r.unitCode);
  const unitName = str(r.unit);
  const email = str(r.email);
  return {
    ticket,
    service: ticket.serviceName ?? ticket.serviceCode ?? T.noService,
    group: ticket.resolverGroup ?? T.noGroup,
    createdAt: new Intl.DateTimeFormat('es-MX', { dateStyle: 'long', timeStyle: 'short', timeZone: settings.timeZone ?? 'America/Mexico_City' }).format(ticket.createdAt),
    requester: {
      name: str(r.name),
      email: email && /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/.test(email) ? email : undefined,
      phone: str(r.phone),
      role: str(r.role),
      unit: unitCode && unitName && unitName !== unitCode ? `${unitCode} (${unitName})` : (unitName ?? unitCode),
      extension: str(r.extension),
    },
    diagnostics: (Array.isArray(ticket.diagnostics) ? ticket.diagnostics : []).flatMap((d) => {
      const q = d && typeof d === 'object' && 'question' in d ? str(d.question) : undefined;
      const a = d && typeof d === 'object' && 'answer' in d ? str(d.answer) : undefined;
      return q ? [{ question: q, answer: a ?? T.none }] : [];
    }),
  };
}

function requesterEmail(v: TicketView, settings: TicketNotificationSettings): EmailPayload {
  const { ticket } = v;
  const L = T.labels;
  // What the person typed is not echoed to the address they typed: the mail must not carry a visitor's text to anyone.
  const rows: [string, string][] = [
    [L.number, ticket.number],
    [L.service, v.service],
    [L.resolverGroup, v.group],
    [L.createdAt, v.createdAt],
  ];
  const paragraphs = [
    T.requester.registered(ticket.kind, ticket.number),
    ...(ticket.kind === 'informative' ? [T.requester.informative] : []),
  ];
  const org = settings.orgName ?? 'Centro de Atención a Usuarios';
  const greeting = T.requester.greeting(v.requester.name);
  const text = [greeting, '', ...paragraphs, '', ...rows.map(([k, val]) => `${k}: ${val}`), '', T.requester.contact, '', T.requester.closing, org, ''].join('\n');
  const html = htmlDocument([
    p(greeting),
    ...paragraphs.map(p),
    table(rows),
    p(T.requester.contact),
    `<p>${escapeHtml(T.requester.closing)}<br>${escapeHtml(org)}</p>`,
  ]);
  return { to: [v.requester.email as string], subject: subjectLine(T.requester.subject(ticket.kind, ticket.number)), text, html };
}

function groupEmail(v: TicketView, mailbox: string): EmailPayload {
  const { ticket } = v;
  const L = T.labels;
  const u = v.requester;
  const details: [string, string][] = [
    [L.number, ticket.number],
    [L.kind, KIND_LABELS[ticket.kind]],
    [L.status, STATUS_LABELS[ticket.status]],
    [L.service, ticket.serviceCode && ticket.serviceName ? `${ticket.serviceName} (${ticket.serviceCode})` : v.service],
    [L.resolverGroup, v.group],
    [L.urgency, label(URGENCY_LABELS, ticket.urgency)],
    [L.impact, label(IMPACT_LABELS, ticket.impact)],
    [L.priority, ticket.priority],
    [L.channel, label(CHANNEL_LABELS, ticket.channel)],
    [L.createdAt, v.createdAt],
  ];
  const person: [string, string][] = [
    [L.name, u.name ?? T.none],
    [L.unit, u.unit ?? T.none],
    [L.role, u.role ?? T.none],
    [L.extension, u.extension ?? T.none],
    [L.email, u.email ?? str(ticket.requester.email) ?? T.none],
    [L.phone, u.phone ?? T.none],
  ];
  const G = T.group;
  const lines = (rows: [string, string][]) => rows.map(([k, val]) => `${k}: ${val}`);
  const text = [
    G.intro(ticket.kind, ticket.number),
    '',
    G.ticketHeading,
    ...lines(details),
    '',
    G.requesterHeading,
    ...lines(person),
    '',
    G.descriptionHeading,
    ticket.description,
    ...(v.diagnostics.length > 0 ? ['', G.diagnosticsHeading, ...v.diagnostics.map((d) => `- ${d.question}\n  ${G.answer}: ${d.answer}`)] : []),
    '',
    G.action,
    '',
  ].join('\n');
  const html = htmlDocument([
    p(G.intro(ticket.kind, ticket.number)),
    h(G.ticketHeading),
    table(details),
    h(G.requesterHeading),
    table(person),
    h(G.descriptionHeading),
    p(ticket.description),
    ...(v.diagnostics.length > 0
      ? [h(G.diagnosticsHeading), `<ul>${v.diagnostics.map((d) => `<li>${escapeHtml(d.question)}<br>${escapeHtml(G.answer)}: <strong>${escapeHtml(d.answer)}</strong></li>`).join('')}</ul>`]
      : []),
    p(G.action),
  ]);
  const subject = G.subject(ticket.kind, ticket.number, ticket.priority, oneLine(v.service, 120));
  return { to: [mailbox], subject: subjectLine(subject), text, html };
}


const p = (text: string) => `<p>${escapeHtml(text).replace(/\r?\n/g, '<br>')}</p>`;
const h = (text: string) => `<h3 style="margin:16px 0 4px">${escapeHtml(text)}</h3>`;

function table(rows: [string, string][]): string {
  const tr = rows.map(([k, v]) => `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  return `<table cellpadding="0" cellspacing="0">${tr}</table>`;
}

function htmlDocument(body: string[]): string {
  return `<!doctype html><html lang="es-MX"><head><meta charset="utf-8"></head><body style="font-family:Arial,sans-serif;font-size:14px">${body.join('\n')}</body></html>`;
}

/** Whitespace folded to single spaces and cut at `max` characters with «…». */
function oneLine(text: string, max: number): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s;
}

const subjectLine = (s: string) => oneLine(s, 200);

/** The Spanish label of a stored code; an unknown code is shown as it is. */
function label(labels: Readonly<Record<string, string>>, code: string): string {
  return Object.hasOwn(labels, code) ? (labels[code] as string) : code;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Outbox payloads are JSON objects; the typed payloads are plain data. */
function toPayload(payload: EmailPayload | WebhookPayload): Record<string, unknown> {
  return { ...payload };
}
