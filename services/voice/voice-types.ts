/**
 * What the dialogs and the phone adapter (bots/channels/twilio-voice) tell each other, without botbuilder types.
 *
 * Dialogs ask for phone actions by sending event activities named `VOICE_EVENTS.*` (only on the voice channel); the
 * adapter renders them to TwiML. The adapter reports what the call did (a transfer's result, silence, a recorded
 * message) with event activities of the same names, run as turns of the call's conversation.
 */

/** Channel ids of the Twilio channels (`activity.channelId`, `conversations.channel`). */
export const VOICE_CHANNEL = 'voice';
export const SMS_CHANNEL = 'sms';
export const WHATSAPP_CHANNEL = 'whatsapp';

export const VOICE_EVENTS = {
  /** dialog → adapter: dial a directory entry (value: {@link TransferRequest}); the result comes back as `dialResult`. */
  transfer: 'ventanilla.voice.transfer',
  /** adapter → dialog: how the transfer ended (value: {@link DialResult}). */
  dialResult: 'ventanilla.voice.dialResult',
  /** dialog → adapter: keep the caller waiting `seconds` (value: {@link HoldRequest}) before what follows in the turn. */
  hold: 'ventanilla.voice.hold',
  /** dialog → adapter: record a voice message (value: {@link RecordRequest}); the result comes back as `recorded`. */
  record: 'ventanilla.voice.record',
  /** adapter → dialog: the message was recorded (value: {@link RecordedMessage}). */
  recorded: 'ventanilla.voice.recorded',
  /** adapter → bot: the caller said nothing twice in a row (value: {@link NoInput}); the bot offers an agent. */
  noInput: 'ventanilla.voice.noInput',
} as const;

/** How a call reaches a directory entry: a SIP URI on the PBX, or a PSTN number with digits sent after it answers. */
export type VoiceRoute = { kind: 'sip'; uri: string } | { kind: 'pstn'; number: string; sendDigits?: string };

export interface TransferRequest {
  entryId: string;
  /** As said to the caller: «la Lic. María Pérez». */
  spokenName: string;
  extension: string | null;
  route: VoiceRoute;
  /** Seconds to ring before «no-answer» (Twilio `<Dial timeout>`). */
  timeoutSeconds: number;
  /** 1 for the first try, 2… for the retries while the caller waits. */
  attempt: number;
}

/** Twilio's `DialCallStatus`. */
export type DialStatus = 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled';

export interface DialResult {
  entryId: string;
  status: DialStatus;
  /** `DialCallDuration`, when the transfer was answered. */
  durationSeconds: number | null;
  attempt: number;
}

export interface HoldRequest {
  seconds: number;
}

export interface RecordRequest {
  /** Longest message, in seconds. */
  maxSeconds: number;
  /** Why: carried back in {@link RecordedMessage}. */
  purpose: 'handoff_message';
}

export interface RecordedMessage {
  purpose: RecordRequest['purpose'];
  /** Twilio's RecordingUrl (null when nothing was recorded). */
  url: string | null;
  durationSeconds: number;
}

export interface NoInput {
  /** Silences in a row (2 when sent). */
  count: number;
}

/** Turn-state key under which the voice adapter tells dialogs how the caller answered (speech or keypad). */
export const VOICE_INPUT = Symbol('ventanilla.voiceInput');
export interface VoiceInput {
  kind: 'speech' | 'dtmf' | 'none';
  /** Twilio's speech `Confidence` (0–1), for speech. */
  confidence?: number;
}
