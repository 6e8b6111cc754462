/**
 * The system health check (seed 004, «mantenimiento preventivo»: the monthly verification of the telephony server,
 * the database and the administration application, leaving evidence). One run checks, in parallel and each within
 * {@link CHECK_TIMEOUT_MS}: the database, every configured channel (Twilio credentials, the PBX route, each IMAP
 * mailbox, SMTP, the Messenger page token, the X token), the outbox and handoff-queue lag, stuck e-mails, disk and
 * memory. A check that errs or hangs is a `fail` row with a Spanish reason; a channel that is not configured is a
 * `skipped` row (the evidence says it was off). The run is stored (`health_checks`) and returned; it never throws.
 * A monthly run is reported by e-mail (health-report.ts) in the transaction that stores it; the head's note on a run
 * (`note`) and the year view (`history().months`) are seed 004 stage 2 («analiza resultados… define la acción»).
 */
import { performance } from 'node:perf_hooks';
import type { AuditRepository, HealthRepository, HealthResult, HealthRun, HealthRunKind, HealthRunSummary, HealthStatus, NewHealthRun } from '../../models';
import type { MailboxConfig } from '../email/imap-url';
import {
  CHECK_TIMEOUT_MS, countStatuses, EMAIL_STUCK_AGE_MS, lastMonths, MANUAL_MIN_INTERVAL_MS, migrationsStatus, monthMark, NOTE_MAX_LENGTH, OUTBOX_FAIL_AGE_MS,
  OUTBOX_WARN_AGE_MS, outboxStatus, queueStatus, redact, runOk, spanishDuration, type MonthMark,
} from './health-rules';
import { healthReportMessages, type HealthReportSettings } from './health-report';
import { probeDisk, probeImap, probeMemory, probeMessenger, probePbx, probeSmtp, probeTwilio, probeX, type ProbeOutcome } from './health-probes';

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What is checked: the channels' settings as configured (null / empty = off). */
export interface HealthSettings {
  twilio: { accountSid: string; authToken: string; apiBaseUrl?: string | undefined } | null;
  /** `PBX_SIP_DOMAIN`: where the switchboard's transfers go. */
  pbxSipDomain: string | undefined;
  imap: readonly MailboxConfig[];
  /** `SMTP_URL`. */
  smtpUrl: string | null;
  messenger: { pageAccessToken: string; graphBaseUrl?: string | undefined } | null;
  x: { accessToken: string; apiBaseUrl?: string | undefined } | null;
  /** `HANDOFF_MAX_WAIT_SECONDS`: a longer current wait is a warning. */
  maxWaitSeconds: number;
  /** The directory whose volume's free space is checked (the embedded data, or `HEALTH_DISK_PATH`). */
  diskPath: string;
}

/** The probes that reach outside (tests may replace them). */
export interface HealthProbes {
  twilio: typeof probeTwilio;
  messenger: typeof probeMessenger;
  x: typeof probeX;
  imap: typeof probeImap;
  smtp: typeof probeSmtp;
  pbx: typeof probePbx;
  disk: typeof probeDisk;
  memory: typeof probeMemory;
}

export interface HealthCheckDeps {
  repo: Pick<
    HealthRepository,
    'insert' | 'list' | 'get' | 'latestAt' | 'probeDatabase' | 'outboxLag' | 'queueLag' | 'stuckEmails' | 'setNote' | 'monthlyEvidence' | 'coordinatorEmails'
  >;
  audit: Pick<AuditRepository, 'append'>;
  clock: { now(): Date };
  logger: Logger;
  settings: HealthSettings;
  probes?: Partial<HealthProbes>;
  /** Per-check timeout (default {@link CHECK_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Reporting the monthly run by e-mail (seed 004: «Informa del resultado al Jefe de UACT»); absent: nobody is mailed. */
  report?: HealthReportSettings;
  /** E-mails were queued (wake the outbox worker). */
  onQueued?: () => void;
  /** The desk's time zone (`TZ`): the year view's months are its calendar months (default UTC). */
  timeZone?: string;
}

/** One month of the year view: its mark and, when it has one, its monthly run. */
export interface HealthMonth {
  month: string;
  mark: MonthMark;
  run: { id: number; at: Date; ok: boolean; counts: Record<HealthStatus, number> } | null;
}

/** A page of the history, and the year view (the last 12 months, oldest first). */
export interface HealthHistory {
  runs: HealthRunSummary[];
  total: number;
  months: HealthMonth[];
}

/** A run as returned: `id` null when it could not be stored (the database failed, or the month already had one). */
export type HealthRunOutcome = NewHealthRun & { id: number | null };

/** Why a manual run was refused. */
export class HealthError extends Error {
  override readonly name = 'HealthError';
  constructor(
    readonly code: 'health/running' | 'health/too_soon' | 'health/bad_note' | 'health/not_found',
    message: string,
    /** For `too_soon`: seconds until a run is accepted. */
    readonly retryAfterSeconds = 0,
  ) {
    super(message);
  }
}

const DEFAULT_PROBES: HealthProbes = { twilio: probeTwilio, messenger: probeMessenger, x: probeX, imap: probeImap, smtp: probeSmtp, pbx: probePbx, disk: probeDisk, memory: probeMemory };

const KIND_LABELS: Record<string, string> = { email: 'correo', webhook: 'webhook' };

export class HealthCheckService {
  private readonly probes: HealthProbes;
  private readonly timeoutMs: number;
  private readonly secrets: string[];
  /** Runs in progress in this instance (a manual run is refused meanwhile). */
  private active = 0;
  /** A manual run is being admitted (between the checks and its start). */
  private admitting = false;

  constructor(private readonly deps: HealthCheckDeps) {
    for (const key of ['repo', 'audit', 'clock', 'logger', 'settings'] as const) {
      if (!deps?.[key]) throw new Error(`HealthCheckService: ${key} is required`);
    }
    this.probes = { ...DEFAULT_PROBES, ...deps.probes };
    this.timeoutMs = deps.timeoutMs ?? CHECK_TIMEOUT_MS;
    const s = deps.settings;
    this.secrets = [s.twilio?.authToken, s.messenger?.pageAccessToken, s.x?.accessToken, ...s.imap.map((m) => m.password), smtpPassword(s.smtpUrl)].filter(
      (v): v is string => typeof v === 'string' && v !== '',
    );
  }

  /** A run is in progress in this instance. */
  get running(): boolean {
    return this.active > 0 || this.admitting;
  }

  /**
   * Runs every check, stores the run and returns it. Never throws: a failing check is a `fail` row, and a run that
   * cannot be stored comes back with `id` null (logged). `month` (YYYY-MM) is the month a monthly run stands for.
   */
  async run(kind: HealthRunKind, by: string, month: string | null = null): Promise<HealthRunOutcome> {
    this.active += 1;
    try {
      const at = this.deps.clock.now();
      const results = await this.check();
      const run: NewHealthRun = { at, kind, month: kind === 'monthly' ? month : null, checkedBy: by, ok: runOk(results), results };
      let stored: HealthRun | null = null;
      let recipients: string[] = [];
      try {
        const report = this.deps.report;
        if (kind === 'monthly' && report?.email) {
          recipients = [...new Set([...(await this.deps.repo.coordinatorEmails()), ...(report.extraEmails ?? []).map((e) => e.toLowerCase())])];
        }
        stored = await this.deps.repo.insert(run, recipients.length > 0 ? (r) => healthReportMessages(r, recipients, report?.publicBaseUrl) : undefined);
        if (stored && recipients.length > 0) {
          this.deps.logger.info({ id: stored.id, month: run.month, recipients: recipients.length }, 'monthly health check reported by e-mail');
          this.deps.onQueued?.();
        }
      } catch (err) {
        this.deps.logger.error({ err, kind }, 'health check: the run could not be stored');
      }
      const counts = countStatuses(results);
      const failed = results.filter((r) => r.status === 'fail').map((r) => r.name);
      if (stored) this.deps.logger[run.ok ? 'info' : 'warn']({ id: stored.id, kind, month: run.month, counts, failed }, 'health check stored');
      else this.deps.logger.warn({ kind, month: run.month }, 'health check not stored (its month already has one, or the database failed)');
      return { ...run, id: stored?.id ?? null };
    } finally {
      this.active -= 1;
    }
  }

  /**
   * A run an admin asked for (console or CLI), audited. HealthError `health/running` when one is in progress here,
   * `health/too_soon` within {@link MANUAL_MIN_INTERVAL_MS} of the previous run.
   */
  async runManual(by: string): Promise<HealthRunOutcome> {
    if (this.running) throw new HealthError('health/running', 'Ya hay una revisión de salud en curso; espere a que termine.');
    this.admitting = true;
    let admitted = false;
    try {
      const last = await this.deps.repo.latestAt().catch(() => null);
      const since = last ? this.deps.clock.now().getTime() - last.getTime() : Infinity;
      if (since >= 0 && since < MANUAL_MIN_INTERVAL_MS) {
        const wait = Math.ceil((MANUAL_MIN_INTERVAL_MS - since) / 1000);
        throw new HealthError('health/too_soon', `La revisión anterior fue hace menos de ${MANUAL_MIN_INTERVAL_MS / 1000} s; intente de nuevo en ${wait} s.`, wait);
      }
      admitted = true;
      const promise = this.run('manual', by);
      this.admitting = false;
      const run = await promise;
      await this.deps.audit
        .append({ actor: by, action: 'health.check', target: run.id === null ? null : String(run.id), details: { ok: run.ok, counts: countStatuses(run.results) } })
        .catch((err: unknown) => this.deps.logger.error({ err }, 'health check: audit entry failed'));
      return run;
    } finally {
      if (!admitted) this.admitting = false;
    }
  }

  /** Stored runs, newest first, without their results; and the year view: each of the last 12 months' evidence. */
  async history(options: { limit: number; offset: number; kind?: HealthRunKind }): Promise<HealthHistory> {
    const months = lastMonths(this.deps.clock.now(), this.deps.timeZone ?? 'UTC');
    const [page, evidence] = await Promise.all([this.deps.repo.list(options), this.deps.repo.monthlyEvidence(months)]);
    const byMonth = new Map(evidence.map((e) => [e.month, e]));
    const current = months[months.length - 1];
    return {
      ...page,
      months: months.map((month) => {
        const e = byMonth.get(month);
        return { month, mark: monthMark(e?.counts ?? null, month === current), run: e ? { id: e.id, at: e.at, ok: e.ok, counts: e.counts } : null };
      }),
    };
  }

  /**
   * Writes the head's decision on a run (seed 004: «Jefe analiza resultados… define la acción»), replacing an earlier
   * one, and audits it (`health.note`). HealthError `health/bad_note` when it is not 1–2000 characters of text,
   * `health/not_found` when there is no such run.
   */
  async note(id: number, note: unknown, by: string): Promise<HealthRun> {
    const text = typeof note === 'string' ? note.trim() : '';
    if (typeof note !== 'string' || text === '') throw new HealthError('health/bad_note', 'Escriba la acción definida por la jefatura (no puede quedar vacía).');
    if (text.length > NOTE_MAX_LENGTH) throw new HealthError('health/bad_note', `La acción definida es demasiado larga: ${text.length} caracteres (máximo ${NOTE_MAX_LENGTH}).`);
    const run = await this.deps.repo.setNote(id, text, by, this.deps.clock.now());
    if (!run) throw new HealthError('health/not_found', 'No existe esa revisión de salud.');
    await this.deps.audit
      .append({ actor: by, action: 'health.note', target: String(id), details: { length: text.length } })
      .catch((err: unknown) => this.deps.logger.error({ err }, 'health check: audit entry of the note failed'));
    return run;
  }

  /** One stored run, or null. */
  async get(id: number): Promise<HealthRun | null> {
    return this.deps.repo.get(id);
  }

  /** Every check, in parallel, each within the timeout. Never throws. */
  async check(): Promise<HealthResult[]> {
    const s = this.deps.settings;
    const p = this.probes;
    const skipped = (name: string, detail: string) => Promise.resolve<HealthResult>({ name, status: 'skipped', detail, ms: 0 });
    const twilio = s.twilio;
    const messenger = s.messenger;
    const x = s.x;
    const smtpUrl = s.smtpUrl;
    const pbx = s.pbxSipDomain;
    return Promise.all([
      this.timed('database', () => this.database()),
      twilio ? this.timed('twilio', (signal) => p.twilio({ accountSid: twilio.accountSid, authToken: twilio.authToken, baseUrl: twilio.apiBaseUrl }, signal)) : skipped('twilio', 'Canal apagado: faltan TWILIO_ACCOUNT_SID y TWILIO_AUTH_TOKEN.'),
      pbx ? this.timed('pbx', () => p.pbx(pbx)) : skipped('pbx', 'Sin PBX_SIP_DOMAIN: las transferencias usan los números o rutas SIP del directorio.'),
      ...(s.imap.length > 0 ? s.imap.map((m) => this.timed(`imap:${m.name}`, () => p.imap(m))) : [skipped('imap', 'Canal de correo apagado: falta IMAP_URL.')]),
      smtpUrl ? this.timed('smtp', () => p.smtp(smtpUrl)) : skipped('smtp', 'Sin SMTP_URL: no se envían correos.'),
      messenger ? this.timed('messenger', (signal) => p.messenger(messenger, signal)) : skipped('messenger', 'Canal apagado: faltan FACEBOOK_APP_SECRET, FACEBOOK_VERIFY_TOKEN y FACEBOOK_PAGE_ACCESS_TOKEN.'),
      x ? this.timed('x', (signal) => p.x(x, signal)) : skipped('x', 'Canal apagado: faltan X_CONSUMER_SECRET y X_ACCESS_TOKEN.'),
      this.timed('outbox', () => this.outbox()),
      this.timed('queue', () => this.queue()),
      ...(s.imap.length > 0 ? [this.timed('email', () => this.stuckEmails())] : []),
      this.timed('disk', () => p.disk(s.diskPath)),
      this.timed('memory', () => p.memory()),
    ]);
  }

  /** Runs one check with the timeout, timing it; errors and timeouts become `fail`; secrets are redacted. */
  private async timed(name: string, fn: (signal: AbortSignal) => Promise<ProbeOutcome>): Promise<HealthResult> {
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ProbeOutcome>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ status: 'fail', detail: `Sin respuesta en ${this.timeoutMs >= 1000 ? `${Math.round(this.timeoutMs / 1000)} s` : `${this.timeoutMs} ms`}.` });
      }, this.timeoutMs);
    });
    let outcome: ProbeOutcome;
    try {
      outcome = await Promise.race([
        Promise.resolve()
          .then(() => fn(controller.signal))
          .catch((err: unknown): ProbeOutcome => ({ status: 'fail', detail: `Error al revisar: ${err instanceof Error ? err.message : String(err)}` })),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
    return { name, status: outcome.status, detail: redact(outcome.detail, this.secrets).slice(0, 500), ms: Math.round(performance.now() - started) };
  }

  private async database(): Promise<ProbeOutcome> {
    const started = performance.now();
    const probe = await this.deps.repo.probeDatabase();
    const ms = Math.round(performance.now() - started);
    const engine = probe.kind === 'pglite' ? `PGlite (PostgreSQL ${probe.version} embebido)` : `PostgreSQL ${probe.version}`;
    const status = migrationsStatus(probe.appliedMigrations, probe.shippedMigrations);
    const migrations =
      status === 'ok'
        ? `${probe.appliedMigrations} de ${probe.shippedMigrations} migraciones aplicadas`
        : `${probe.appliedMigrations} migraciones aplicadas y esta versión trae ${probe.shippedMigrations}: la base no corresponde a la aplicación`;
    return { status, detail: `${engine} responde en ${ms} ms; ${migrations}.` };
  }

  private async outbox(): Promise<ProbeOutcome> {
    const lag = await this.deps.repo.outboxLag();
    const now = this.deps.clock.now().getTime();
    const oldest = lag.byKind.reduce<Date | null>((a, k) => (k.oldestAt && (!a || k.oldestAt < a) ? k.oldestAt : a), null);
    const ageMs = oldest ? Math.max(0, now - oldest.getTime()) : null;
    const status = outboxStatus(ageMs, lag.dead);
    const parts = [
      lag.pending === 0
        ? 'Nada pendiente de envío'
        : `${lag.pending} pendientes (${lag.byKind.filter((k) => k.pending > 0).map((k) => `${KIND_LABELS[k.kind] ?? k.kind} ${k.pending}`).join(', ')}); el más antiguo espera ${spanishDuration(ageMs ?? 0)}`,
      ...(lag.dead > 0 ? [`${lag.dead} abandonados tras agotar los reintentos`] : []),
    ];
    const limit = status === 'fail' ? ` (límite ${spanishDuration(OUTBOX_FAIL_AGE_MS)})` : status === 'warn' && ageMs !== null && ageMs >= OUTBOX_WARN_AGE_MS ? ` (aviso desde ${spanishDuration(OUTBOX_WARN_AGE_MS)})` : '';
    return { status, detail: `${parts.join('; ')}${limit}.` };
  }

  private async queue(): Promise<ProbeOutcome> {
    const lag = await this.deps.repo.queueLag();
    const max = this.deps.settings.maxWaitSeconds;
    if (lag.queued === 0 || !lag.longestSince) return { status: 'ok', detail: 'Nadie espera a un agente.' };
    const waitSeconds = Math.max(0, (this.deps.clock.now().getTime() - lag.longestSince.getTime()) / 1000);
    const status = queueStatus(waitSeconds, max);
    const over = status === 'warn' ? `, más que la espera máxima de ${spanishDuration(max * 1000)}` : '';
    return { status, detail: `${lag.queued} en espera de un agente; la espera más larga lleva ${spanishDuration(waitSeconds * 1000)}${over}.` };
  }

  private async stuckEmails(): Promise<ProbeOutcome> {
    const now = this.deps.clock.now();
    const stuck = await this.deps.repo.stuckEmails(new Date(now.getTime() - EMAIL_STUCK_AGE_MS));
    if (stuck.count === 0) return { status: 'ok', detail: `Ningún correo recibido lleva más de ${spanishDuration(EMAIL_STUCK_AGE_MS)} sin procesar.` };
    const age = stuck.oldestAt ? spanishDuration(now.getTime() - stuck.oldestAt.getTime()) : '';
    return { status: 'warn', detail: `${stuck.count} correos recibidos siguen sin procesar; el más antiguo desde hace ${age}.` };
  }
}

function smtpPassword(url: string | null): string | undefined {
  if (!url) return undefined;
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
