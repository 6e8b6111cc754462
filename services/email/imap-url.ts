/**
 * Parses IMAP_URL: one or more comma-separated mailbox URLs.
 *
 * - `imap://user:password@host:143/INBOX` — cleartext connection, upgraded with STARTTLS when the server offers it
 *   (`?starttls=off` keeps it in cleartext).
 * - `imaps://user:password@host:993/Carpeta` — TLS from the start.
 *
 * User, password and mailbox are URL-decoded (`mesa%40ipn.mx`); a comma inside a password must be written `%2C`.
 * The mailbox defaults to INBOX. `?tls_reject_unauthorized=false` accepts self-signed certificates.
 * Error messages name the entry's position and never include the password.
 */

/** One mailbox to read. */
export interface MailboxConfig {
  /** `user@host/mailbox`, without the password: used in logs and as the lock key. */
  name: string;
  host: string;
  port: number;
  /** TLS from the start (`imaps://`). */
  secure: boolean;
  /** Upgrade a cleartext connection with STARTTLS when the server offers it. Always false for `imaps://`. */
  starttls: boolean;
  user: string;
  password: string;
  mailbox: string;
  /** Verify the server certificate (default true). */
  rejectUnauthorized: boolean;
}

const DEFAULT_PORTS: Record<string, number> = { 'imap:': 143, 'imaps:': 993 };
const KNOWN_PARAMS = new Set(['starttls', 'tls_reject_unauthorized']);

/** Parses the value of IMAP_URL; unset or blank gives no mailboxes. Throws on the first bad entry. */
export function parseImapUrls(value: string | undefined): MailboxConfig[] {
  if (value === undefined || value.trim() === '') return [];
  const entries = value.split(',').map((s) => s.trim());
  const configs: MailboxConfig[] = [];
  entries.forEach((entry, index) => {
    const where = `IMAP_URL entry ${index + 1} of ${entries.length}`;
    const config = parseOne(entry, where);
    const earlier = configs.findIndex((c) => c.name === config.name);
    if (earlier >= 0) throw new Error(`${where}: repeats mailbox ${config.name} of entry ${earlier + 1}`);
    configs.push(config);
  });
  return configs;
}

function parseOne(entry: string, where: string): MailboxConfig {
  if (entry === '') throw new Error(`${where} is empty (check for a stray comma)`);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(entry)?.[1]?.toLowerCase();
  if (scheme !== 'imap' && scheme !== 'imaps') {
    throw new Error(`${where}: must start with imap:// or imaps://${scheme ? ` (found ${scheme}:)` : ''}`);
  }
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    // The URL may hold a password: say what is wrong, not what it was.
    throw new Error(`${where}: not a valid URL (check the host and port; a user or password with characters like @ : / ? # , % must be percent-encoded)`);
  }
  if (!entry.slice(url.protocol.length).startsWith('//')) throw new Error(`${where}: must start with ${url.protocol}//`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (!host) throw new Error(`${where}: has no host`);
  const user = decode(url.username, 'user', where);
  const password = decode(url.password, 'password', where);
  if (!user) throw new Error(`${where}: has no user (imap://user:password@host/INBOX)`);
  if (!password) throw new Error(`${where}: has no password (imap://user:password@host/INBOX)`);
  if (url.hash) throw new Error(`${where}: must not have a #fragment`);

  const path = url.pathname.replace(/^\/+/, '').replace(/\/+$/, '');
  if (path.includes(';')) throw new Error(`${where}: IMAP URL parameters such as ;UIDVALIDITY are not supported`);
  const mailbox = path === '' ? 'INBOX' : decode(path, 'mailbox', where);

  for (const key of url.searchParams.keys()) {
    if (!KNOWN_PARAMS.has(key)) throw new Error(`${where}: unknown parameter ${key} (known: ${[...KNOWN_PARAMS].join(', ')})`);
  }
  const secure = url.protocol === 'imaps:';
  const starttlsParam = url.searchParams.get('starttls');
  if (starttlsParam !== null && secure) throw new Error(`${where}: starttls applies to imap:// only; imaps:// is TLS from the start`);
  const starttls = !secure && onOff(starttlsParam, true, 'starttls', ['on', 'off'], where);
  const rejectUnauthorized = onOff(url.searchParams.get('tls_reject_unauthorized'), true, 'tls_reject_unauthorized', ['true', 'false'], where);

  const port = url.port === '' ? DEFAULT_PORTS[url.protocol] : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${where}: port must be 1-65535`);

  return { name: `${user}@${host}/${mailbox}`, host, port, secure, starttls, user, password, mailbox, rejectUnauthorized };
}

function decode(text: string, what: string, where: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new Error(`${where}: the ${what} has a broken %-escape`);
  }
}

/** `values[0]` means true, `values[1]` false; absent gives `fallback`. */
function onOff(value: string | null, fallback: boolean, name: string, values: [string, string], where: string): boolean {
  if (value === null) return fallback;
  const v = value.toLowerCase();
  if (v === values[0]) return true;
  if (v === values[1]) return false;
  throw new Error(`${where}: ${name} must be ${values[0]} or ${values[1]}`);
}
