/**
 * The probes of the health check that talk to the outside: one read-only request per provider with the configured
 * credentials (Twilio's account resource, Graph's /me, X's /2/users/me), an IMAP login and logout, an SMTP handshake
 * with authentication (nodemailer `verify()`), a SIP OPTIONS to the PBX, and the disk and memory of this machine.
 * Each returns a status and a Spanish detail; none sends a message, places a call or changes anything, and no detail
 * carries a credential (the service also redacts every configured secret from them).
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import type { HealthStatus } from '../../models';
import type { MailboxConfig } from '../email/imap-url';
import { GRAPH_API_VERSION } from '../facebook/graph-client';
import { X_DEFAULT_API_BASE_URL } from '../x/dm-client';
import { diskStatus, MEMORY_WARN_HEAP_RATIO, spanishBytes } from './health-rules';

/** What a probe found. */
export interface ProbeOutcome {
  status: HealthStatus;
  detail: string;
}

/** Wait for a SIP answer from the PBX. */
export const SIP_OPTIONS_TIMEOUT_MS = 3_000;
/** IMAP and SMTP connection and greeting timeouts (below the check's own timeout, so they fail with a reason). */
const MAIL_TIMEOUT_MS = 8_000;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** A network error as «ECONNREFUSED» or its message (fetch hides the reason in `cause`). */
export function networkReason(error: unknown): string {
  const cause = isRecord(error) && isRecord(error.cause) ? error.cause : null;
  const code = (cause && typeof cause.code === 'string' ? cause.code : null) ?? (isRecord(error) && typeof error.code === 'string' ? error.code : null);
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'tiempo agotado';
  return code ?? (error instanceof Error ? error.message : String(error));
}

async function getJson(url: string, init: RequestInit, signal: AbortSignal): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { ...init, method: 'GET', redirect: 'error', signal, headers: { Accept: 'application/json', ...(init.headers ?? {}) } });
  const text = await response.text();
  let body: unknown = {};
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    body = {};
  }
  return { status: response.status, body: isRecord(body) ? body : {} };
}

/** Twilio: GET the account resource with the Account SID and Auth Token (Basic auth, as the REST client signs). */
export async function probeTwilio(o: { accountSid: string; authToken: string; baseUrl?: string | undefined }, signal: AbortSignal): Promise<ProbeOutcome> {
  const base = (o.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${o.accountSid}:${o.authToken}`, 'utf8').toString('base64')}`;
  let answer: Awaited<ReturnType<typeof getJson>>;
  try {
    answer = await getJson(`${base}/2010-04-01/Accounts/${encodeURIComponent(o.accountSid)}.json`, { headers: { Authorization: authorization } }, signal);
  } catch (error) {
    return { status: 'fail', detail: `Twilio no respondió (${networkReason(error)}).` };
  }
  if (answer.status === 401) return { status: 'fail', detail: 'Credenciales de Twilio rechazadas (401): revise TWILIO_ACCOUNT_SID y TWILIO_AUTH_TOKEN.' };
  if (answer.status === 404) return { status: 'fail', detail: 'Twilio no encontró la cuenta (404): revise TWILIO_ACCOUNT_SID.' };
  if (answer.status !== 200) return { status: 'fail', detail: `Twilio respondió ${answer.status} al consultar la cuenta.` };
  const state = typeof answer.body.status === 'string' ? answer.body.status : 'desconocido';
  const name = typeof answer.body.friendly_name === 'string' ? ` «${answer.body.friendly_name}»` : '';
  if (state !== 'active') return { status: 'fail', detail: `La cuenta de Twilio${name} no está activa (estado: ${state}).` };
  return { status: 'ok', detail: `Credenciales aceptadas; cuenta${name} activa.` };
}

/** Messenger: GET /me with the page access token (the Send API's token) answers with the page. */
export async function probeMessenger(o: { pageAccessToken: string; graphBaseUrl?: string | undefined }, signal: AbortSignal): Promise<ProbeOutcome> {
  const base = (o.graphBaseUrl ?? 'https://graph.facebook.com').replace(/\/+$/, '');
  let answer: Awaited<ReturnType<typeof getJson>>;
  try {
    answer = await getJson(`${base}/${GRAPH_API_VERSION}/me?fields=id,name&access_token=${encodeURIComponent(o.pageAccessToken)}`, {}, signal);
  } catch (error) {
    return { status: 'fail', detail: `La Graph API de Facebook no respondió (${networkReason(error)}).` };
  }
  if (answer.status === 200 && typeof answer.body.id === 'string') {
    const name = typeof answer.body.name === 'string' ? `«${answer.body.name}» ` : '';
    return { status: 'ok', detail: `Token de página válido: página ${name}(${answer.body.id}).` };
  }
  const error = isRecord(answer.body.error) ? answer.body.error : {};
  const code = typeof error.code === 'number' ? error.code : null;
  if (code === 190 || answer.status === 401) return { status: 'fail', detail: `Token de página de Messenger rechazado${code ? ` (código ${code})` : ''}: revise FACEBOOK_PAGE_ACCESS_TOKEN.` };
  return { status: 'fail', detail: `La Graph API respondió ${answer.status}${code ? ` (código ${code})` : ''} al validar el token de página.` };
}

/** X: GET /2/users/me with the user-context token, as the DM client sends it (Bearer). */
export async function probeX(o: { accessToken: string; apiBaseUrl?: string | undefined }, signal: AbortSignal): Promise<ProbeOutcome> {
  const base = (o.apiBaseUrl ?? X_DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  let answer: Awaited<ReturnType<typeof getJson>>;
  try {
    answer = await getJson(`${base}/2/users/me`, { headers: { Authorization: `Bearer ${o.accessToken}` } }, signal);
  } catch (error) {
    return { status: 'fail', detail: `La API de X no respondió (${networkReason(error)}).` };
  }
  const data = isRecord(answer.body.data) ? answer.body.data : null;
  if (answer.status === 200 && data && typeof data.id === 'string') {
    return { status: 'ok', detail: `Token aceptado: cuenta ${typeof data.username === 'string' ? `@${data.username} ` : ''}(${data.id}).` };
  }
  if (answer.status === 401) return { status: 'fail', detail: 'Token de X rechazado (401): revise X_ACCESS_TOKEN (puede haber caducado).' };
  if (answer.status === 403) return { status: 'fail', detail: 'X negó el acceso (403): revise los permisos de la app (users.read, dm.read, dm.write).' };
  if (answer.status === 429) return { status: 'warn', detail: 'X limitó las solicitudes (429): no se pudo comprobar el token ahora.' };
  return { status: 'fail', detail: `La API de X respondió ${answer.status} al consultar la cuenta.` };
}

/** IMAP: log in to the mailbox and log out (the password is never logged: imapflow's logger is off). */
export async function probeImap(config: MailboxConfig): Promise<ProbeOutcome> {
  const client = new ImapFlow({
    host: config.host,
    port: config.port,
    secure: config.secure,
    doSTARTTLS: config.secure || config.starttls ? undefined : false,
    tls: { rejectUnauthorized: config.rejectUnauthorized },
    auth: { user: config.user, pass: config.password },
    logger: false,
    connectionTimeout: MAIL_TIMEOUT_MS,
    greetingTimeout: MAIL_TIMEOUT_MS,
    clientInfo: { name: 'Ventanilla' },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const secure = client.secureConnection ? 'conexión cifrada' : 'conexión sin cifrar';
    await client.logout().catch(() => undefined);
    return { status: 'ok', detail: `Sesión iniciada y cerrada en ${config.host}:${config.port} (${secure}).` };
  } catch (error) {
    const e = error as Error & { authenticationFailed?: boolean; code?: string };
    if (e.authenticationFailed) return { status: 'fail', detail: `El servidor IMAP ${config.host} rechazó el usuario o la contraseña.` };
    return { status: 'fail', detail: `No se pudo conectar con el servidor IMAP ${config.host}:${config.port} (${networkReason(error)}).` };
  } finally {
    if (!client.isClosed) client.close();
  }
}

/** SMTP: connect, greet and authenticate without sending anything (nodemailer `verify()`). */
export async function probeSmtp(url: string): Promise<ProbeOutcome> {
  const mailer = createTransport({ url, connectionTimeout: MAIL_TIMEOUT_MS, greetingTimeout: MAIL_TIMEOUT_MS, socketTimeout: MAIL_TIMEOUT_MS, disableFileAccess: true, disableUrlAccess: true });
  let where = 'el servidor SMTP';
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || (u.protocol === 'smtps:' ? '465' : '587')}`;
  } catch {
    // The config validated the URL; keep the generic name.
  }
  try {
    await mailer.verify();
    return { status: 'ok', detail: `El servidor SMTP ${where} acepta la conexión${new URL(url).username ? ' y las credenciales' : ''}.` };
  } catch (error) {
    const e = error as Error & { code?: string; responseCode?: number };
    if (e.code === 'EAUTH') return { status: 'fail', detail: `El servidor SMTP ${where} rechazó las credenciales${e.responseCode ? ` (${e.responseCode})` : ''}.` };
    // nodemailer's code is a generic ESOCKET / ECONNECTION: the system's (ECONNREFUSED, ETIMEDOUT…) says more.
    const reason = /\bE[A-Z]{4,}\b/.exec(e.message)?.[0] ?? e.code ?? networkReason(error);
    return { status: 'fail', detail: `No se pudo conectar con el servidor SMTP ${where} (${reason}).` };
  } finally {
    mailer.close();
  }
}

/**
 * The PBX named by PBX_SIP_DOMAIN (`host[:port]`, where the switchboard's transfers are dialled by Twilio as
 * sip:<extension>@host): its name must resolve, and a SIP OPTIONS over UDP should get an answer (any SIP status
 * means Asterisk is up). No answer is a warning, not a failure: the PBX may only accept Twilio's addresses.
 */
export async function probePbx(domain: string, timeoutMs = SIP_OPTIONS_TIMEOUT_MS): Promise<ProbeOutcome> {
  const [host = domain, portText] = domain.split(':');
  const port = portText ? Number(portText) : 5060;
  let address: string;
  try {
    address = (await lookup(host)).address;
  } catch (error) {
    return { status: 'fail', detail: `No se pudo resolver ${host} (${networkReason(error)}): las transferencias al conmutador fallarían.` };
  }
  const answer = await sipOptions(host, address, port, timeoutMs).catch((error: unknown) => `error:${networkReason(error)}`);
  if (answer === null) {
    return { status: 'warn', detail: `${host} resuelve a ${address}, pero no respondió a SIP OPTIONS (UDP ${port}) en ${Math.round(timeoutMs / 1000)} s; puede aceptar solo las direcciones de Twilio.` };
  }
  if (answer.startsWith('error:')) return { status: 'warn', detail: `${host} resuelve a ${address}; no se pudo enviar SIP OPTIONS (${answer.slice(6)}).` };
  return { status: 'ok', detail: `${host} (${address}) respondió a SIP OPTIONS: ${answer}.` };
}

/** Sends one SIP OPTIONS request over UDP; resolves with the status line's code and reason, or null without answer. */
function sipOptions(host: string, address: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
    const id = randomBytes(8).toString('hex');
    let timer: NodeJS.Timeout | undefined;
    const done = (value: string | null, error?: unknown) => {
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(value);
    };
    socket.on('error', (error) => done(null, error));
    socket.on('message', (msg) => {
      const line = /^SIP\/2\.0 (\d{3}) ?([^\r\n]*)/.exec(msg.toString('utf8'));
      if (line) done(`${line[1]} ${line[2] ?? ''}`.trim());
    });
    socket.connect(port, address, () => {
      const local = socket.address();
      const me = `${local.address.includes(':') ? `[${local.address}]` : local.address}:${local.port}`;
      const request = [
        `OPTIONS sip:${host} SIP/2.0`,
        `Via: SIP/2.0/UDP ${me};branch=z9hG4bK${id};rport`,
        'Max-Forwards: 70',
        `From: <sip:ventanilla@${me}>;tag=${id.slice(0, 8)}`,
        `To: <sip:${host}>`,
        `Call-ID: ${id}@ventanilla`,
        'CSeq: 1 OPTIONS',
        `Contact: <sip:ventanilla@${me}>`,
        'Accept: application/sdp',
        'User-Agent: Ventanilla (revisión de salud)',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(request, (error) => {
        if (error) done(null, error);
      });
      timer = setTimeout(() => done(null), timeoutMs);
    });
  });
}

/** The nearest existing directory at or above `dir` (the data directory may not exist yet). */
function existingDir(dir: string): string {
  let current = path.resolve(dir);
  while (!fs.existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

/** Free space of the volume holding `dir`. */
export async function probeDisk(dir: string): Promise<ProbeOutcome> {
  const where = existingDir(dir);
  const stats = await fs.promises.statfs(where);
  const total = stats.blocks * stats.bsize;
  const free = stats.bavail * stats.bsize;
  const pct = total > 0 ? (free / total) * 100 : 0;
  return { status: diskStatus(free, total), detail: `${spanishBytes(free)} libres de ${spanishBytes(total)} (${pct.toFixed(1)} %) en ${where}.` };
}

/** Memory of this process: heap in use against V8's limit, and the resident size. */
export async function probeMemory(): Promise<ProbeOutcome> {
  const usage = process.memoryUsage();
  const limit = v8.getHeapStatistics().heap_size_limit;
  const ratio = limit > 0 ? usage.heapUsed / limit : 0;
  return {
    status: ratio > MEMORY_WARN_HEAP_RATIO ? 'warn' : 'ok',
    detail: `Heap ${spanishBytes(usage.heapUsed)} de ${spanishBytes(limit)} (${(ratio * 100).toFixed(0)} %); memoria residente ${spanishBytes(usage.rss)}.`,
  };
}
