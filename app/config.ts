import { type MailboxConfig, parseImapUrls } from '../services/email/imap-url';
import { z } from 'zod';
import { DEFAULT_PRIORITY_MATRIX, parsePriorityMatrix, type PriorityMatrix } from '../services/tickets/priority';
import { DEFAULT_SLA_TARGETS, parseSlaTargets, type SlaTargets } from '../services/reports/indicators';
import { BusinessHoursSyntaxError, parseBusinessHours, type WeeklySchedule } from '../services/handoff/business-hours';
import type { HandoffSettings } from '../services/handoff/handoff.service';
import { type HolidayRules, HolidaysSyntaxError, parseHolidays } from '../services/handoff/mexican-holidays';

/**
 * Environment → typed configuration, parsed once at start.
 * Every problem is reported at once (ConfigError.problems); a channel whose credentials are
 * absent is simply off (see `channelStatus`).
 */

const optionalString = z
  .string()
  .transform((v) => v.trim())
  .pipe(z.string())
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

/** Parses an optional value once: the parser's error becomes the variable's problem. */
function parsedOr<T>(value: string | undefined, parse: (text: string) => T, ctx: z.RefinementCtx): T | undefined {
  if (value === undefined) return undefined;
  try {
    return parse(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
    return z.NEVER;
  }
}

const optionalUrl = optionalString.pipe(z.url().optional());

const boolString = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : v === 'true' || v === '1' || v === 'yes'));

const intString = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? String(fallback) : v.trim()))
    .pipe(z.coerce.number<string>().int().min(min).max(max));

const color = (fallback: string) =>
  optionalString.pipe(
    z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'debe ser un color hexadecimal como #691C32')
      .optional()
      .transform((v) => v ?? fallback),
  );

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('es-MX', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Runs a parser that throws one error listing several problems, and reports each one as its own issue. */
function parsedWith<T>(parse: (text: string) => T, Problems: new (problems: string[]) => Error & { problems: string[] }) {
  return (text: string, ctx: Pick<z.RefinementCtx<unknown>, 'addIssue'>): T => {
    try {
      return parse(text);
    } catch (err) {
      if (!(err instanceof Problems)) throw err;
      for (const message of err.problems) ctx.addIssue({ code: 'custom', message, input: text });
      return z.NEVER;
    }
  };
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).optional().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  PORT: intString(3978, 0, 65535),
  HOST: optionalString,
  DATA_DIR: optionalString.transform((v) => v ?? './data'),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'debe empezar con postgres:// o postgresql://')
      .optional(),
  ),
  DATABASE_POOL_MAX: intString(10, 1, 200),
  PUBLIC_BASE_URL: optionalUrl,
  TZ: optionalString
    .transform((v) => v ?? 'America/Mexico_City')
    .refine(isValidTimeZone, 'zona horaria desconocida (use por ejemplo America/Mexico_City)'),
  BOT_NAME: optionalString.transform((v) => v ?? 'Ventanilla'),
  ORG_NAME: optionalString.transform((v) => v ?? 'Centro de Atención a Usuarios'),
  ORG_PRIMARY_COLOR: color('#691C32'),
  ORG_ACCENT_COLOR: color('#BC955C'),
  ADMIN_EMAIL: optionalString.pipe(z.email().optional()),
  ADMIN_PASSWORD: optionalString.pipe(z.string().min(12, 'debe tener al menos 12 caracteres').optional()),
  SECRET_KEY: optionalString.pipe(z.string().min(32, 'debe tener al menos 32 caracteres').optional()),
  DIRECTLINE_SECRET: optionalString.pipe(z.string().min(24, 'debe tener al menos 24 caracteres').optional()),
  DIRECTLINE_TOKEN_TTL_SECONDS: intString(1800, 60, 86400),
  DIRECTLINE_RATE_PER_MINUTE: intString(120, 1, 100000),
  WEBCHAT_ANONYMOUS: boolString(true),
  BODY_LIMIT_BYTES: intString(256 * 1024, 1024, 50 * 1024 * 1024),
  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_PHONE_NUMBER: optionalString,
  TWILIO_API_BASE_URL: optionalUrl,
  /** `<Say voice>` of the phone channel (Amazon Polly or Google voice that speaks TWILIO_LANGUAGE). */
  TWILIO_VOICE: optionalString.transform((v) => v ?? 'Polly.Mia'),
  /** Speech and speech-recognition language of the phone channel. */
  TWILIO_LANGUAGE: optionalString.transform((v) => v ?? 'es-MX').pipe(z.string().regex(/^[a-z]{2}-[A-Z]{2}$/, 'debe ser como es-MX')),
  /** `on`: every inbound call is announced as recorded and recorded (quality review). */
  VOICE_RECORDING: optionalString.transform((v) => v ?? 'off').pipe(z.enum(['on', 'off'], { error: 'debe ser on u off' })),
  /** Hold phrase interval while a caller waits for an agent (protocol: 20–30 s). */
  VOICE_HOLD_SECONDS: intString(25, 5, 120),
  /** Seconds a transfer rings before «no contesta» (switchboard `<Dial timeout>`). */
  VOICE_TRANSFER_TIMEOUT_SECONDS: intString(20, 5, 120),
  /** Tries of a busy or unanswered transfer while the caller waits. */
  VOICE_TRANSFER_ATTEMPTS: intString(3, 1, 10),
  /** Silences in a row that end the call (the one before offers an agent). */
  VOICE_MAX_SILENCES: intString(3, 2, 10),
  /** Speech recognised below this confidence (0–1) is asked again. */
  VOICE_MIN_CONFIDENCE: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? '0.3' : v.trim()))
    .pipe(z.coerce.number<string>().min(0).max(1)),
  /** Seconds an agent's phone rings when they accept a call in the console. */
  VOICE_AGENT_RING_SECONDS: intString(25, 5, 120),
  /** SIP domain of the PBX: directory entries with an extension and no route are dialled as sip:<extension>@<domain>. */
  PBX_SIP_DOMAIN: optionalString.pipe(
    z
      .string()
      .regex(/^[a-z0-9.-]+(?::\d{1,5})?$/i, 'debe ser un dominio o IP, con puerto opcional: pbx.cau.gob.mx o 10.0.0.5:5060')
      .optional(),
  ),
  /** Wait before trying a call back again after busy / no answer / failure. */
  CALLBACK_RETRY_MINUTES: intString(10, 1, 1440),
  /** Attempts before a call back is given up as failed. */
  CALLBACK_MAX_ATTEMPTS: intString(3, 1, 10),
  /** How often one instance (under an advisory lock) places due call backs; 0 = off. */
  CALLBACK_TICK_MS: intString(15000, 0, 600000),
  /** How long a call back rings before it counts as unanswered. */
  CALLBACK_RING_SECONDS: intString(30, 5, 600),
  /** `<Dial timeout>` towards the extension or staff member when the person answers a call back. */
  CALLBACK_DIAL_TIMEOUT_SECONDS: intString(25, 5, 120),
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppTenantId: optionalString,
  MicrosoftAppType: optionalString.pipe(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional()),
  SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, 'debe empezar con smtp:// o smtps://').optional()),
  SMTP_FROM: optionalString,
  IMAP_URL: optionalString.pipe(
    z
      .string()
      .regex(/^imaps?:\/\/[^,]+(,\s*imaps?:\/\/[^,]+)*$/, 'debe ser una o más URL imap:// o imaps:// separadas por comas')
      .optional(),
  ),
  FACEBOOK_APP_SECRET: optionalString,
  FACEBOOK_VERIFY_TOKEN: optionalString,
  FACEBOOK_PAGE_ACCESS_TOKEN: optionalString,
  FACEBOOK_GRAPH_BASE_URL: optionalUrl,
  X_CONSUMER_SECRET: optionalString,
  X_ACCESS_TOKEN: optionalString,
  X_API_BASE_URL: optionalUrl,
  TICKET_PREFIX: optionalString.transform((v) => v ?? 'CAU').pipe(z.string().regex(/^[A-Z][A-Z0-9]{0,9}$/, 'de 1 a 10 mayúsculas o dígitos, empezando con letra (p. ej. CAU)')),
  TICKET_PRIORITY_MATRIX: optionalString.transform((v, ctx) => parsedOr(v, parsePriorityMatrix, ctx)),
  UNITS_FILE: optionalString,
  RESOLVER_GROUP_EMAILS: optionalString.transform((v, ctx) => parsedOr(v, parseGroupEmails, ctx)),
  NOTIFY_REQUESTER: boolString(true),
  TICKET_WEBHOOK_URL: optionalString.pipe(z.url({ protocol: /^https?$/, error: 'debe ser una URL http:// o https://' }).optional()),
  TICKET_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, 'debe tener al menos 16 caracteres').optional()),
  OUTBOX_POLL_MS: intString(5000, 100, 600_000),
  OUTBOX_MAX_ATTEMPTS: intString(12, 1, 100),
  /** "lun-vie 08:00-18:00; sab 09:00-13:00"; unset = always open. */
  BUSINESS_HOURS: optionalString.pipe(
    z
      .string()
      .transform((text, ctx) => ({ text, schedule: parsedWith(parseBusinessHours, BusinessHoursSyntaxError)(text, ctx) }))
      .optional(),
  ),
  /** "oficiales, 2026-12-24"; unset = the official rest days (art. 74 LFT); "ninguno" = none. */
  HOLIDAYS: optionalString.transform((text, ctx) => parsedWith(parseHolidays, HolidaysSyntaxError)(text ?? '', ctx)),
  /** The general queue: requests without a group, and groups no agent attends. */
  HANDOFF_DEFAULT_GROUP: optionalString.transform((v) => v ?? 'Mesa de ayuda').pipe(z.string().max(120)),
  /** Hold message interval while the person waits (protocol: 20–30 s). */
  HANDOFF_HOLD_SECONDS: intString(25, 1, 600),
  HANDOFF_AGENT_SILENT_SECONDS: intString(25, 1, 600),
  HANDOFF_MAX_WAIT_SECONDS: intString(600, 10, 86_400),
  HANDOFF_OFFER_SECONDS: intString(45, 5, 3600),
  HANDOFF_HEARTBEAT_SECONDS: intString(45, 5, 3600),
  HANDOFF_CAPACITY: intString(3, 1, 50),
  /** `internal` (our queues and console) or `external` (Bot Framework handoff protocol to an external hub). */
  HANDOFF_MODE: optionalString.transform((v) => v ?? 'internal').pipe(z.enum(['internal', 'external'], { error: 'debe ser internal o external' })),
  HANDOFF_EXTERNAL_TIMEOUT_SECONDS: intString(60, 5, 3600),
  HANDOFF_TICK_MS: intString(2000, 100, 60_000),
  /** "P1:15m/4h, P2:30m/8h, …": first response / resolution per ticket priority (report SLA); unset = the defaults. */
  SLA_TARGETS: optionalString.transform((v, ctx) => parsedOr(v, parseSlaTargets, ctx)),
  /** Day of month M+1 (desk's calendar) from which month M's report is generated and mailed (seed 001: three days after). */
  REPORT_DAY: intString(3, 1, 28),
  /** How often an instance checks whether the monthly report is due (under an advisory lock); 0 = off. */
  REPORT_TICK_MS: intString(3_600_000, 0, 86_400_000),
  /** Extra addresses the monthly report goes to besides the active coordinators, comma-separated. */
  REPORT_EMAILS: optionalString.transform((v, ctx) => parsedOr(v, parseReportEmails, ctx)),
  /** Conversations drawn for each month's protocol-quality review (seed 001 stage 2), unless the reviewer asks another size. */
  QUALITY_SAMPLE_SIZE: intString(30, 1, 500),
  /** How often an instance checks whether this month's health check (seed 004) was run (under an advisory lock); 0 = off. */
  HEALTH_TICK_MS: intString(3_600_000, 0, 86_400_000),
  /** Directory whose volume's free space the health check reports; unset = DATA_DIR (embedded) or the working directory. */
  HEALTH_DISK_PATH: optionalString,
});

export type NodeEnv = 'development' | 'production' | 'test';

export interface Config {
  env: NodeEnv;
  logLevel: string;
  port: number;
  host: string | undefined;
  dataDir: string;
  database: { url: string | undefined; poolMax: number };
  publicBaseUrl: string | undefined;
  tz: string;
  bot: { name: string; orgName: string; primaryColor: string; accentColor: string };
  admin: { email: string | undefined; password: string | undefined };
  secretKey: string | undefined;
  directLine: {
    secret: string | undefined;
    tokenTtlSeconds: number;
    ratePerMinute: number;
    anonymousWebChat: boolean;
  };
  http: { bodyLimitBytes: number };
  botFramework: { appId: string | undefined; appPassword: string | undefined; tenantId: string | undefined; appType: string | undefined };
  twilio: { accountSid: string; authToken: string; phoneNumber: string | undefined; apiBaseUrl: string | undefined } | null;
  /** The phone channel (used when `twilio` is set). */
  voice: {
    voice: string;
    language: string;
    recording: boolean;
    holdSeconds: number;
    transferTimeoutSeconds: number;
    transferAttempts: number;
    maxSilences: number;
    minConfidence: number;
    agentRingSeconds: number;
    /** `PBX_SIP_DOMAIN`: extensions without a route are dialled as sip:<extension>@<domain>. */
    pbxSipDomain: string | undefined;
  };
  /** Call backs (`CALLBACK_*`), placed by one instance's scheduler through Twilio. */
  callbacks: { retryMinutes: number; maxAttempts: number; tickMs: number; ringSeconds: number; dialTimeoutSeconds: number };
  smtp: { url: string; from: string | undefined } | null;
  /** Mailboxes read by the e-mail channel (`IMAP_URL`, one or more). */
  imap: { mailboxes: MailboxConfig[] } | null;
  facebook: { appSecret: string; verifyToken: string; pageAccessToken: string; graphBaseUrl: string | undefined } | null;
  x: { consumerSecret: string; accessToken: string; apiBaseUrl: string | undefined } | null;
  /** The handoff service's settings from `HANDOFF_*` (the desk's zone and name come from `TZ` and `ORG_NAME`). */
  handoff: Omit<HandoffSettings, 'timeZone' | 'orgName' | 'defaultWaitSeconds'> & { tickMs: number };
  /** `BUSINESS_HOURS` as written and parsed; null = always open. */
  businessHours: { text: string; schedule: WeeklySchedule } | null;
  /** Days without attention (`HOLIDAYS`); they apply only when there are business hours. */
  holidays: HolidayRules;
  tickets: { prefix: string; matrix: PriorityMatrix };
  /**
   * The monthly indicators: SLA targets per ticket priority (`SLA_TARGETS`); the monthly report's day of the next
   * month (`REPORT_DAY`), how often it is checked (`REPORT_TICK_MS`, 0 = off) and extra recipients (`REPORT_EMAILS`).
   */
  reports: { slaTargets: SlaTargets; day: number; tickMs: number; emails: string[] };
  /** The monthly quality review: the default sample size (`QUALITY_SAMPLE_SIZE`). */
  quality: { sampleSize: number };
  /** The system health check (seed 004): how often the monthly run is looked for (`HEALTH_TICK_MS`, 0 = off), the disk checked. */
  health: { tickMs: number; diskPath: string | undefined };
  /** JSON file with the units (schools, centres) the attention script recognises; unset = the shipped list. */
  unitsFile: string | undefined;
  notify: {
    /** Resolver group (as named in the catalog) → mailbox; `*` is the fallback. */
    groupEmails: Record<string, string>;
    requester: boolean;
    webhook: { url: string; secret: string } | null;
    pollMs: number;
    maxAttempts: number;
  };
}

/**
 * `RESOLVER_GROUP_EMAILS`: "Redes y telecomunicaciones=redes@ipn.mx; Correo institucional=correo@ipn.mx; *=mesa@ipn.mx".
 * `*` is the mailbox for groups not listed.
 */
export function parseGroupEmails(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[;\n]/)) {
    if (part.trim() === '') continue;
    const eq = part.lastIndexOf('=');
    const group = eq > 0 ? part.slice(0, eq).trim() : '';
    const email = eq > 0 ? part.slice(eq + 1).trim() : '';
    if (group === '' || !z.email().safeParse(email).success) {
      throw new Error(`«${part.trim()}»: se esperaba "Grupo resolutor=correo@dominio"`);
    }
    out[group] = email.toLowerCase();
  }
  return out;
}

/** `REPORT_EMAILS`: "direccion@ipn.mx, calidad@ipn.mx" → lower-case addresses, each once. */
export function parseReportEmails(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    const email = part.trim();
    if (email === '') continue;
    if (!z.email().safeParse(email).success) throw new Error(`«${email.slice(0, 80)}» no es un correo válido (separe varios con comas)`);
    if (!out.includes(email.toLowerCase())) out.push(email.toLowerCase());
  }
  return out;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuración inválida:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment. Throws ConfigError listing every invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(entorno)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  // Half-configured channels are a mistake worth stopping for, not a silent "off".
  const pairs: Array<[string, string | undefined, string, string | undefined]> = [
    ['TWILIO_ACCOUNT_SID', e.TWILIO_ACCOUNT_SID, 'TWILIO_AUTH_TOKEN', e.TWILIO_AUTH_TOKEN],
    ['MicrosoftAppId', e.MicrosoftAppId, 'MicrosoftAppPassword', e.MicrosoftAppPassword],
    ['FACEBOOK_APP_SECRET', e.FACEBOOK_APP_SECRET, 'FACEBOOK_PAGE_ACCESS_TOKEN', e.FACEBOOK_PAGE_ACCESS_TOKEN],
    ['FACEBOOK_APP_SECRET', e.FACEBOOK_APP_SECRET, 'FACEBOOK_VERIFY_TOKEN', e.FACEBOOK_VERIFY_TOKEN],
    ['X_CONSUMER_SECRET', e.X_CONSUMER_SECRET, 'X_ACCESS_TOKEN', e.X_ACCESS_TOKEN],
  ];
  for (const [a, av, b, bv] of pairs) {
    if ((av === undefined) !== (bv === undefined)) {
      problems.push(`${av === undefined ? a : b}: falta; se definió ${av === undefined ? b : a} y ambas son necesarias`);
    }
  }
  if ((e.TICKET_WEBHOOK_URL === undefined) !== (e.TICKET_WEBHOOK_SECRET === undefined)) {
    problems.push(`${e.TICKET_WEBHOOK_URL === undefined ? 'TICKET_WEBHOOK_URL' : 'TICKET_WEBHOOK_SECRET'}: falta; el webhook necesita URL y secreto`);
  }
  if (e.ADMIN_PASSWORD !== undefined && e.ADMIN_EMAIL === undefined) {
    problems.push('ADMIN_EMAIL: falta; ADMIN_PASSWORD no sirve sin ADMIN_EMAIL');
  }
  let mailboxes: MailboxConfig[] = [];
  if (e.IMAP_URL !== undefined) {
    try {
      mailboxes = parseImapUrls(e.IMAP_URL);
    } catch (err) {
      problems.push(`IMAP_URL: ${(err as Error).message}`);
    }
    if (e.SMTP_URL === undefined) problems.push('SMTP_URL: falta; el canal de correo (IMAP_URL) responde por SMTP');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    database: { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX },
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    tz: e.TZ,
    bot: { name: e.BOT_NAME, orgName: e.ORG_NAME, primaryColor: e.ORG_PRIMARY_COLOR, accentColor: e.ORG_ACCENT_COLOR },
    admin: { email: e.ADMIN_EMAIL?.toLowerCase(), password: e.ADMIN_PASSWORD },
    secretKey: e.SECRET_KEY,
    directLine: {
      secret: e.DIRECTLINE_SECRET,
      tokenTtlSeconds: e.DIRECTLINE_TOKEN_TTL_SECONDS,
      ratePerMinute: e.DIRECTLINE_RATE_PER_MINUTE,
      anonymousWebChat: e.WEBCHAT_ANONYMOUS,
    },
    http: { bodyLimitBytes: e.BODY_LIMIT_BYTES },
    botFramework: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      tenantId: e.MicrosoftAppTenantId,
      appType: e.MicrosoftAppType,
    },
    twilio:
      e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN
        ? {
            accountSid: e.TWILIO_ACCOUNT_SID,
            authToken: e.TWILIO_AUTH_TOKEN,
            phoneNumber: e.TWILIO_PHONE_NUMBER,
            apiBaseUrl: e.TWILIO_API_BASE_URL,
          }
        : null,
    voice: {
      voice: e.TWILIO_VOICE,
      language: e.TWILIO_LANGUAGE,
      recording: e.VOICE_RECORDING === 'on',
      holdSeconds: e.VOICE_HOLD_SECONDS,
      transferTimeoutSeconds: e.VOICE_TRANSFER_TIMEOUT_SECONDS,
      transferAttempts: e.VOICE_TRANSFER_ATTEMPTS,
      maxSilences: e.VOICE_MAX_SILENCES,
      minConfidence: e.VOICE_MIN_CONFIDENCE,
      agentRingSeconds: e.VOICE_AGENT_RING_SECONDS,
      pbxSipDomain: e.PBX_SIP_DOMAIN,
    },
    callbacks: {
      retryMinutes: e.CALLBACK_RETRY_MINUTES,
      maxAttempts: e.CALLBACK_MAX_ATTEMPTS,
      tickMs: e.CALLBACK_TICK_MS,
      ringSeconds: e.CALLBACK_RING_SECONDS,
      dialTimeoutSeconds: e.CALLBACK_DIAL_TIMEOUT_SECONDS,
    },
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.SMTP_FROM } : null,
    imap: mailboxes.length > 0 ? { mailboxes } : null,
    facebook:
      e.FACEBOOK_APP_SECRET && e.FACEBOOK_VERIFY_TOKEN && e.FACEBOOK_PAGE_ACCESS_TOKEN
        ? {
            appSecret: e.FACEBOOK_APP_SECRET,
            verifyToken: e.FACEBOOK_VERIFY_TOKEN,
            pageAccessToken: e.FACEBOOK_PAGE_ACCESS_TOKEN,
            graphBaseUrl: e.FACEBOOK_GRAPH_BASE_URL,
          }
        : null,
    x:
      e.X_CONSUMER_SECRET && e.X_ACCESS_TOKEN
        ? { consumerSecret: e.X_CONSUMER_SECRET, accessToken: e.X_ACCESS_TOKEN, apiBaseUrl: e.X_API_BASE_URL }
        : null,
    businessHours: e.BUSINESS_HOURS ?? null,
    holidays: e.HOLIDAYS,
    handoff: {
      defaultGroup: e.HANDOFF_DEFAULT_GROUP,
      holdSeconds: e.HANDOFF_HOLD_SECONDS,
      agentSilentSeconds: e.HANDOFF_AGENT_SILENT_SECONDS,
      maxWaitSeconds: e.HANDOFF_MAX_WAIT_SECONDS,
      offerSeconds: e.HANDOFF_OFFER_SECONDS,
      heartbeatStaleSeconds: e.HANDOFF_HEARTBEAT_SECONDS,
      capacity: e.HANDOFF_CAPACITY,
      external: e.HANDOFF_MODE === 'external',
      externalTimeoutSeconds: e.HANDOFF_EXTERNAL_TIMEOUT_SECONDS,
      tickMs: e.HANDOFF_TICK_MS,
    },
    tickets: {
      prefix: e.TICKET_PREFIX,
      matrix: e.TICKET_PRIORITY_MATRIX ?? DEFAULT_PRIORITY_MATRIX,
    },
    reports: { slaTargets: e.SLA_TARGETS ?? DEFAULT_SLA_TARGETS, day: e.REPORT_DAY, tickMs: e.REPORT_TICK_MS, emails: e.REPORT_EMAILS ?? [] },
    quality: { sampleSize: e.QUALITY_SAMPLE_SIZE },
    health: { tickMs: e.HEALTH_TICK_MS, diskPath: e.HEALTH_DISK_PATH },
    unitsFile: e.UNITS_FILE,
    notify: {
      groupEmails: e.RESOLVER_GROUP_EMAILS ?? {},
      requester: e.NOTIFY_REQUESTER,
      webhook: e.TICKET_WEBHOOK_URL && e.TICKET_WEBHOOK_SECRET ? { url: e.TICKET_WEBHOOK_URL, secret: e.TICKET_WEBHOOK_SECRET } : null,
      pollMs: e.OUTBOX_POLL_MS,
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    },
  };
}

export interface ChannelStatus {
  channel: string;
  enabled: boolean;
  reason: string;
}

/** What each channel will do with this configuration, for the start-up log. */
export function channelStatus(config: Config): ChannelStatus[] {
  const bf = config.botFramework.appId
    ? { enabled: true, reason: 'JWT verificado con MicrosoftAppId' }
    : { enabled: true, reason: 'sin MicrosoftAppId: acepta solicitudes sin autenticar (solo para desarrollo y Emulator)' };
  return [
    { channel: 'webchat', enabled: true, reason: 'Direct Line propio en /v3/directline' },
    { channel: 'botframework', ...bf },
    config.twilio
      ? { channel: 'twilio', enabled: true, reason: 'voz en /api/twilio/voice, SMS y WhatsApp en /api/twilio/sms (firmas verificadas con PUBLIC_BASE_URL)' }
      : { channel: 'twilio', enabled: false, reason: 'apagado: faltan TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN' },
    config.imap && config.smtp
      ? { channel: 'email', enabled: true, reason: `correo: ${config.imap.mailboxes.map((m) => m.name).join(', ')} por IMAP; respuestas por SMTP` }
      : { channel: 'email', enabled: false, reason: 'apagado: falta IMAP_URL' },
    config.facebook
      ? { channel: 'facebook', enabled: true, reason: 'Messenger en /api/facebook/webhook (X-Hub-Signature-256 con FACEBOOK_APP_SECRET)' }
      : { channel: 'facebook', enabled: false, reason: 'apagado: faltan FACEBOOK_APP_SECRET, FACEBOOK_VERIFY_TOKEN, FACEBOOK_PAGE_ACCESS_TOKEN' },
    config.x
      ? { channel: 'x', enabled: true, reason: 'mensajes directos en /api/x/webhook (CRC y x-twitter-webhooks-signature con X_CONSUMER_SECRET)' }
      : { channel: 'x', enabled: false, reason: 'apagado: faltan X_CONSUMER_SECRET, X_ACCESS_TOKEN' },
  ];
}
