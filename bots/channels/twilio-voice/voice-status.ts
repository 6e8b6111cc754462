import type { CallRow } from '../../../models';
import type { TwilioRestClient } from '../../../services/twilio/rest-client';
import { normalizeSpoken } from '../../../services/twilio/speech';
import type { TwilioParams } from '../../../services/twilio/signature';
import { VOICE_CHANNEL } from '../../../services/voice/voice-types';
import { param } from './twilio-webhook';
import { conversationOf, MissingParameterError, type VoiceCalls } from './voice-calls';
import type { VoiceQueue } from './voice-queue';
import { voiceMeta } from './voice-state';
import { VOICE_TEXTS } from './voice-texts';

const ENDED: ReadonlySet<string> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
const YES = /^(si|sí|claro|por favor|de acuerdo|esta bien|ok|okay|me parece bien)\b/;

/**
 * The call's life outside its turns: Twilio's status callbacks (answered, ended, duration; a caller who hangs up
 * while queued leaves the queue), the call recording, the fallback URL (something failed: apologise and queue the
 * caller for the operators, or offer a callback when nobody can take the call), and callback calls answered by a
 * person waiting for an agent.
 */
export class VoiceStatus {
  constructor(
    private readonly calls: VoiceCalls,
    private readonly queue: VoiceQueue,
  ) {
    if (!calls) throw new Error('VoiceStatus: calls is required');
    if (!queue) throw new Error('VoiceStatus: queue is required');
  }

  private get deps() {
    return this.calls.deps;
  }

  /** `POST /api/twilio/voice/status`: Twilio's CallStatus for a caller's call or an agent's leg. */
  async status(params: TwilioParams): Promise<void> {
    const callSid = param(params, 'CallSid');
    const status = param(params, 'CallStatus');
    if (!callSid || !status) throw new MissingParameterError(callSid ? 'CallStatus' : 'CallSid');
    const now = this.deps.clock.now();
    const duration = Number(param(params, 'CallDuration'));
    const ended = ENDED.has(status);
    const row = await this.deps.calls.updateStatus(callSid, {
      status,
      ...(status === 'in-progress' || status === 'answered' ? { answeredAt: now } : {}),
      ...(ended ? { endedAt: now } : {}),
      ...(ended && Number.isFinite(duration) && param(params, 'CallDuration') !== undefined ? { durationSeconds: duration } : {}),
    });
    if (!row || !ended) return;
    if (row.purpose === 'agent') {
      const forConversation = voiceMeta(row).forConversation;
      if (status !== 'completed' && typeof forConversation === 'string') {
        this.deps.logger.warn({ callSid, status, conversationId: forConversation }, "voice: the agent's phone did not answer");
        // Not bridged: the caller goes back to the front of the queue for another agent.
        const person = await this.queue.personCall(forConversation);
        if (person && !voiceMeta(person).bridgedAt) await this.deps.handoff.agentUnreachable(forConversation);
      }
      return;
    }
    if (row.conversationId && voiceMeta(row).queue) await this.queue.callerLeft(row, 'caller_hung_up');
    this.deps.logger.info({ callSid, status, conversationId: row.conversationId, durationSeconds: row.durationSeconds }, 'voice: call ended');
  }

  /**
   * `POST /api/twilio/voice/fallback` (the number's fallback URL, and our own routes' last resort): apologises and
   * queues the caller for the default group; when nobody can take it, offers a callback (`?step=callback`).
   */
  async fallback(params: TwilioParams, step: string | undefined): Promise<string> {
    const renderer = this.calls.renderer;
    try {
      const call = await this.callFor(params);
      if (step === 'callback') return await this.callbackAnswer(call, params);
      const conversationId = conversationOf(call);
      this.deps.logger.warn({ conversationId, errorCode: param(params, 'ErrorCode'), errorUrl: param(params, 'ErrorUrl') }, 'voice: fallback route');
      return await this.deps.tracker.run(conversationId, async () => {
        const request = await this.queue.firstRequest(conversationId);
        const outcome = await this.deps.handoff.request({
          conversationId,
          channel: VOICE_CHANNEL,
          reason: 'asked',
          resolverGroup: this.deps.settings.defaultGroup,
          context: request ? { request } : {},
        });
        if (outcome.kind !== 'unavailable') return this.calls.respond(call, [], { prefix: [VOICE_TEXTS.fallbackApology] });
        const twiml = renderer.twiml();
        twiml.gather(
          {
            action: this.calls.url('/api/twilio/voice/fallback?step=callback'),
            input: 'speech dtmf',
            language: this.deps.settings.language,
            speechTimeout: 'auto',
            timeout: this.deps.settings.gatherTimeoutSeconds,
            numDigits: 1,
            hints: 'sí, no',
            actionOnEmptyResult: true,
          },
          (g) => g.say(VOICE_TEXTS.fallbackNobody),
        );
        return twiml.toString();
      });
    } catch (err) {
      this.deps.logger.error({ err }, 'voice: the fallback route failed too');
      return renderer.goodbye([VOICE_TEXTS.fallbackBye]);
    }
  }

  private async callbackAnswer(call: CallRow, params: TwilioParams): Promise<string> {
    const digits = param(params, 'Digits');
    const speech = normalizeSpoken(param(params, 'SpeechResult') ?? '');
    const phone = call.fromNumber?.replace(/[^\d+]/g, '') ?? '';
    if ((digits === '1' || YES.test(speech)) && phone.replace(/\D/g, '').length >= 7) {
      await this.deps.handoff.requestCallback({
        conversationId: conversationOf(call),
        channel: VOICE_CHANNEL,
        phone,
        reason: 'fallback',
        resolverGroup: this.deps.settings.defaultGroup,
      });
      await this.deps.calls.patch(call.callSid, { outcome: 'callback' });
      return this.calls.renderer.goodbye([VOICE_TEXTS.fallbackCallbackBooked]);
    }
    return this.calls.renderer.goodbye([VOICE_TEXTS.fallbackBye]);
  }

  /** `POST /api/twilio/voice/recording`: the whole-call recording (consent announced) is ready. */
  async recordingStatus(params: TwilioParams): Promise<void> {
    const callSid = param(params, 'CallSid');
    if (!callSid) throw new MissingParameterError('CallSid');
    const seconds = Number(param(params, 'RecordingDuration'));
    await this.deps.calls.patch(callSid, {
      recordingSid: param(params, 'RecordingSid') ?? null,
      recordingUrl: param(params, 'RecordingUrl') ?? null,
      ...(Number.isFinite(seconds) ? { recordingSeconds: seconds } : {}),
    });
  }

  /** Starts recording an answered call (VOICE_RECORDING=on, after the notice); failures are logged. */
  async startRecording(callSid: string, rest: Pick<TwilioRestClient, 'startRecording'>): Promise<void> {
    try {
      const { sid } = await rest.startRecording(callSid, { recordingStatusCallback: this.calls.url('/api/twilio/voice/recording') });
      await this.deps.calls.patch(callSid, { recordingSid: sid });
    } catch (err) {
      this.deps.logger.warn({ err, callSid }, 'voice: the call recording could not start');
    }
  }

  /**
   * A callback call (placed by the callback scheduler) answered by the person who asked to talk with an agent: the
   * call gets its own voice conversation, is queued for the callback's resolver group, and the person waits in their
   * Twilio queue like an inbound caller (hold announcements, the agent's phone bridged). When nobody can take it now,
   * they hear an apology and the call ends.
   */
  async enqueueCallback(
    callSid: string,
    callback: { conversationId: string; phone: string; resolverGroup: string | null; reason: string; name?: string | null },
  ): Promise<string> {
    const conversation = await this.deps.conversations.ensure(VOICE_CHANNEL, callSid, callback.phone);
    const existing = await this.deps.calls.get(callSid);
    const call =
      existing?.conversationId === conversation.id
        ? existing
        : existing
          ? ((await this.deps.calls.patch(callSid, { conversationId: conversation.id })) ?? existing)
          : await this.deps.calls.start(
              { callSid, conversationId: conversation.id, direction: 'outbound', purpose: 'callback', toNumber: callback.phone, status: 'in-progress' },
              this.deps.clock.now(),
            );
    const hello = `${this.deps.settings.hello()}, ${VOICE_TEXTS.callbackIntro}`;
    return this.deps.tracker.run(conversation.id, async () => {
      const outcome = await this.deps.handoff.request({
        conversationId: conversation.id,
        channel: VOICE_CHANNEL,
        reason: 'asked',
        resolverGroup: callback.resolverGroup,
        context: {
          request: callback.reason,
          ...(callback.name ? { person: { name: callback.name } } : {}),
          summaries: [VOICE_TEXTS.callbackSummary(callback.conversationId)],
        },
      });
      if (outcome.kind === 'unavailable') {
        this.deps.logger.info({ conversationId: conversation.id, callSid, why: outcome.why }, 'voice: callback answered, but no agent can take it');
        return this.calls.renderer.goodbye([hello, VOICE_TEXTS.callbackNobody(this.deps.settings.closing())]);
      }
      return this.calls.respond(call, [], { prefix: [hello] });
    });
  }

  /** The webhook's call, recorded now when the fallback is the first we hear of it. */
  private async callFor(params: TwilioParams): Promise<CallRow> {
    const existing = await this.calls.callOf(params);
    if (existing) return existing;
    const callSid = param(params, 'CallSid');
    if (!callSid) throw new MissingParameterError('CallSid');
    const from = param(params, 'From') ?? null;
    const conversation = await this.deps.conversations.ensure(VOICE_CHANNEL, callSid, from);
    return this.deps.calls.start(
      {
        callSid,
        conversationId: conversation.id,
        direction: 'inbound',
        purpose: 'caller',
        fromNumber: from,
        toNumber: param(params, 'To') ?? null,
        status: param(params, 'CallStatus') ?? 'in-progress',
      },
      this.deps.clock.now(),
    );
  }
}
