import type { Request, Response, Server } from 'restify';
import { ApiError } from '../../../services/http/api-error';
import type { TwilioRestClient } from '../../../services/twilio/rest-client';
import type { TwilioParams } from '../../../services/twilio/signature';
import type { TurnTracker } from '../../turn-tracker';
import { param, queryParam, sendTwiml, type TwilioWebhook } from './twilio-webhook';
import { MissingParameterError, type VoiceCalls } from './voice-calls';
import type { VoiceQueue } from './voice-queue';
import type { VoiceStatus } from './voice-status';
import { VOICE_TEXTS } from './voice-texts';

export interface VoiceRoutesDeps {
  webhook: TwilioWebhook;
  calls: VoiceCalls;
  queue: VoiceQueue;
  status: VoiceStatus;
  rest: TwilioRestClient;
  tracker: TurnTracker;
  logger: { error(obj: object, msg?: string): void };
  /** VOICE_RECORDING=on. */
  recording: boolean;
  /** Waits before the recording of a new call starts (it must be in progress: after our first TwiML). */
  recordingDelayMs?: number;
}

const PREFIX = '/api/twilio/voice';
/** Our conversation ids (and nothing else) in `?c=`. */
const CONVERSATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The phone channel's webhooks (`/api/twilio/voice/…`), all POST and all signature-checked. A route that fails
 * answers with a redirect to the fallback route, which apologises and queues the caller for an operator.
 */
export class VoiceRoutes {
  constructor(private readonly deps: VoiceRoutesDeps) {
    for (const k of ['webhook', 'calls', 'queue', 'status', 'rest', 'tracker', 'logger'] as const) {
      if (!deps?.[k]) throw new Error(`VoiceRoutes: ${k} is required`);
    }
  }

  register(server: Server): void {
    const { calls, queue, status } = this.deps;
    this.twiml(server, '', async (p, _req, res) => {
      const xml = await calls.incoming(p);
      if (this.deps.recording) this.startRecordingAfter(res, param(p, 'CallSid'));
      return xml;
    });
    this.twiml(server, '/gather', (p) => calls.answer(p));
    this.twiml(server, '/dial', (p, req) => calls.dialed(p, queryParam(req, 'e'), Number(queryParam(req, 'a') ?? 1)));
    this.twiml(server, '/record', (p) => calls.recorded(p));
    this.twiml(server, '/queue-wait', (p, req) => queue.wait(p, conversation(req)));
    this.twiml(server, '/queue-exit', (p, req) => queue.exit(p, conversation(req)));
    this.twiml(server, '/resume', (p, req) => queue.resume(p, conversation(req)));
    this.twiml(server, '/requeue', (p, req) => queue.requeue(p, conversation(req)));
    this.twiml(server, '/agent', (_p, req) => queue.agentLeg(conversation(req)));
    this.twiml(server, '/bridge', (_p, req) => queue.bridge(conversation(req)));
    this.twiml(server, '/agent-done', async () => calls.renderer.twiml().hangup().toString());
    this.twiml(server, '/fallback', (p, req) => status.fallback(p, queryParam(req, 'step')));
    this.callback(server, '/status', (p) => status.status(p));
    this.callback(server, '/recording', (p) => status.recordingStatus(p));
  }

  /** A route answered with TwiML; a failure is logged and the caller sent to the fallback route. */
  private twiml(server: Server, path: string, handle: (params: TwilioParams, req: Request, res: Response) => Promise<string>): void {
    server.post(`${PREFIX}${path}`, async (req: Request, res: Response) => {
      const params = this.deps.webhook.verify(req);
      let xml: string;
      try {
        xml = await handle(params, req, res);
      } catch (err) {
        if (err instanceof ApiError) throw err;
        if (err instanceof MissingParameterError) throw new ApiError(400, 'BadArgument', `Falta el parámetro ${err.parameter}.`);
        this.deps.logger.error({ err, path: `${PREFIX}${path}`, callSid: param(params, 'CallSid') }, 'voice: webhook failed');
        if (path === '/fallback' || path === '/status') throw err;
        xml = this.failureTwiml(path);
      }
      sendTwiml(res, xml);
    });
  }

  /**
   * What a failed route answers. The wait document (`<Enqueue waitUrl>`) and the bridge announcement (`<Queue url>`)
   * allow only Say/Play/Pause/Redirect (and Leave): the caller keeps waiting with the hold phrase, or is bridged
   * silently. Everywhere else the fallback route apologises and queues the caller.
   */
  private failureTwiml(path: string): string {
    const twiml = this.deps.calls.renderer.twiml();
    if (path === '/queue-wait') return twiml.say(VOICE_TEXTS.hold).pause(this.deps.calls.deps.settings.holdSeconds).toString();
    if (path === '/bridge' || path === '/agent-done') return twiml.toString();
    return twiml.redirect(this.deps.calls.url(`${PREFIX}/fallback`)).toString();
  }

  /** A status callback: no TwiML, 204. */
  private callback(server: Server, path: string, handle: (params: TwilioParams) => Promise<void>): void {
    server.post(`${PREFIX}${path}`, async (req: Request, res: Response) => {
      const params = this.deps.webhook.verify(req);
      try {
        await handle(params);
      } catch (err) {
        if (err instanceof MissingParameterError) throw new ApiError(400, 'BadArgument', `Falta el parámetro ${err.parameter}.`);
        throw err;
      }
      res.send(204);
    });
  }

  /** The recording of a new call starts once Twilio has our first TwiML (it needs the call in progress). */
  private startRecordingAfter(res: Response, callSid: string | undefined): void {
    if (!callSid) return;
    const delay = this.deps.recordingDelayMs ?? 300;
    res.once('finish', () => {
      void this.deps.tracker
        .run(`recording:${callSid}`, async () => {
          await new Promise((resolve) => setTimeout(resolve, delay));
          await this.deps.status.startRecording(callSid, this.deps.rest);
        })
        .catch((err: unknown) => this.deps.logger.error({ err, callSid }, 'voice: recording start failed'));
    });
  }
}

function conversation(req: Request): string {
  const c = queryParam(req, 'c');
  if (!c || !CONVERSATION_ID.test(c)) throw new ApiError(400, 'BadArgument', 'Falta el parámetro c (conversación) o no es válido.');
  return c;
}
