/**
 * Which incoming mails a robot sent, so the bot never answers them and no mail loop can start (RFC 3834 §2 and
 * §5, plus the headers Exchange, mailing lists and mail servers add in practice). Pure functions.
 *
 * Headers may come as mailparser's `ParsedMail.headers` (a Map with lower-case keys and structured values: address
 * headers as AddressObject, `content-type` as `{ value, params }`, every `List-*` header folded into one `list`
 * object keyed by the part after `list-`, repeated headers as arrays) or as a plain record of raw header strings
 * in any letter case.
 */
import type { ParsedMail } from 'mailparser';

/** Why a mail is ignored; null means a person may have written it. */
export type AutomaticReason =
  | 'auto-submitted'
  | 'precedence'
  | 'list'
  | 'auto-response'
  | 'bounce'
  | 'robot-sender'
  | 'report'
  | 'out-of-office';

const BULK_PRECEDENCE = new Set(['bulk', 'list', 'junk', 'auto_reply']);
const AUTO_RESPONSE_HEADERS = ['x-autoreply', 'x-autorespond', 'x-autoreply-from', 'x-mail-autoreply'];
const ROBOT_LOCAL_PART = /^(?:mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply)(?:[-+._].*)?$/i;
/** Out-of-office subjects as Exchange, Gmail and others write them, in Spanish and English, at the start only. */
const OUT_OF_OFFICE_SUBJECT =
  /^\s*(?:respuesta autom[aá]tica|contestaci[oó]n autom[aá]tica|autorespuesta|fuera de (?:la )?oficina|automatic reply|auto[- ]?reply|out of (?:the )?office)\b/i;

/** The reason code when a mail must be ignored and never answered, else null. */
export function automaticReason(
  headers: Map<string, unknown> | Record<string, unknown>,
  envelope?: { from?: string },
): AutomaticReason | null {
  const h = lowerCaseKeys(headers);
  if (texts(h.get('auto-submitted')).some((v) => firstToken(v) !== '' && firstToken(v) !== 'no')) return 'auto-submitted';
  if (texts(h.get('precedence')).some((v) => BULK_PRECEDENCE.has(firstToken(v)))) return 'precedence';
  if (hasListHeader(h)) return 'list';
  if (suppressesAutoResponses(h) || AUTO_RESPONSE_HEADERS.some((k) => h.has(k))) return 'auto-response';
  if (isNullReturnPath(h.get('return-path')) || (envelope?.from !== undefined && isNullPath(envelope.from))) return 'bounce';
  if (robotSender(h, envelope?.from)) return 'robot-sender';
  if (texts(h.get('content-type')).some((v) => firstToken(v) === 'multipart/report')) return 'report';
  if (texts(h.get('subject')).some((v) => OUT_OF_OFFICE_SUBJECT.test(v))) return 'out-of-office';
  return null;
}

/** {@link automaticReason} for a parsed mail, also reading its `from` and `subject` fields. */
export function isAutomatic(mail: Pick<ParsedMail, 'headers' | 'from' | 'subject'>): AutomaticReason | null {
  const headers = new Map<string, unknown>(lowerCaseKeys(mail.headers ?? new Map()));
  if (mail.from && !headers.has('from')) headers.set('from', mail.from);
  if (mail.subject !== undefined && !headers.has('subject')) headers.set('subject', mail.subject);
  return automaticReason(headers);
}

/** A copy of the headers keyed by lower-case name. */
function lowerCaseKeys(headers: Map<string, unknown> | Record<string, unknown>): Map<string, unknown> {
  const entries = headers instanceof Map ? [...headers.entries()] : Object.entries(headers);
  return new Map(entries.map(([key, value]) => [key.toLowerCase(), value]));
}

/** The text of a header value: strings as they are, structured values by their `value`, arrays flattened. */
function texts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (isRecord(value) && typeof value.value === 'string') return [value.value];
  return [];
}

/** The value before any `;` parameters, trimmed and lower-cased. */
function firstToken(value: string): string {
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}

/** A `List-*` header: mailparser's folded `list` object with at least one entry, or a raw `list-…` key. */
function hasListHeader(h: Map<string, unknown>): boolean {
  const list = h.get('list');
  if (isRecord(list) && Object.keys(list).length > 0) return true;
  return [...h.keys()].some((key) => key.startsWith('list-'));
}

/** Exchange's `X-Auto-Response-Suppress` listing `All` or `OOF` (the sender is itself automatic). */
function suppressesAutoResponses(h: Map<string, unknown>): boolean {
  return texts(h.get('x-auto-response-suppress'))
    .flatMap((v) => v.split(/[\s,]+/))
    .some((token) => /^(?:all|oof)$/i.test(token));
}

/** A `Return-Path` header with no address (`<>`). */
function isNullReturnPath(value: unknown): boolean {
  if (value === undefined) return false;
  const paths = mailboxes(value);
  return paths.length === 0 || paths.every(isNullPath);
}

/** An empty SMTP path: `''` or `<>`. */
function isNullPath(path: string): boolean {
  return path.replace(/[<>\s]/g, '') === '';
}

/** From, Sender, Return-Path or the envelope sender is MAILER-DAEMON, postmaster or a no-reply address. */
function robotSender(h: Map<string, unknown>, envelopeFrom: string | undefined): boolean {
  const senders = ['from', 'sender', 'return-path'].flatMap((key) => mailboxes(h.get(key)));
  if (envelopeFrom) senders.push(envelopeFrom);
  return senders.some((address) => ROBOT_LOCAL_PART.test(localPart(address)));
}

/** The part of an address before its last `@`, without angle brackets. */
function localPart(address: string): string {
  const bare = address.replace(/[<>\s]/g, '');
  const at = bare.lastIndexOf('@');
  return at < 0 ? bare : bare.slice(0, at);
}

/**
 * The mailboxes of an address header: mailparser's AddressObject (an address, or the name when there is no `@`,
 * as mailparser parses `<MAILER-DAEMON>`), or a raw string (`Name <a@b>` or `a@b, c@d`).
 */
function mailboxes(value: unknown): string[] {
  if (typeof value === 'string') {
    const bracketed = [...value.matchAll(/<([^>]*)>/g)].map((m) => m[1] as string);
    return bracketed.length > 0 ? bracketed : value.split(',').map((s) => s.trim()).filter(Boolean);
  }
  if (Array.isArray(value)) return value.flatMap(mailboxes);
  if (isRecord(value) && Array.isArray(value.value)) return value.value.flatMap(addressOf);
  return [];
}

/** One EmailAddress entry (groups flattened): its address, else its name. */
function addressOf(entry: unknown): string[] {
  if (!isRecord(entry)) return [];
  if (Array.isArray(entry.group)) return entry.group.flatMap(addressOf);
  if (typeof entry.address === 'string' && entry.address) return [entry.address];
  return [typeof entry.name === 'string' ? entry.name : ''];
}

/** A plain object (not a Date), such as a structured header value. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Date);
}
