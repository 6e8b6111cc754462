/** Twilio building blocks shared by the voice and messaging adapters and the callback scheduler. */
export { TWILIO_SIGNATURE_HEADER, twilioSignature, validTwilioSignature, type TwilioParams } from './signature';
export {
  DEFAULT_LANGUAGE, DEFAULT_VOICE, GatherTwiml, MessagingTwiml, TWIML_CONTENT_TYPE, VoiceTwiml, escapeXmlAttribute, escapeXmlText,
  type DialOptions, type DialTarget, type EnqueueOptions, type GatherOptions, type RecordOptions, type SayOptions, type VoiceDefaults,
} from './twiml';
export {
  HttpTwilioRestClient, TwilioApiError,
  type CreateCallParams, type HttpTwilioRestClientOptions, type SendMessageParams, type StartRecordingParams, type TwilioClientLogger,
  type TwilioRestClient, type UpdateCallParams,
} from './rest-client';
export {
  HINTS_MAX_PHRASES, HINT_MAX_CHARS, VOICE_DEFAULTS, hintsFor, inputToText, normalizeSpoken, speakable, spokenMenu, type SpokenMenu,
} from './speech';
