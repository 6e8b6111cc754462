import { type ActivityHandler, ActivityTypes, InputHints } from 'botbuilder';
import type { CallRepository, CallRow } from '../../../models';
import type { ActivityJson, ConversationService } from '../../../services/conversations/conversation.service';
import type { QueueState } from '../../../services/handoff/handoff-types';
import type { HandoffService } from '../../../services/handoff/handoff.service';
import type { TwilioParams } from '../../../services/twilio/signature';
import { inputToText } from '../../../services/twilio/speech';
import {
  type DialResult,
  type DialStatus,
  type NoInput,
  type RecordedMessage,
  VOICE_CHANNEL,
  VOICE_EVENTS,
  VOICE_INPUT,
  type VoiceInput,
} from '../../../services/voice/voice-types';
import type { TurnTracker } from '../../turn-tracker';
import { param } from './twilio-webhook';
import type { TwilioVoiceAdapter } from './twilio-voice.adapter';
import { type RenderOptions, VoiceRenderer } from './voice-render';
import { type VoiceCallMeta, voiceMeta } from './voice-state';
import { VOICE_TEXTS } from './voice-texts';

/** The phone channel's settings (TWILIO_*, VOICE_*, and the handoff's maximum wait and default group). */
export interface VoiceSettings {
  /** PUBLIC_BASE_URL without a trailing slash. */
  publicBaseUrl: string;
  /** TWILIO_PHONE_NUMBER: caller id of the calls we place (agents' legs). */
  phoneNumber: string | undefined;
  voice: string;
  language: string;
  /** VOICE_RECORDING=on: announce and record every inbound call. */
  recording: boolean;
  /** Hold phrase interval while the caller waits for an agent (20–30 s). */
  holdSeconds: number;
  /** HANDOFF_MAX_WAIT_SECONDS: longest wait in the queue before the caller is offered a message or a callback. */
  maxWaitSeconds: number;
  /** Speech below this Confidence counts as not understood. */
  minConfidence: number;
  /** Silences in a row that end the call (the one before offers an agent). */
  maxSilences: number;
  /** Seconds an agent's phone rings. */
  agentRingSeconds: number;
  gatherTimeoutSeconds: number;
  /** HANDOFF_DEFAULT_GROUP: the operator queue of the fallback route. */
  defaultGroup: string;
  /** Protocol closing for the hour («que tenga buen día»). */
  closing: () => string;
  /** Protocol greeting for the hour («Buenos días»). */
  hello: () => string;
}

export interface VoiceLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface VoiceCallsDeps {
  adapter: TwilioVoiceAdapter;
  bot: Pick<ActivityHandler, 'run'>;
  conversations: Pick<ConversationService, 'ensure' | 'since'>;
  calls: CallRepository;
  handoff: Pick<HandoffService, 'queueState' | 'cancel' | 'request' | 'agentVoiceRoute' | 'requestCallback' | 'agentUnreachable'>;
  tracker: TurnTracker;
  clock: { now(): Date };
  logger: VoiceLogger;
  settings: VoiceSettings;
  botAccount: { id: string; name: string };
}

const DIAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled']);

/** What a turn of the call gets besides its activity. */
export interface TurnOptions extends Pick<RenderOptions, 'prefix' | 'hangup'> {
  turnState?: ReadonlyArray<readonly [symbol, unknown]>;
  /** A proactive event (a handoff signal): not recorded as received. */
  unrecorded?: boolean;
  /** Extra call state stored with the turn's. */
  meta?: Partial<VoiceCallMeta>;
}

/**
 * One phone call's turns: each webhook is mapped to an activity, run as a bot turn (serialized per conversation),
 * and answered with the turn rendered to TwiML. Per-call state between webhooks lives in `calls.meta`. After every
 * turn, an open handoff puts the caller in their own Twilio queue (see voice-queue.ts).
 */
export class VoiceCalls {
  readonly renderer: VoiceRenderer;

  constructor(readonly deps: VoiceCallsDeps) {
    for (const k of ['adapter', 'bot', 'conversations', 'calls', 'handoff', 'tracker', 'clock', 'logger', 'settings', 'botAccount'] as const) {
      if (!deps?.[k]) throw new Error(`VoiceCalls: ${k} is required`);
    }
    const s = deps.settings;
    if (!s.publicBaseUrl) throw new Error('VoiceCalls: settings.publicBaseUrl (PUBLIC_BASE_URL) is required');
    this.renderer = new VoiceRenderer({ voice: s.voice, language: s.language, gatherTimeoutSeconds: s.gatherTimeoutSeconds, url: (p) => this.url(p) });
  }

  /** Absolute public URL of one of our paths. */
  url(pathAndQuery: string): string {
    return `${this.deps.settings.publicBaseUrl}${pathAndQuery}`;
  }

  /** `POST /api/twilio/voice`: a new call → its conversation and call record → the protocol greeting. */
  async incoming(params: TwilioParams): Promise<string> {
    const callSid = required(params, 'CallSid');
    const from = param(params, 'From') ?? param(params, 'Caller') ?? null;
    const conversation = await this.deps.conversations.ensure(VOICE_CHANNEL, callSid, from);
    const call = await this.deps.calls.start(
      {
        callSid,
        conversationId: conversation.id,
        direction: 'inbound',
        purpose: 'caller',
        fromNumber: from,
        toNumber: param(params, 'To') ?? param(params, 'Called') ?? null,
        status: param(params, 'CallStatus') ?? 'ringing',
        parentCallSid: param(params, 'ParentCallSid') ?? null,
        answeredAt: this.deps.clock.now(),
        recordingConsent: this.deps.settings.recording,
      },
      this.deps.clock.now(),
    );
    const recording = this.deps.settings.recording;
    this.deps.logger.info({ conversationId: conversation.id, callSid }, 'voice: incoming call');
    const bot = { id: this.deps.botAccount.id, name: this.deps.botAccount.name };
    return this.turn(
      call,
      this.activity(call, ActivityTypes.ConversationUpdate, { membersAdded: [{ id: from ?? 'caller', name: '' }, bot] }),
      recording ? { prefix: [VOICE_TEXTS.recordingNotice] } : {},
    );
  }

  /** `POST /api/twilio/voice/gather`: what the caller said or pressed (or silence) → a turn, a repeat, or goodbye. */
  async answer(params: TwilioParams): Promise<string> {
    const call = await this.callOf(params);
    if (!call) return this.incoming(params);
    const meta = voiceMeta(call);
    const speech = param(params, 'SpeechResult');
    const digits = param(params, 'Digits');
    const misses = (meta.misses ?? 0) + 1;
    if (!speech && !digits) {
      if (misses >= this.deps.settings.maxSilences) return this.silenceGoodbye(call);
      if (misses === this.deps.settings.maxSilences - 1) return this.noInput(call, misses, { kind: 'none' });
      await this.deps.calls.patch(call.callSid, { meta: { misses } });
      return this.renderer.repeat([VOICE_TEXTS.stillThere], meta, VOICE_TEXTS.defaultPrompt);
    }
    const raw = param(params, 'Confidence');
    const confidence = raw === undefined || Number.isNaN(Number(raw)) ? undefined : Number(raw);
    const input: VoiceInput = digits ? { kind: 'dtmf' } : { kind: 'speech', ...(confidence !== undefined ? { confidence } : {}) };
    if (!digits && confidence !== undefined && confidence < this.deps.settings.minConfidence && misses < this.deps.settings.maxSilences) {
      if (misses === this.deps.settings.maxSilences - 1) return this.noInput(call, misses, input);
      await this.deps.calls.patch(call.callSid, { meta: { misses } });
      return this.renderer.repeat([VOICE_TEXTS.notUnderstood], meta, VOICE_TEXTS.defaultPrompt);
    }
    const text = inputToText({ ...(speech ? { speech } : {}), ...(digits ? { digits } : {}) }, meta.menu ?? undefined);
    const channelData = { input: input.kind, ...(confidence !== undefined ? { confidence } : {}), ...(digits ? { digits } : {}) };
    return this.turn(call, this.activity(call, ActivityTypes.Message, { text, channelData }), { turnState: [[VOICE_INPUT, input]], meta: { misses: 0 } });
  }

  /** `POST /api/twilio/voice/dial?e=…&a=…`: a transfer ended → recorded on the call → `dialResult` turn. */
  async dialed(params: TwilioParams, entryId: string | undefined, attempt: number): Promise<string> {
    const call = await this.callOf(params);
    if (!call) return this.renderer.goodbye([VOICE_TEXTS.generic]);
    const transfer = voiceMeta(call).transfer;
    const raw = param(params, 'DialCallStatus') ?? 'failed';
    const status = (DIAL_STATUSES.has(raw) ? raw : 'failed') as DialStatus;
    const duration = Number(param(params, 'DialCallDuration'));
    const durationSeconds = Number.isFinite(duration) && param(params, 'DialCallDuration') !== undefined ? duration : null;
    const result: DialResult = { entryId: entryId ?? transfer?.entryId ?? '', status, durationSeconds, attempt: attempt || transfer?.attempt || 1 };
    await this.deps.calls.addTransfer(call.callSid, {
      at: this.deps.clock.now().toISOString(),
      entryId: result.entryId,
      name: transfer?.spokenName ?? null,
      extension: transfer?.extension ?? null,
      status,
      durationSeconds,
      attempt: result.attempt,
    });
    if (status === 'completed' || status === 'answered') await this.deps.calls.patch(call.callSid, { outcome: 'transferred' });
    return this.turn(call, this.activity(call, ActivityTypes.Event, { name: VOICE_EVENTS.dialResult, value: result }));
  }

  /** `POST /api/twilio/voice/record`: the caller's message was recorded → stored → `recorded` turn. */
  async recorded(params: TwilioParams): Promise<string> {
    const call = await this.callOf(params);
    if (!call) return this.renderer.goodbye([VOICE_TEXTS.generic]);
    const url = param(params, 'RecordingUrl') ?? null;
    const seconds = Number(param(params, 'RecordingDuration') ?? 0);
    const value: RecordedMessage = { purpose: voiceMeta(call).record?.purpose ?? 'handoff_message', url, durationSeconds: Number.isFinite(seconds) ? seconds : 0 };
    if (url) await this.deps.calls.patch(call.callSid, { messageRecordingUrl: url, outcome: 'message' });
    return this.turn(call, this.activity(call, ActivityTypes.Event, { name: VOICE_EVENTS.recorded, value }));
  }

  // ---- turns ------------------------------------------------------------------------------------------------------

  /** Runs a turn for the call (serialized with its others) and answers with its TwiML. */
  turn(call: CallRow, activity: ActivityJson, options: TurnOptions = {}): Promise<string> {
    const conversationId = conversationOf(call);
    return this.deps.tracker.run(conversationId, () => this.turnNow(call, activity, options));
  }

  /** {@link turn} for a caller already inside the conversation's serialized section. */
  async turnNow(call: CallRow, activity: ActivityJson, options: TurnOptions = {}): Promise<string> {
    const conversationId = conversationOf(call);
    const logic = (context: Parameters<ActivityHandler['run']>[0]) => this.deps.bot.run(context);
    const outgoing = options.unrecorded
      ? await this.deps.adapter.runTurn({ ...activity, conversation: { id: conversationId } } as Parameters<TwilioVoiceAdapter['runTurn']>[0], logic, options.turnState)
      : (await this.deps.adapter.processActivity(conversationId, activity, logic, options.turnState)).outgoing;
    return this.respond(call, outgoing, options);
  }

  /** Renders a turn's replies; with an open handoff, the caller goes into their queue after them. */
  async respond(call: CallRow, outgoing: Parameters<VoiceRenderer['render']>[0], options: TurnOptions): Promise<string> {
    const conversationId = conversationOf(call);
    // A turn that asks a question waits for the caller's answer, so it cannot have queued them (the handoff dialog's
    // «está en el lugar N» accepts input, it does not expect it): one query saved on almost every turn.
    const asked = outgoing.some((a) => a.type === ActivityTypes.Message && a.inputHint === InputHints.ExpectingInput);
    const state: QueueState = asked ? { state: 'none' } : await this.deps.handoff.queueState(conversationId);
    const now = this.deps.clock.now();
    const name = queueName(conversationId);
    const enqueue =
      state.state === 'none'
        ? undefined
        : {
            name,
            waitUrl: this.url(`/api/twilio/voice/queue-wait?c=${encodeURIComponent(conversationId)}`),
            action: this.url(`/api/twilio/voice/queue-exit?c=${encodeURIComponent(conversationId)}`),
          };
    const rendered = this.renderer.render(outgoing, { ...options, ...(enqueue ? { enqueue } : {}), callerId: call.fromNumber ?? this.deps.settings.phoneNumber });
    const meta: Partial<VoiceCallMeta> = { ...options.meta, ...rendered.meta };
    if (state.state !== 'none') {
      meta.queue = { name, group: state.resolverGroup, since: now.toISOString(), position: state.position, heldAt: now.toISOString() };
      await this.deps.calls.patch(call.callSid, { meta, queueGroup: state.resolverGroup });
      this.deps.logger.info({ conversationId, group: state.resolverGroup, position: state.position }, 'voice: caller queued for an agent');
    } else {
      await this.deps.calls.patch(call.callSid, { meta });
    }
    return rendered.twiml;
  }

  private async noInput(call: CallRow, misses: number, input: VoiceInput): Promise<string> {
    const value: NoInput = { count: misses };
    return this.turn(call, this.activity(call, ActivityTypes.Event, { name: VOICE_EVENTS.noInput, value }), {
      turnState: [[VOICE_INPUT, input]],
      meta: { misses },
    });
  }

  private async silenceGoodbye(call: CallRow): Promise<string> {
    await this.deps.calls.patch(call.callSid, { meta: { misses: 0 } });
    await this.deps.calls.outcomeIfUnset(call.callSid, 'abandoned');
    this.deps.logger.info({ conversationId: call.conversationId, callSid: call.callSid }, 'voice: no answer from the caller, hanging up');
    return this.renderer.goodbye([VOICE_TEXTS.silenceGoodbye]);
  }

  /** The call of a webhook (by CallSid), or null for an unknown one. */
  async callOf(params: TwilioParams): Promise<CallRow | null> {
    const call = await this.deps.calls.get(required(params, 'CallSid'));
    return call?.conversationId ? call : null;
  }

  /** The inbound activity of a webhook of `call`. */
  activity(call: CallRow, type: string, extra: Record<string, unknown>): ActivityJson {
    return {
      type,
      channelId: VOICE_CHANNEL,
      from: { id: call.fromNumber ?? 'unknown', role: 'user' },
      recipient: { id: this.deps.botAccount.id, name: this.deps.botAccount.name, role: 'bot' },
      conversation: { id: conversationOf(call) },
      serviceUrl: this.deps.settings.publicBaseUrl,
      locale: this.deps.settings.language,
      ...extra,
    };
  }
}

/** The Twilio queue of one call: only this caller waits in it, so the agent's `<Dial><Queue>` bridges exactly them. */
export function queueName(conversationId: string): string {
  return `v-${conversationId}`.slice(0, 64);
}

export function conversationOf(call: CallRow): string {
  if (!call.conversationId) throw new Error(`VoiceCalls: call ${call.callSid} has no conversation`);
  return call.conversationId;
}

function required(params: TwilioParams, name: string): string {
  const v = param(params, name);
  if (!v) throw new MissingParameterError(name);
  return v;
}

/** A webhook without a parameter Twilio always sends (not a Twilio request, or a broken one). */
export class MissingParameterError extends Error {
  readonly code = 'twilio/missing_parameter' as const;
  constructor(readonly parameter: string) {
    super(`Twilio webhook without ${parameter}`);
  }
}
