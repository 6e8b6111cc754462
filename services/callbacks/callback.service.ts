/**
 * Callbacks: the calls the desk places later — a caller who asked to be called back (the extension was busy, nobody
 * could take the call, the desk was closed), or an outbound call verified staff asked for (seed 002, steps 14–24:
 * the desk dials the number, and when it answers connects it with the staff member; nobody answers → try again
 * later). This service owns every change of a callback's state; the scheduler (callback-scheduler.ts) decides when
 * to place them and the voice routes report what the call did.
 */
import type { CallbackKind, CallbackRepository, CallbackRow, CallbackStatus, ClaimResult } from '../../models/repositories/callback.repository';
import type { TwilioRestClient } from '../twilio/rest-client';
import { callbackAsap, describeCallbackMoment, parseCallbackTime, type CallbackTime, type DeskHours } from './callback-time';

export type { CallbackKind, CallbackRow, CallbackStatus, ClaimResult, CallbackTime };
export const CALLBACK_STATUS_VALUES = ['pending', 'calling', 'done', 'failed', 'cancelled'] as const satisfies readonly CallbackStatus[];

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CallbackSettings {
  /** IANA zone of the desk (`TZ`). */
  timeZone: string;
  /** Wait before the next attempt after busy / no answer / failed (`CALLBACK_RETRY_MINUTES`, default 10). */
  retryMinutes: number;
  /** Attempts before a callback is `failed` (`CALLBACK_MAX_ATTEMPTS`, default 3). */
  maxAttempts: number;
  /** The group of callbacks without one (transfers, outbound calls): the handoff's default group. */
  defaultGroup: string;
  /** How long a placed call may go without news before the attempt counts as lost (minutes, default 10). */
  dialLeaseMinutes?: number;
  /** …and once answered (a call may last a while; minutes, default 240, Twilio's longest call). */
  answeredLeaseMinutes?: number;
}

/** Who acts in the console (from the session). */
export interface CallbackActor {
  id: string;
  email: string;
  role: string;
}

export type CallbackErrorCode = 'callback/not_found' | 'callback/forbidden' | 'callback/closed' | 'callback/invalid';

/** A callback operation refused for a domain reason; `message` is Spanish, for the person. */
export class CallbackError extends Error {
  constructor(
    readonly code: CallbackErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CallbackError';
  }
}

/** A callback to book. `phone` is the number the desk will dial. */
/** Open call backs allowed to one number at once. */
const MAX_OPEN_PER_PHONE = 2;

export interface CallbackRequestInput {
  kind: CallbackKind;
  conversationId: string;
  channel: string;
  phone: string;
  reason: string;
  name?: string | null;
  requesterId?: string | null;
  /** When, in their words («mañana a las diez»); absent = as soon as possible. */
  preferredTime?: string | null;
  resolverGroup?: string | null;
  /** transfer: whom to connect them with; outbound: the verified staff member to connect when the number answers. */
  directoryEntryId?: string | null;
  /** Who asked (outbound: the staff member, e.g. «ext. 42500 María Pérez»), for the log. */
  requestedBy?: string | null;
  /** When, as the person was told (parsed when they said it): kept as it is, not parsed again from the words. */
  scheduledAt?: Date | null;
}

/** What the console shows of a callback. */
export interface CallbackView {
  id: string;
  kind: CallbackKind;
  status: CallbackStatus;
  name: string | null;
  phone: string;
  channel: string;
  conversationId: string;
  reason: string;
  preferredTime: string | null;
  scheduledAt: Date | null;
  nextAttemptAt: Date | null;
  attempts: number;
  maxAttempts: number;
  lastResult: string | null;
  /** Its resolver group, or the default group for transfers and outbound calls. */
  group: string;
  directoryEntryId: string | null;
  requestedBy: string | null;
  createdAt: Date;
  handledAt: Date | null;
  /** The actor may cancel it now. */
  canCancel: boolean;
}

/** The repository methods this service uses (CallbackRepository has them). */
export type CallbackStore = Pick<
  CallbackRepository,
  'create' | 'openFor' | 'get' | 'claimDue' | 'attemptStarted' | 'answered' | 'complete' | 'retry' | 'fail' | 'cancel' | 'unscheduled' | 'setSchedule' | 'list' | 'userSkills'
>;

export interface CallbackServiceDeps {
  repo: CallbackStore;
  /** Audit log (outbound staff calls and cancellations). */
  audit: { append(e: { actor: string; action: string; target?: string | null; details?: Record<string, unknown> }): Promise<void> };
  hours: DeskHours;
  clock: { now(): Date };
  logger: Logger;
  settings: CallbackSettings;
  /** Twilio REST (optional): a cancelled callback whose call is still ringing is hung up. */
  twilio?: Pick<TwilioRestClient, 'updateCall'>;
}

const PRIVILEGED = new Set(['coordinator', 'admin']);
const CONSOLE_ROLES = new Set(['agent', 'coordinator', 'admin']);
const OPEN_STATUSES: readonly CallbackStatus[] = ['pending', 'calling'];
const MINUTE = 60_000;
const MAX_LIST = 500;

/** «…5678»: enough to tell calls apart in the logs without writing whole numbers there. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length <= 4 ? '…' : `…${digits.slice(-4)}`;
}

/** Twilio's final CallStatus values that mean the person was not reached. */
const NOT_REACHED = new Set(['busy', 'no-answer', 'failed', 'canceled']);

export class CallbackService {
  private readonly settings: Required<CallbackSettings>;

  constructor(private readonly deps: CallbackServiceDeps) {
    for (const key of ['repo', 'audit', 'hours', 'clock', 'logger', 'settings'] as const) {
      if (!deps[key]) throw new Error(`CallbackService: ${key} is required`);
    }
    this.settings = { dialLeaseMinutes: 10, answeredLeaseMinutes: 240, ...deps.settings };
    if (!(this.settings.retryMinutes > 0) || !(this.settings.maxAttempts >= 1)) throw new Error('CallbackService: retryMinutes > 0 and maxAttempts ≥ 1 are required');
  }

  /** When to call back, from the person's words (null: not understood, ask again). */
  when(text: string, now: Date = this.deps.clock.now()): CallbackTime | null {
    return parseCallbackTime(text, now, { timeZone: this.settings.timeZone, schedule: this.deps.hours });
  }

  /**
   * Books a callback. Its time comes from `preferredTime` (as soon as possible without one, or when the words are
   * not understood — the caller heard the time back in `time.spoken`). Outbound staff calls are audited.
   */
  async request(input: CallbackRequestInput): Promise<{ callback: CallbackRow; time: CallbackTime }> {
    const phone = input.phone.trim().replace(/[^\d+]/g, '');
    if (phone.replace(/\D/g, '').length < 7 || phone.lastIndexOf('+') > 0) throw new CallbackError('callback/invalid', 'El teléfono para devolver la llamada no es válido.');
    if ((input.kind === 'transfer' || input.kind === 'outbound') && !input.directoryEntryId) {
      throw new CallbackError('callback/invalid', 'Falta la persona o el área con quien comunicar la llamada.');
    }
    if (input.kind === 'outbound' && !input.requestedBy) throw new CallbackError('callback/invalid', 'Falta quién solicita la llamada al exterior.');
    const now = this.deps.clock.now();
    const words = input.preferredTime?.trim() || null;
    // One open call back per conversation and kind, and at most MAX_OPEN_PER_PHONE to one number: repeating the
    // flow (or many anonymous chats) cannot make the desk ring a number again and again.
    const open = await this.deps.repo.openFor({ conversationId: input.conversationId, phone });
    const same = open.find((c) => c.conversationId === input.conversationId && c.kind === input.kind);
    const toPhone = open.filter((c) => c.phone === phone);
    const existing = same ?? (toPhone.length >= MAX_OPEN_PER_PHONE ? toPhone[0] : undefined);
    if (existing) {
      this.deps.logger.warn({ callback: existing.id, conversationId: input.conversationId, phone: maskPhone(phone) }, 'callback already booked: not booked again');
      const at = existing.scheduledAt ?? existing.nextAttemptAt ?? now;
      return { callback: existing, time: { at, spoken: '', when: '', asap: existing.scheduledAt === null, moved: false } };
    }
    const told = input.scheduledAt ? { at: input.scheduledAt, spoken: '', when: '', asap: false, moved: false } : null;
    const time = told ?? (words ? this.when(words, now) : null) ?? callbackAsap(now, { timeZone: this.settings.timeZone, schedule: this.deps.hours });
    const callback = await this.deps.repo.create(
      {
        kind: input.kind,
        conversationId: input.conversationId,
        channel: input.channel,
        phone,
        reason: input.reason,
        name: input.name ?? null,
        requesterId: input.requesterId ?? null,
        preferredTime: words,
        // As soon as possible stays null: the scheduler places it whenever the desk is open.
        scheduledAt: time.asap ? null : time.at,
        resolverGroup: input.resolverGroup ?? null,
        directoryEntryId: input.directoryEntryId ?? null,
        requestedBy: input.requestedBy ?? null,
        maxAttempts: this.settings.maxAttempts,
      },
      now,
    );
    this.deps.logger.info({ callback: callback.id, kind: callback.kind, conversationId: callback.conversationId, at: time.at.toISOString(), phone: maskPhone(phone) }, 'callback booked');
    if (callback.kind === 'outbound') {
      await this.deps.audit.append({
        actor: callback.requestedBy ?? 'bot',
        action: 'callback.outbound.requested',
        target: callback.id,
        details: { phone, directoryEntryId: callback.directoryEntryId, conversationId: callback.conversationId, scheduledAt: callback.scheduledAt },
      });
    }
    return { callback, time };
  }

  async get(id: string): Promise<CallbackRow | null> {
    return isUuid(id) ? this.deps.repo.get(id) : null;
  }

  // ------------------------------------------------------------------------------------------ console

  /** Callbacks the actor may see (agents: their groups'; coordinators and admins: all), newest first. */
  async list(actor: CallbackActor, filter: { statuses?: readonly CallbackStatus[]; limit?: number } = {}): Promise<CallbackView[]> {
    const groups = await this.groupsOf(actor);
    const rows = await this.deps.repo.list({
      ...(filter.statuses ? { statuses: filter.statuses } : {}),
      ...(groups ? { groups } : {}),
      defaultGroup: this.settings.defaultGroup,
      limit: Math.min(Math.max(filter.limit ?? 100, 1), MAX_LIST),
    });
    return rows.map((row) => this.view(row, true));
  }

  /**
   * Cancels a pending (or ringing) callback: coordinators and admins any, agents those of their groups. A call
   * still ringing is hung up; one already answered goes on (the person is talking). Audited.
   */
  async cancel(actor: CallbackActor, id: string): Promise<CallbackView> {
    const groups = await this.groupsOf(actor);
    if (!isUuid(id)) throw new CallbackError('callback/not_found', 'No existe esa devolución de llamada.');
    const mine = (row: CallbackRow) => groups === null || groups.includes(this.groupOf(row));
    const outcome = await this.deps.repo.cancel(id, this.deps.clock.now(), mine, `cancelled by ${actor.email}`);
    if (!outcome.ok) {
      if (outcome.why === 'not_found') throw new CallbackError('callback/not_found', 'No existe esa devolución de llamada.');
      if (outcome.why === 'forbidden') throw new CallbackError('callback/forbidden', 'Esa devolución de llamada no es de sus grupos.');
      throw new CallbackError('callback/closed', 'Esa devolución de llamada ya terminó; no se puede cancelar.');
    }
    const { row, was } = outcome;
    await this.deps.audit.append({
      actor: actor.email,
      action: 'callback.cancel',
      target: row.id,
      details: { kind: row.kind, was, attempts: row.attempts, conversationId: row.conversationId, phone: maskPhone(row.phone) },
    });
    this.deps.logger.info({ callback: row.id, by: actor.email, was }, 'callback cancelled');
    if (was === 'calling' && row.lastCallSid && this.deps.twilio) {
      // Twilio cancels only calls not yet answered; an answered one answers an error and goes on.
      await this.deps.twilio.updateCall(row.lastCallSid, { status: 'canceled' }).catch((err: unknown) => {
        this.deps.logger.warn({ callback: row.id, callSid: row.lastCallSid, err: String(err) }, 'callback call not cancelled at Twilio');
      });
    }
    return this.view(row, false);
  }

  // ------------------------------------------------------------------------------------------ scheduler side

  /** Gives a time to pending callbacks booked with words only (the handoff's fallback), read from when they asked. */
  async scheduleWords(limit = 20): Promise<number> {
    let n = 0;
    for (const row of await this.deps.repo.unscheduled(limit)) {
      const time = parseCallbackTime(row.preferredTime ?? '', row.createdAt, { timeZone: this.settings.timeZone, schedule: this.deps.hours });
      // Not understood, or as soon as possible: from when they asked (the scheduler waits for the desk to open).
      if (await this.deps.repo.setSchedule(row.id, time && !time.asap ? time.at : row.createdAt)) n++;
    }
    return n;
  }

  /** One scheduler tick's claim (under the advisory lock): expired attempts retried, due callbacks `calling`. */
  async claimDue(limit: number): Promise<ClaimResult> {
    const now = this.deps.clock.now();
    const result = await this.deps.repo.claimDue(now, { limit, leaseUntil: this.after(now, this.settings.dialLeaseMinutes), retryAt: this.retryAt(now) });
    for (const row of result.expired) {
      this.deps.logger.warn({ callback: row.id, callSid: row.lastCallSid, status: row.status }, 'callback attempt lost (no status callback)');
      await this.auditEnd(row);
    }
    return result;
  }

  /** The call of an attempt was created at Twilio. */
  async attemptStarted(row: CallbackRow, callSid: string, status: string): Promise<void> {
    const live = await this.deps.repo.attemptStarted(row.id, callSid, status);
    if (!live) this.deps.logger.info({ callback: row.id, callSid }, 'callback changed while its call was placed');
    if (row.kind === 'outbound') {
      await this.deps.audit.append({
        actor: row.requestedBy ?? 'bot',
        action: 'callback.outbound.placed',
        target: row.id,
        details: { callSid, phone: row.phone, attempt: row.attempts, directoryEntryId: row.directoryEntryId },
      });
    }
  }

  /** The call could not be placed (Twilio refused or was unreachable): retried later, or failed. */
  async attemptNotPlaced(row: CallbackRow, error: string): Promise<CallbackRow | null> {
    const updated = await this.deps.repo.retry(row.id, null, `api_error: ${error}`, this.retryAt(this.deps.clock.now()), this.deps.clock.now());
    if (updated) await this.auditEnd(updated);
    return updated;
  }

  // ------------------------------------------------------------------------------------------ webhook side

  /** The person answered attempt `callSid`; the callback, or null when it is not live any more (cancelled, unknown). */
  async answered(id: string, callSid: string): Promise<CallbackRow | null> {
    if (!isUuid(id)) return null;
    return this.deps.repo.answered(id, callSid, this.after(this.deps.clock.now(), this.settings.answeredLeaseMinutes));
  }

  /** The attempt reached its goal (connected with the extension, the staff member or the queue). */
  async connected(id: string, callSid: string, result: string): Promise<CallbackRow | null> {
    if (!isUuid(id)) return null;
    const row = await this.deps.repo.complete(id, callSid, result, this.deps.clock.now());
    if (row) await this.auditEnd(row);
    return row;
  }

  /**
   * The attempt did not reach its goal (`result`: busy, no-answer…): retried after the retry delay or failed.
   * `next` is when the next attempt may be placed (the desk's next opening from then), null when it failed.
   */
  async notConnected(id: string, callSid: string, result: string): Promise<{ callback: CallbackRow; next: CallbackTime | null } | null> {
    if (!isUuid(id)) return null;
    const now = this.deps.clock.now();
    const row = await this.deps.repo.retry(id, callSid, result, this.retryAt(now), now);
    if (!row) return null;
    await this.auditEnd(row);
    if (row.status !== 'pending' || !row.nextAttemptAt) return { callback: row, next: null };
    const at = this.deps.hours.nextOpening(row.nextAttemptAt) ?? row.nextAttemptAt;
    const when = describeCallbackMoment(at, now, this.settings.timeZone);
    return { callback: row, next: { at, when, spoken: `Le volveremos a llamar ${when}.`, asap: false, moved: at.getTime() !== row.nextAttemptAt.getTime() } };
  }

  /** Nobody can be connected on this callback (the directory entry is gone or has no route): failed at once. */
  async cannotConnect(id: string, callSid: string, result: string): Promise<CallbackRow | null> {
    if (!isUuid(id)) return null;
    const row = await this.deps.repo.fail(id, callSid, result, this.deps.clock.now());
    if (row) {
      this.deps.logger.warn({ callback: row.id, result }, 'callback cannot be connected');
      await this.auditEnd(row);
    }
    return row;
  }

  /**
   * Twilio's status callback of an attempt (CallStatus): `completed` → done (unless the transfer already decided);
   * busy, no-answer, failed, canceled → retry or failed. Null when the attempt was no longer live.
   */
  async callEnded(id: string, callSid: string, callStatus: string): Promise<CallbackRow | null> {
    if (callStatus === 'completed') return this.connected(id, callSid, 'completed');
    if (NOT_REACHED.has(callStatus)) return (await this.notConnected(id, callSid, callStatus))?.callback ?? null;
    return null; // an intermediate status (ringing, in-progress): nothing to decide yet
  }

  // ------------------------------------------------------------------------------------------ helpers

  private async auditEnd(row: CallbackRow): Promise<void> {
    if (row.kind !== 'outbound' || (row.status !== 'done' && row.status !== 'failed')) return;
    await this.deps.audit.append({
      actor: row.requestedBy ?? 'bot',
      action: row.status === 'done' ? 'callback.outbound.connected' : 'callback.outbound.failed',
      target: row.id,
      details: { callSid: row.lastCallSid, phone: row.phone, attempts: row.attempts, result: row.lastResult },
    });
  }

  private retryAt(now: Date): Date {
    return this.after(now, this.settings.retryMinutes);
  }

  private after(now: Date, minutes: number): Date {
    return new Date(now.getTime() + minutes * MINUTE);
  }

  private groupOf(row: CallbackRow): string {
    return row.resolverGroup ?? this.settings.defaultGroup;
  }

  /** null = every group (coordinators, admins); agents: their skills, or the default group without any. */
  private async groupsOf(actor: CallbackActor): Promise<string[] | null> {
    if (!CONSOLE_ROLES.has(actor.role)) throw new CallbackError('callback/forbidden', 'Su cuenta no tiene permiso para esta operación.');
    if (PRIVILEGED.has(actor.role)) return null;
    const skills = await this.deps.repo.userSkills(actor.id);
    return skills && skills.length > 0 ? skills : [this.settings.defaultGroup];
  }

  private view(row: CallbackRow, mayCancel: boolean): CallbackView {
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      name: row.name,
      phone: row.phone,
      channel: row.channel,
      conversationId: row.conversationId,
      reason: row.reason,
      preferredTime: row.preferredTime,
      scheduledAt: row.scheduledAt,
      nextAttemptAt: row.nextAttemptAt,
      attempts: row.attempts,
      maxAttempts: row.maxAttempts,
      lastResult: row.lastResult,
      group: this.groupOf(row),
      directoryEntryId: row.directoryEntryId,
      requestedBy: row.requestedBy,
      createdAt: row.createdAt,
      handledAt: row.handledAt,
      canCancel: mayCancel && OPEN_STATUSES.includes(row.status),
    };
  }
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}
