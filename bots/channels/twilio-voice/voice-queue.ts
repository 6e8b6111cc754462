import { type Activity, ActivityTypes } from 'botbuilder';
import type { CallRow } from '../../../models';
import { HANDOFF_EVENT_PREFIX, type HandoffSignal } from '../../../services/handoff/handoff-types';
import type { TwilioRestClient } from '../../../services/twilio/rest-client';
import type { TwilioParams } from '../../../services/twilio/signature';
import { HANDOFF_SIGNAL_TURN } from '../../ventanilla.bot';
import { param } from './twilio-webhook';
import { conversationOf, queueName, type VoiceCalls } from './voice-calls';
import { voiceItems } from './voice-render';
import { type VoiceCallMeta, voiceMeta } from './voice-state';
import { VOICE_TEXTS } from './voice-texts';

const ENDED: ReadonlySet<string> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
/** The same signal again within this time is the one already run (the queue and the service both saw the wait end). */
const DUPLICATE_SIGNAL_MS = 60_000;

/**
 * A caller waiting for a live agent: one Twilio queue per call (`v-<conversationId>`), hold announcements from the
 * `waitUrl`, the agent's phone called and bridged with `<Dial><Queue>` when they accept in the console, and the
 * handoff's other signals brought to the caller by redirecting their call (`/resume`).
 */
export class VoiceQueue {
  constructor(
    private readonly calls: VoiceCalls,
    private readonly rest: TwilioRestClient,
  ) {
    if (!calls) throw new Error('VoiceQueue: calls is required');
    if (!rest) throw new Error('VoiceQueue: rest is required');
  }

  private get deps() {
    return this.calls.deps;
  }

  /** `waitUrl`: the position when it changed, the hold phrase every VOICE_HOLD_SECONDS, `<Leave/>` at the maximum wait. */
  async wait(params: TwilioParams, conversationId: string): Promise<string> {
    const twiml = this.calls.renderer.twiml();
    const call = await this.calls.callOf(params);
    if (!call || conversationOf(call) !== conversationId) return twiml.leave().toString();
    const meta = voiceMeta(call);
    const state = await this.deps.handoff.queueState(conversationId);
    if (meta.signal || state.state === 'none') return twiml.leave().toString();
    // Offered and not taken counts as waiting too: the caller cannot tell the difference.
    if (state.state !== 'with_agent' && state.waitedSeconds >= this.deps.settings.maxWaitSeconds) return twiml.leave().toString();
    const now = this.deps.clock.now();
    const hold = this.deps.settings.holdSeconds;
    const queue = meta.queue ?? { name: queueName(conversationId), group: state.resolverGroup, since: now.toISOString(), position: state.position, heldAt: now.toISOString() };
    let position = queue.position;
    if (state.state === 'queued' && state.position !== queue.position) {
      twiml.say(VOICE_TEXTS.queuePosition(state.position, state.estimatedWaitSeconds));
      position = state.position;
    } else if (state.state !== 'queued' && queue.position !== 0) {
      twiml.say(VOICE_TEXTS.agentComing);
      position = 0;
    }
    const elapsed = (now.getTime() - Date.parse(queue.heldAt)) / 1000;
    let heldAt = queue.heldAt;
    let pause = Math.max(1, Math.round(hold - elapsed));
    // A second early is on time: Twilio re-requests the waitUrl only after the document ends.
    if (!(elapsed < hold - 1)) {
      twiml.say(VOICE_TEXTS.hold);
      heldAt = now.toISOString();
      pause = hold;
    }
    twiml.pause(pause);
    await this.deps.calls.patch(call.callSid, { meta: { queue: { ...queue, position, heldAt } } });
    return twiml.toString();
  }

  /** `<Enqueue action>`: how the caller left the queue. */
  async exit(params: TwilioParams, conversationId: string): Promise<string> {
    const call = await this.calls.callOf(params);
    if (!call || conversationOf(call) !== conversationId) return this.calls.renderer.goodbye([VOICE_TEXTS.generic]);
    const result = param(params, 'QueueResult') ?? 'error';
    const queueTime = Number(param(params, 'QueueTime'));
    const waited = Number.isFinite(queueTime) ? { queueWaitSeconds: Math.round(queueTime) } : {};
    switch (result) {
      case 'bridged':
        // The agent hung up after talking with the caller: the desk's farewell, then the call ends.
        await this.deps.calls.patch(call.callSid, { ...waited, outcome: 'handoff', meta: { queue: null, bridgedAt: null } });
        return this.calls.renderer.goodbye([VOICE_TEXTS.bridgedFarewell(this.deps.settings.closing())]);
      case 'hangup':
        await this.callerLeft(call, 'caller_hung_up');
        await this.deps.calls.patch(call.callSid, { ...waited, meta: { queue: null } });
        return this.calls.renderer.twiml().toString();
      case 'redirected':
      case 'redirected-from-bridged':
        // Redirected by us (`/resume`): Twilio follows the new URL.
        await this.deps.calls.patch(call.callSid, waited);
        return this.calls.renderer.twiml().toString();
      default:
        // `leave` (maximum wait, or the handoff ended), `queue-full`, `system-error`, `error`.
        await this.deps.calls.patch(call.callSid, waited);
        return this.deps.tracker.run(conversationId, () => this.afterQueue(call.callSid, result));
    }
  }

  /** `/resume?c=…`: the caller was redirected out of the queue (or a transfer) to hear a handoff signal. */
  async resume(params: TwilioParams, conversationId: string): Promise<string> {
    const call = await this.calls.callOf(params);
    if (!call || conversationOf(call) !== conversationId) return this.calls.renderer.goodbye([VOICE_TEXTS.generic]);
    return this.deps.tracker.run(conversationId, async () => {
      const fresh = (await this.deps.calls.get(call.callSid)) ?? call;
      const meta = voiceMeta(fresh);
      if (!meta.signal) {
        await this.deps.calls.patch(fresh.callSid, { meta: { queue: null } });
        return this.calls.renderer.repeat([], meta, VOICE_TEXTS.defaultPrompt);
      }
      return this.runSignal(fresh, meta.signal);
    });
  }

  private async afterQueue(callSid: string, result: string): Promise<string> {
    const call = await this.deps.calls.get(callSid);
    if (!call) return this.calls.renderer.goodbye([VOICE_TEXTS.generic]);
    const conversationId = conversationOf(call);
    const pending = voiceMeta(call).signal;
    if (pending) return this.runSignal(call, pending);
    const maxWait = result === 'leave';
    await this.deps.handoff.cancel(conversationId, maxWait ? 'max_wait' : `queue_${result}`);
    this.deps.logger.info({ conversationId, result }, 'voice: the caller left the queue');
    return this.runSignal(call, { kind: 'unavailable', why: maxWait ? 'max_wait' : 'no_agents' });
  }

  /** Runs the signal's bot turn (as a handoff signal turn) and answers with it; `closed` ends the call. */
  private async runSignal(call: CallRow, signal: HandoffSignal): Promise<string> {
    const meta: Partial<VoiceCallMeta> = { signal: null, queue: null, lastSignal: { kind: signal.kind, at: this.deps.clock.now().toISOString() } };
    if ((signal.kind === 'returned' || signal.kind === 'closed') && signal.ticketNumber) {
      await this.deps.calls.patch(call.callSid, { ticketNumber: signal.ticketNumber });
    }
    return this.calls.turnNow(call, this.signalActivity(call, signal), {
      unrecorded: true,
      turnState: [[HANDOFF_SIGNAL_TURN, true]],
      meta,
      ...(signal.kind === 'closed' ? { hangup: true } : {}),
    });
  }

  private signalActivity(call: CallRow, signal: HandoffSignal) {
    return this.calls.activity(call, ActivityTypes.Event, {
      name: `${HANDOFF_EVENT_PREFIX}${signal.kind}`,
      value: signal,
      id: `handoff-${signal.kind}-${Date.now().toString(36)}`,
    });
  }

  // ---- the handoff service's signals (VoicePersonChannel) -----------------------------------------------------------

  /**
   * A handoff signal for a call. `accepted` calls the agent's phone; the others are kept on the call and the caller is
   * redirected (out of the queue) to `/resume`, which runs the signal's turn. For a call that already ended, only
   * the ticket number is kept.
   */
  async signal(conversationId: string, signal: HandoffSignal): Promise<void> {
    const call = await this.personCall(conversationId);
    if (!call || ENDED.has(call.status)) {
      if (call && (signal.kind === 'returned' || signal.kind === 'closed') && signal.ticketNumber) {
        await this.deps.calls.patch(call.callSid, { ticketNumber: signal.ticketNumber });
      }
      this.deps.logger.debug({ conversationId, signal: signal.kind }, 'voice: handoff signal for a call that ended');
      return;
    }
    const last = voiceMeta(call).lastSignal;
    // Only the end of the wait can be seen twice (the queue's maximum wait and the service's own); an agent accepting
    // again (a transfer to another agent) is new every time.
    const repeatable = signal.kind === 'unavailable' || signal.kind === 'failed';
    if (repeatable && last?.kind === signal.kind && this.deps.clock.now().getTime() - Date.parse(last.at) < DUPLICATE_SIGNAL_MS) {
      this.deps.logger.info({ conversationId, signal: signal.kind }, 'voice: handoff signal already run');
      return;
    }
    if (signal.kind === 'accepted') {
      await this.accepted(call, signal);
      return;
    }
    await this.deps.calls.patch(call.callSid, { meta: { signal } });
    const url = this.calls.url(`/api/twilio/voice/resume?c=${encodeURIComponent(conversationId)}&signal=${encodeURIComponent(signal.kind)}`);
    try {
      await this.rest.updateCall(call.callSid, { url });
    } catch (err) {
      this.deps.logger.warn({ err, conversationId, signal: signal.kind }, 'voice: could not redirect the caller to hear the signal');
    }
  }

  /** The agent accepted: the accepted turn is kept for the bridge, and the agent's phone is called. */
  private async accepted(call: CallRow, signal: Extract<HandoffSignal, { kind: 'accepted' }>): Promise<void> {
    const conversationId = conversationOf(call);
    const state = await this.deps.handoff.queueState(conversationId);
    const agentUserId = state.state === 'none' ? null : state.agentUserId;
    const route = agentUserId ? await this.deps.handoff.agentVoiceRoute(agentUserId) : null;
    if (!agentUserId || !route) {
      this.deps.logger.error({ conversationId, agentUserId }, 'voice: accepted call, but the agent has no phone configured');
      return;
    }
    const outgoing = await this.deps.tracker.run(conversationId, () =>
      this.deps.adapter.runTurn(this.signalActivity(call, signal) as Partial<Activity>, (context) => this.deps.bot.run(context), [[HANDOFF_SIGNAL_TURN, true]]),
    );
    const bridgeSay = voiceItems(outgoing).flatMap((i) => (i.kind === 'say' && i.text !== '' ? [i.text] : []));
    await this.deps.calls.patch(call.callSid, {
      agentUserId,
      ...(state.state !== 'none' ? { queueWaitSeconds: state.waitedSeconds } : {}),
      meta: { bridgeSay, lastSignal: { kind: 'accepted', at: this.deps.clock.now().toISOString() } },
    });
    // Transferred while talking with another agent: the caller goes back into their queue (the first agent's leg ends),
    // where the new agent's phone finds them.
    if (voiceMeta(call).bridgedAt && !voiceMeta(call).queue) {
      try {
        await this.rest.updateCall(call.callSid, { url: this.calls.url(`/api/twilio/voice/requeue?c=${encodeURIComponent(conversationId)}`) });
      } catch (err) {
        this.deps.logger.warn({ err, conversationId }, 'voice: could not bring the caller back to the queue for the new agent');
      }
    }
    const from = this.deps.settings.phoneNumber ?? call.toNumber;
    if (!from) {
      this.deps.logger.error({ conversationId }, 'voice: TWILIO_PHONE_NUMBER is needed to call the agent');
      return;
    }
    const placed = await this.rest.createCall({
      to: route,
      from,
      url: this.calls.url(`/api/twilio/voice/agent?c=${encodeURIComponent(conversationId)}`),
      statusCallback: this.calls.url('/api/twilio/voice/status'),
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      timeout: this.deps.settings.agentRingSeconds,
    });
    await this.deps.calls.start(
      {
        callSid: placed.sid,
        parentCallSid: call.callSid,
        direction: 'outbound',
        purpose: 'agent',
        fromNumber: from,
        toNumber: route,
        status: placed.status,
        agentUserId,
        meta: { forConversation: conversationId },
      },
      this.deps.clock.now(),
    );
    this.deps.logger.info({ conversationId, agentUserId, agentCall: placed.sid }, 'voice: calling the agent to bridge the caller');
  }

  /** `/agent?c=…`: the agent answered; a one-line summary, then the caller's queue. */
  async agentLeg(conversationId: string): Promise<string> {
    const state = await this.deps.handoff.queueState(conversationId);
    const group = state.state === 'none' ? this.deps.settings.defaultGroup : state.resolverGroup;
    const request = await this.firstRequest(conversationId);
    const c = encodeURIComponent(conversationId);
    return this.calls.renderer
      .twiml()
      .say(VOICE_TEXTS.agentSummary(group, request))
      .dial({ action: this.calls.url(`/api/twilio/voice/agent-done?c=${c}`), timeout: 20 }, { queue: queueName(conversationId), url: this.calls.url(`/api/twilio/voice/bridge?c=${c}`) })
      .toString();
  }

  /** `<Queue url>`: what the caller hears just before the bridge («Le atiende …»); the caller leaves the queue. */
  async bridge(conversationId: string): Promise<string> {
    const call = await this.personCall(conversationId);
    const twiml = this.calls.renderer.twiml();
    for (const line of voiceMeta(call).bridgeSay ?? []) twiml.say(line);
    if (call) await this.deps.calls.patch(call.callSid, { meta: { queue: null, bridgedAt: this.deps.clock.now().toISOString() } });
    return twiml.toString();
  }

  /** `/requeue?c=…`: the caller, redirected out of a bridge (transferred to another agent), waits in their queue again. */
  async requeue(params: TwilioParams, conversationId: string): Promise<string> {
    const call = await this.calls.callOf(params);
    if (!call || conversationOf(call) !== conversationId) return this.calls.renderer.goodbye([VOICE_TEXTS.generic]);
    return this.deps.tracker.run(conversationId, () => this.calls.respond(call, [], { prefix: [VOICE_TEXTS.transferring], meta: { bridgedAt: null } }));
  }

  /** The caller hung up (or vanished) while queued: the handoff is cancelled, the call counted as abandoned. */
  async callerLeft(call: CallRow, reason: string): Promise<void> {
    const conversationId = conversationOf(call);
    const state = await this.deps.handoff.queueState(conversationId);
    // Hung up at any point (queued, offered, or while the agent's phone rang): the handoff is over.
    if (state.state === 'none') return;
    await this.deps.handoff.cancel(conversationId, reason);
    await this.deps.calls.outcomeIfUnset(call.callSid, 'abandoned');
    this.deps.logger.info({ conversationId, reason }, 'voice: the caller left while queued');
  }

  /** The person's own call in a conversation (the latest that is not an agent's leg). */
  async personCall(conversationId: string): Promise<CallRow | null> {
    const rows = await this.deps.calls.byConversation(conversationId);
    return [...rows].reverse().find((r) => r.purpose !== 'agent') ?? null;
  }

  /** The person's first words (their request), for the agent and the fallback's context. */
  async firstRequest(conversationId: string): Promise<string | null> {
    const lines = await this.deps.conversations.since(conversationId, 0, 40);
    for (const { activity } of lines) {
      const from = activity.from as { role?: string } | undefined;
      if (activity.type === 'message' && from?.role === 'user' && typeof activity.text === 'string' && activity.text.trim().length > 3) {
        return activity.text.trim().slice(0, 160);
      }
    }
    return null;
  }
}
