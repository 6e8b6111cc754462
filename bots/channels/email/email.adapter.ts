import { TwilioTurnAdapter } from '../twilio-voice/twilio-voice.adapter';

/**
 * The e-mail adapter (`email`): a turn per message read, its replies collected in memory (and recorded in the
 * transcript), then joined into one threaded e-mail by {@link EmailConversations}. Nothing is pushed by the adapter.
 */
export class EmailAdapter extends TwilioTurnAdapter {}
