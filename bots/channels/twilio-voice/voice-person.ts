import type { HandoffSignal, PersonChannel, PersonMessage } from '../../../services/handoff/handoff-types';
import { VOICE_CHANNEL } from '../../../services/voice/voice-types';
import type { VoiceQueue } from './voice-queue';

interface Logger {
  debug(obj: object, msg?: string): void;
}

/**
 * How the handoff service reaches a caller. Signals go to the call ({@link VoiceQueue.signal}): `accepted` rings the
 * agent's phone and bridges it with the caller's queue; the others bring the caller out of the queue to hear the
 * bot's turn. Text cannot reach a call: automatic hold messages are spoken by the queue's waitUrl instead, and an
 * agent's typed message is only logged. Typing indicators mean nothing on a phone.
 */
export class VoicePersonChannel implements PersonChannel {
  constructor(
    private readonly queue: VoiceQueue,
    private readonly logger: Logger,
  ) {
    if (!queue) throw new Error('VoicePersonChannel: queue is required');
    if (!logger) throw new Error('VoicePersonChannel: logger is required');
  }

  async say(conversationId: string, channel: string, messages: PersonMessage[]): Promise<void> {
    this.check('say', channel);
    const typed = messages.filter((m) => !m.automatic);
    if (typed.length > 0) {
      this.logger.debug({ conversationId, count: typed.length }, 'voice: an agent text cannot be said on a call; not delivered');
    }
  }

  async signal(conversationId: string, channel: string, signal: HandoffSignal): Promise<void> {
    this.check('signal', channel);
    await this.queue.signal(conversationId, signal);
  }

  async typing(_conversationId: string, channel: string): Promise<void> {
    this.check('typing', channel);
  }

  private check(method: string, channel: string): void {
    if (channel !== VOICE_CHANNEL) throw new Error(`VoicePersonChannel.${method}(): channel "${channel}" is not the phone`);
  }
}
