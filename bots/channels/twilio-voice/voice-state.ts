import type { HandoffSignal } from '../../../services/handoff/handoff-types';
import type { RecordRequest, TransferRequest } from '../../../services/voice/voice-types';

/** The caller waits in a Twilio queue for an agent (one queue per call, `v-<conversationId>`). */
export interface QueueMeta {
  name: string;
  group: string;
  /** ISO instant the caller entered the queue. */
  since: string;
  /** The place in the handoff queue last told to the caller. */
  position: number;
  /** ISO instant of the last hold phrase (or of entering the queue). */
  heldAt: string;
}

/**
 * What the voice channel keeps about a call between webhooks, in `calls.meta` (top-level keys; a patch replaces
 * only the keys it names).
 */
export interface VoiceCallMeta {
  /** The last question as spoken (with its spoken menu), for a simple repeat. */
  prompt?: string | null;
  /** DTMF key → option of the last question's menu. */
  menu?: Record<string, string> | null;
  /** `<Gather hints>` of the last question. */
  hints?: string | null;
  /** Silences and not-understood answers in a row. */
  misses?: number;
  /** The transfer the caller is on (`<Dial>` placed, its result not in yet). */
  transfer?: TransferRequest | null;
  /** The message being recorded (`<Record>` placed). */
  record?: RecordRequest | null;
  /** In the Twilio queue waiting for an agent. */
  queue?: QueueMeta | null;
  /** A handoff signal waiting to be run when the caller comes out of the queue (`/resume`, `/queue-exit`). */
  signal?: HandoffSignal | null;
  /** The last signal run, for dropping a duplicate (the service and the queue both noticed the maximum wait). */
  lastSignal?: { kind: string; at: string } | null;
  /** What the caller hears just before being bridged with the agent («Le atiende …»). */
  bridgeSay?: string[] | null;
  /** ISO instant the caller was bridged with an agent (out of the queue). */
  bridgedAt?: string | null;
  /** The caller's conversation (agent legs: the conversation they are bridged into). */
  forConversation?: string | null;
}

export function voiceMeta(row: { meta: Record<string, unknown> } | null | undefined): VoiceCallMeta {
  return (row?.meta ?? {}) as VoiceCallMeta;
}
