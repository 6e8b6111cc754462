/**
 * Message-ID handling for e-mail threads (RFC 5322 §3.6.4): reading `Message-ID`, `In-Reply-To` and `References`
 * in the forms senders really use (one string, several ids separated by spaces or commas, arrays of those), and
 * writing the threading headers and subject of our replies. Pure functions.
 */
import type { ParsedMail } from 'mailparser';

/** RFC 5322's limit for a line, so also for one id. */
const MAX_ID_CHARS = 998;
/** Keeps our `References` header value well under one 998-character line. */
const MAX_REFERENCES_CHARS = 900;
/** The subject of a reply to a mail that had none. */
export const DEFAULT_REPLY_SUBJECT = 'Re: Su solicitud al Centro de Atención a Usuarios';
/** `Re:` in its usual spellings (`RE:`, `Re :`, `Re[2]:`, `Re^2:`), repeated. */
const REPLY_PREFIX = /^(?:\s*re(?:\s*\[\d+\]|\^\d+)?\s*:)+\s*/i;
/** Printable characters (RFC 6532 allows UTF-8 in ids); controls are refused. */
const CONTROL = /\p{Cc}/u;
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const RANDOM = /^[A-Za-z0-9._-]+$/;

/** The normalized ids (`<local@domain>`) in a header value: deduplicated, in order, tokens without `@` dropped. */
export function messageIds(value: unknown): string[] {
  const ids = new Set<string>();
  for (const raw of rawValues(value)) {
    for (const token of raw.split(/[\s,<>]+/)) {
      const id = `<${token}>`;
      if (token.includes('@') && !CONTROL.test(token) && id.length <= MAX_ID_CHARS) ids.add(id);
    }
  }
  return [...ids];
}

/** The strings in a header value that may hold ids (a string, or nested arrays of strings). */
function rawValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(rawValues);
  return [];
}

/** The ids of the thread a mail belongs to, oldest first: its References, then its In-Reply-To. */
export function threadIds(mail: Pick<ParsedMail, 'inReplyTo' | 'references'>): string[] {
  return messageIds([mail.references ?? [], mail.inReplyTo ?? []]);
}

/**
 * The threading headers of a reply to `parent`. `References` is the parent's references plus its id; when that is
 * too long, the first id (the thread's start, which RFC 5322 says to keep) and the newest ones are kept. A parent
 * without a valid id gives an empty `In-Reply-To`, which the caller must not send.
 */
export function replyHeaders(parent: { messageId: string; references: string[] }): { 'In-Reply-To': string; References: string } {
  const parentId = messageIds(parent.messageId)[0] ?? '';
  const ids = messageIds([parent.references, parentId]);
  return { 'In-Reply-To': parentId, References: trimReferences(ids).join(' ') };
}

/** The first id and as many of the last ids as fit in {@link MAX_REFERENCES_CHARS}. */
function trimReferences(ids: string[]): string[] {
  if (ids.join(' ').length <= MAX_REFERENCES_CHARS || ids.length < 2) return ids;
  const [first, ...rest] = ids as [string, ...string[]];
  const kept: string[] = [];
  let length = first.length;
  for (let i = rest.length - 1; i >= 0; i--) {
    const id = rest[i] as string;
    if (length + 1 + id.length > MAX_REFERENCES_CHARS) break;
    kept.unshift(id);
    length += 1 + id.length;
  }
  return [first, ...kept];
}

/** A new Message-ID `<ventanilla.{random}@{domain}>`; throws on a domain or random part that would not be valid. */
export function newMessageId(domain: string, random: () => string): string {
  const part = random();
  if (!DOMAIN.test(domain)) throw new RangeError(`newMessageId(): invalid domain «${domain}»`);
  if (!RANDOM.test(part)) throw new RangeError('newMessageId(): the random part must be letters, digits, ".", "_" or "-"');
  return `<ventanilla.${part}@${domain}>`;
}

/** The subject of a reply: one `Re: ` before the original subject (earlier `Re:` folded in, whitespace collapsed). */
export function replySubject(subject: string | undefined): string {
  const rest = (subject ?? '').replace(/[\p{Cc}\s]+/gu, ' ').replace(REPLY_PREFIX, '').trim();
  return rest ? `Re: ${rest}` : DEFAULT_REPLY_SUBJECT;
}
