import type { Request, Response, Server } from 'restify';
import type { CallRepository } from '../../../models';
import { farewellTimeOfDay, timeOfDayGreeting } from '../../../dialogs/greeting';
import type { CallbackRow, CallbackService } from '../../../services/callbacks/callback.service';
import type { DirectoryService } from '../../../services/directory/directory.service';
import type { DirectoryEntry } from '../../../services/directory/directory-types';
import type { TwilioParams } from '../../../services/twilio/signature';
import { VoiceTwiml } from '../../../services/twilio/twiml';
import type { VoiceRoute } from '../../../services/voice/voice-types';
import { param, queryParam, sendTwiml, type TwilioWebhook } from './twilio-webhook';

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CallbackRoutesDeps {
  /** The signature check of every Twilio webhook (helper of the voice channel: 403 JSON and a log when it fails). */
  webhook: Pick<TwilioWebhook, 'verify'>;
  callbacks: Pick<CallbackService, 'answered' | 'connected' | 'notConnected' | 'cannotConnect' | 'callEnded'>;
  /** Whom a transfer callback connects with, and the staff member of an outbound call. */
  directory: Pick<DirectoryService, 'get' | 'spokenName'>;
  /** Call records for the indicators (optional). */
  calls?: Pick<CallRepository, 'start' | 'updateStatus' | 'patch' | 'addTransfer' | 'outcomeIfUnset'>;
  /** A TwiML builder with the configured voice (default: `new VoiceTwiml(settings.voice)`). */
  twiml?: () => VoiceTwiml;
  /**
   * kind=handoff: the caller answered; queue them for an agent of the callback's resolver group and answer with
   * that TwiML (the voice channel's queue: `<Enqueue>` with the hold announcements).
   */
  enqueueHandoff?: (callSid: string, callback: CallbackRow) => Promise<string>;
  clock: { now(): Date };
  logger: Logger;
  settings: {
    /** PUBLIC_BASE_URL without a trailing slash: the `<Dial action>` URL. */
    publicBaseUrl: string;
    /** ORG_NAME: «le llamamos de la Mesa de Ayuda de <ORG>». */
    orgName: string;
    /** BOT_NAME (kept for the texts a coordinator may reword). */
    botName: string;
    /** VOICE_NAME / language of `<Say>`. */
    voice: { voice: string; language: string };
    /** TZ: the greeting by the hour. */
    timeZone: string;
    /** `<Dial timeout>` towards the extension (CALLBACK_DIAL_TIMEOUT_SECONDS, default 25). */
    dialTimeoutSeconds?: number;
  };
}

const PREFIX = '/api/twilio/voice';
const DIAL_OK = new Set(['completed', 'answered']);
const FINAL_CALL_STATUSES = new Set(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

/** «de» before a name: «del ingeniero Ramón López», «de la licenciada María Pérez», «de Xóchitl Cuautle». */
const ofName = (name: string) => (name.startsWith('el ') ? `del ${name.slice(3)}` : `de ${name}`);
const capitalize = (text: string) => text.charAt(0).toLocaleUpperCase('es-MX') + text.slice(1);

/**
 * The Twilio webhooks of the calls the callback scheduler places (all POST, all signature-checked):
 * - `/api/twilio/voice/callback?id=` — the person answered: greeting, then `<Dial>` to the extension asked for
 *   (transfer), to the staff member who asked for the call (outbound), or the agents' queue (handoff);
 * - `/api/twilio/voice/callback-dial?id=` — how that `<Dial>` ended: connected → done; busy, no answer → «le
 *   volveremos a llamar …» (retry) or, after the last attempt, an apology;
 * - `/api/twilio/voice/callback-status?id=` — the call's status callback: not answered (busy, no-answer, failed,
 *   canceled) → retry after the delay or failed; completed → done.
 */
export class CallbackRoutes {
  private readonly dialTimeout: number;

  constructor(private readonly deps: CallbackRoutesDeps) {
    for (const key of ['webhook', 'callbacks', 'directory', 'clock', 'logger', 'settings'] as const) {
      if (!deps?.[key]) throw new Error(`CallbackRoutes: ${key} is required`);
    }
    if (!deps.settings.publicBaseUrl) throw new Error('CallbackRoutes: settings.publicBaseUrl (PUBLIC_BASE_URL) is required');
    this.dialTimeout = deps.settings.dialTimeoutSeconds ?? 25;
  }

  register(server: Server): void {
    this.twiml(server, '/callback', (p, id) => this.answeredCall(p, id));
    this.twiml(server, '/callback-dial', (p, id) => this.dialEnded(p, id));
    server.post(`${PREFIX}/callback-status`, async (req: Request, res: Response) => {
      const params = this.deps.webhook.verify(req);
      await this.statusCallback(params, queryParam(req, 'id') ?? '');
      res.send(204);
    });
  }

  /** A TwiML route: verified first (403 otherwise); any failure past that is logged and apologised for. */
  private twiml(server: Server, path: string, handle: (params: TwilioParams, id: string) => Promise<string>): void {
    server.post(`${PREFIX}${path}`, async (req: Request, res: Response) => {
      const params = this.deps.webhook.verify(req);
      let xml: string;
      try {
        xml = await handle(params, queryParam(req, 'id') ?? '');
      } catch (err) {
        this.deps.logger.error({ err, path: `${PREFIX}${path}`, callSid: param(params, 'CallSid') }, 'callback: webhook failed');
        xml = this.builder().say(`Una disculpa, tuvimos un problema con esta llamada. Si lo necesita, llámenos de nuevo. Hasta luego, ${this.farewell()}.`).hangup().toString();
      }
      sendTwiml(res, xml);
    });
  }

  private async answeredCall(params: TwilioParams, id: string): Promise<string> {
    const callSid = param(params, 'CallSid') ?? '';
    const now = this.deps.clock.now();
    const callback = callSid ? await this.deps.callbacks.answered(id, callSid) : null;
    const hello = `${timeOfDayGreeting(now, this.deps.settings.timeZone)}, le llamamos de la Mesa de Ayuda de ${this.deps.settings.orgName}`;
    if (!callback) {
      this.deps.logger.warn({ callback: id, callSid }, 'callback answered but no longer wanted');
      return this.builder().say(`${hello}. Una disculpa, esta llamada quedó cancelada. Hasta luego, ${this.farewell()}.`).hangup().toString();
    }
    await this.record(callSid, callback, params, now);
    if (callback.kind === 'handoff') {
      if (this.deps.enqueueHandoff) return this.deps.enqueueHandoff(callSid, callback);
      await this.deps.callbacks.cannotConnect(callback.id, callSid, 'no handoff queue for voice');
      return this.builder().say(`${hello}. Una disculpa, en este momento no podemos comunicarle con un agente. Si lo necesita, llámenos de nuevo. Hasta luego, ${this.farewell()}.`).hangup().toString();
    }
    const entry = callback.directoryEntryId ? await this.deps.directory.get(callback.directoryEntryId) : null;
    if (!entry || !entry.active || !entry.route) {
      await this.deps.callbacks.cannotConnect(callback.id, callSid, !entry ? 'directory entry not found' : !entry.active ? 'directory entry inactive' : 'directory entry without a route');
      const whom = entry ? ` con ${this.name(entry)}` : '';
      return this.builder().say(`${hello}. Una disculpa, ya no es posible comunicarle${whom} desde aquí. Si lo necesita, llámenos de nuevo. Hasta luego, ${this.farewell()}.`).hangup().toString();
    }
    const text =
      callback.kind === 'transfer'
        ? `${hello}, como lo solicitó, para comunicarle con ${this.name(entry)}. Permítame.`
        : `${hello} de parte ${ofName(this.name(entry))}, que solicitó esta llamada. Permítame, le comunico.`;
    return this.builder()
      .say(text)
      .dial({ action: this.url(`${PREFIX}/callback-dial?id=${encodeURIComponent(callback.id)}`), timeout: this.dialTimeout, answerOnBridge: true }, dialTarget(entry.route))
      .toString();
  }

  private async dialEnded(params: TwilioParams, id: string): Promise<string> {
    const callSid = param(params, 'CallSid') ?? '';
    const status = param(params, 'DialCallStatus') ?? 'failed';
    const duration = Number(param(params, 'DialCallDuration') ?? '');
    if (DIAL_OK.has(status)) {
      const done = await this.deps.callbacks.connected(id, callSid, `transferred: ${status}`);
      await this.transferLog(callSid, done, status, Number.isFinite(duration) ? duration : null, 'transferred');
      return this.builder().hangup().toString();
    }
    const result = await this.deps.callbacks.notConnected(id, callSid, `transfer ${status}`);
    if (!result) return this.builder().hangup().toString();
    const { callback, next } = result;
    await this.transferLog(callSid, callback, status, null, null);
    const entry = callback.directoryEntryId ? await this.deps.directory.get(callback.directoryEntryId) : null;
    const whom = entry ? this.name(entry) : 'la persona que buscaba';
    const why = status === 'busy' ? `La línea de ${whom} está ocupada en este momento.` : `${capitalize(whom)} no contesta en este momento.`;
    const then = next ? `Le volveremos a llamar ${next.when}.` : 'Una disculpa, no logramos comunicarle. Si lo necesita, llámenos de nuevo.';
    return this.builder().say(`${why} ${then} Hasta luego, ${this.farewell()}.`).hangup().toString();
  }

  private async statusCallback(params: TwilioParams, id: string): Promise<void> {
    const callSid = param(params, 'CallSid');
    const status = param(params, 'CallStatus');
    if (!callSid || !status) {
      this.deps.logger.warn({ callback: id }, 'callback status without CallSid or CallStatus');
      return;
    }
    const row = await this.deps.callbacks.callEnded(id, callSid, status);
    if (row) this.deps.logger.info({ callback: row.id, callSid, status, now: row.status, attempts: row.attempts }, 'callback call ended');
    if (!this.deps.calls || !FINAL_CALL_STATUSES.has(status)) return;
    const duration = Number(param(params, 'CallDuration') ?? '');
    await this.deps.calls.updateStatus(callSid, { status, endedAt: this.deps.clock.now(), ...(Number.isFinite(duration) ? { durationSeconds: duration } : {}) });
    if (status !== 'completed') await this.deps.calls.outcomeIfUnset(callSid, 'failed');
  }

  /** The answered call in the call records (started by the scheduler; started here again when that failed). */
  private async record(callSid: string, callback: CallbackRow, params: TwilioParams, now: Date): Promise<void> {
    const calls = this.deps.calls;
    if (!calls) return;
    try {
      await calls.start({
        callSid,
        direction: 'outbound',
        purpose: callback.kind === 'outbound' ? 'outbound' : 'callback',
        fromNumber: param(params, 'From') ?? null,
        toNumber: param(params, 'To') ?? null,
        status: 'in-progress',
        callbackId: callback.id,
        // The call's own conversation is the voice channel's to set (kind=handoff); the callback's is in meta.
        meta: { callbackKind: callback.kind, callbackConversation: callback.conversationId },
      }, now);
      await calls.updateStatus(callSid, { status: 'in-progress', answeredAt: now });
    } catch (err) {
      this.deps.logger.error({ err, callSid, callback: callback.id }, 'callback call not recorded');
    }
  }

  private async transferLog(callSid: string, callback: CallbackRow | null, status: string, durationSeconds: number | null, outcome: string | null): Promise<void> {
    const calls = this.deps.calls;
    if (!calls || !callback?.directoryEntryId) return;
    const entry = await this.deps.directory.get(callback.directoryEntryId);
    await calls.addTransfer(callSid, {
      at: this.deps.clock.now().toISOString(),
      entryId: callback.directoryEntryId,
      name: entry?.name ?? null,
      extension: entry?.extension ?? null,
      status,
      durationSeconds,
      callbackId: callback.id,
    });
    if (outcome) await calls.outcomeIfUnset(callSid, outcome);
  }

  private name(entry: DirectoryEntry): string {
    return this.deps.directory.spokenName(entry, { abbreviations: 'expand' });
  }

  private farewell(): string {
    return farewellTimeOfDay(this.deps.clock.now(), this.deps.settings.timeZone);
  }

  private builder(): VoiceTwiml {
    return this.deps.twiml?.() ?? new VoiceTwiml(this.deps.settings.voice);
  }

  private url(path: string): string {
    return `${this.deps.settings.publicBaseUrl.replace(/\/+$/, '')}${path}`;
  }
}

function dialTarget(route: VoiceRoute): { sip: string } | { number: string; sendDigits?: string } {
  return route.kind === 'sip' ? { sip: route.uri } : { number: route.number, ...(route.sendDigits ? { sendDigits: route.sendDigits } : {}) };
}
