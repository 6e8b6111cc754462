/**
 * Places due callbacks through the Twilio REST API. Every instance runs one, but each tick first takes a PostgreSQL
 * advisory lock inside the claiming transaction (`pg_try_advisory_xact_lock`, CallbackRepository.claimDue): when
 * another instance holds it, that instance is placing calls and this tick does nothing. The claimed callbacks are
 * `calling` (attempts + 1) before any call is placed, so a callback is never dialled twice; the calls are placed
 * after the commit, and what happens to them comes back through the voice routes (callback.routes.ts).
 */
import { TwilioApiError } from '../twilio/rest-client';
import type { CallbackRow, CallbackService } from './callback.service';
import { maskPhone } from './callback.service';
import type { DeskHours } from './callback-time';
import type { TwilioRestClient } from '../twilio/rest-client';

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What the scheduler needs of the Twilio REST client. */
export type CallPlacer = Pick<TwilioRestClient, 'createCall'>;

/** What the scheduler records of each call it places (models/repositories/call.repository.ts `CallRepository.start`). */
export interface CallRecorder {
  start(c: {
    callSid: string;
    direction: 'inbound' | 'outbound';
    purpose: string;
    fromNumber?: string | null;
    toNumber?: string | null;
    status: string;
    callbackId?: string | null;
    meta?: Record<string, unknown>;
  }): Promise<unknown>;
}

export interface CallbackSchedulerSettings {
  /** `PUBLIC_BASE_URL`: Twilio fetches the callback's TwiML and posts its status there. */
  publicBaseUrl: string;
  /** `TWILIO_PHONE_NUMBER`: the caller id of the calls placed. */
  from: string;
  /** How long the call rings before `no-answer` (`CALLBACK_RING_SECONDS`, default 30). */
  ringSeconds?: number;
  /** Callbacks placed per tick at most (default 5). */
  batchSize?: number;
  /** Country code for numbers stored with national digits only (default 52, Mexico). */
  countryCode?: string;
}

export interface CallbackSchedulerDeps {
  callbacks: Pick<CallbackService, 'scheduleWords' | 'claimDue' | 'attemptStarted' | 'attemptNotPlaced'>;
  twilio: CallPlacer;
  hours: Pick<DeskHours, 'isOpen'>;
  clock: { now(): Date };
  logger: Logger;
  /** Call records for the indicators (optional). */
  calls?: CallRecorder;
  settings: CallbackSchedulerSettings;
}

/** What one tick did. */
export interface TickReport {
  /** False: another instance holds the scheduler lock. */
  locked: boolean;
  /** The desk was open (calls are only placed then). */
  open: boolean;
  placed: Array<{ id: string; callSid: string }>;
  notPlaced: Array<{ id: string; error: string }>;
  /** Attempts whose lease ran out (retried or failed). */
  expired: string[];
}

/**
 * A number Twilio can dial (E.164): kept when it starts with «+»; 10 national digits get the country code; Mexican
 * prefixes (52, 521, 044, 045, 01) are read as such.
 */
export function toE164(phone: string, countryCode = '52'): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return `+${digits}`;
  if (digits.length === 10) return `+${countryCode}${digits}`;
  if (countryCode === '52' && digits.length === 13 && /^(?:521|044|045)/.test(digits)) return `+52${digits.slice(3)}`;
  if (countryCode === '52' && digits.length === 12 && digits.startsWith('01')) return `+52${digits.slice(2)}`;
  if (digits.startsWith(countryCode) && digits.length > 10) return `+${digits}`;
  return `+${digits}`;
}

export class CallbackScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickReport> | undefined;
  private stopped = true;
  private readonly ringSeconds: number;
  private readonly batchSize: number;

  constructor(private readonly deps: CallbackSchedulerDeps) {
    for (const key of ['callbacks', 'twilio', 'hours', 'clock', 'logger', 'settings'] as const) {
      if (!deps[key]) throw new Error(`CallbackScheduler: ${key} is required`);
    }
    if (!deps.settings.publicBaseUrl) throw new Error('CallbackScheduler: settings.publicBaseUrl (PUBLIC_BASE_URL) is required');
    if (!deps.settings.from) throw new Error('CallbackScheduler: settings.from (TWILIO_PHONE_NUMBER) is required');
    this.ringSeconds = deps.settings.ringSeconds ?? 30;
    this.batchSize = deps.settings.batchSize ?? 5;
  }

  /** Ticks every `tickMs` (0: never; tests call `tick()`). Each tick starts after the previous one ended. */
  start(tickMs: number): void {
    if (tickMs <= 0 || !this.stopped) return;
    this.stopped = false;
    const loop = () => {
      this.timer = setTimeout(() => {
        void this.tick()
          .catch((err: unknown) => this.deps.logger.error({ err }, 'callback scheduler tick failed'))
          .finally(() => {
            if (!this.stopped) loop();
          });
      }, tickMs);
      this.timer.unref();
    };
    loop();
  }

  /** Stops ticking and waits for a running tick (its calls are placed, their outcome recorded). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass: schedule worded callbacks, claim the due ones under the lock, place their calls. */
  async tick(): Promise<TickReport> {
    // A tick still running (slow Twilio) is awaited rather than overlapped.
    if (this.running) return this.running;
    this.running = this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<TickReport> {
    await this.deps.callbacks.scheduleWords();
    const open = this.deps.hours.isOpen(this.deps.clock.now());
    // Closed: nothing is placed, but lost attempts are still settled.
    const claim = await this.deps.callbacks.claimDue(open ? this.batchSize : 0);
    const report: TickReport = { locked: claim.locked, open, placed: [], notPlaced: [], expired: claim.expired.map((r) => r.id) };
    for (const row of claim.claimed) {
      const placed = await this.place(row);
      if ('callSid' in placed) report.placed.push({ id: row.id, callSid: placed.callSid });
      else report.notPlaced.push({ id: row.id, error: placed.error });
    }
    return report;
  }

  private async place(row: CallbackRow): Promise<{ callSid: string } | { error: string }> {
    const base = this.deps.settings.publicBaseUrl.replace(/\/+$/, '');
    const id = encodeURIComponent(row.id);
    const to = toE164(row.phone, this.deps.settings.countryCode);
    let call: { sid: string; status: string };
    try {
      call = await this.deps.twilio.createCall({
        to,
        from: this.deps.settings.from,
        url: `${base}/api/twilio/voice/callback?id=${id}`,
        statusCallback: `${base}/api/twilio/voice/callback-status?id=${id}`,
        statusCallbackEvent: ['completed'],
        timeout: this.ringSeconds,
      });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      if (err instanceof TwilioApiError && err.status === 0) {
        // No answer from Twilio: the call may exist. The attempt stays «calling» until its status callback or its
        // lease settles it, so the person is never called twice.
        this.deps.logger.warn({ callback: row.id, attempt: row.attempts, error }, 'callback call: no answer from Twilio, left to its lease');
        return { error };
      }
      const updated = await this.deps.callbacks.attemptNotPlaced(row, error);
      this.deps.logger.warn({ callback: row.id, attempt: row.attempts, status: updated?.status, error }, 'callback call not placed');
      return { error };
    }
    this.deps.logger.info({ callback: row.id, kind: row.kind, attempt: row.attempts, callSid: call.sid, to: maskPhone(to) }, 'callback call placed');
    await this.deps.callbacks.attemptStarted(row, call.sid, call.status);
    await this.deps.calls
      ?.start({
        callSid: call.sid,
        direction: 'outbound',
        purpose: row.kind === 'outbound' ? 'outbound' : 'callback',
        fromNumber: this.deps.settings.from,
        toNumber: to,
        status: call.status,
        callbackId: row.id,
        meta: { callbackKind: row.kind, attempt: row.attempts, callbackConversation: row.conversationId },
      })
      .catch((err: unknown) => this.deps.logger.error({ err, callback: row.id, callSid: call.sid }, 'callback call not recorded'));
    return { callSid: call.sid };
  }
}
