import { TwilioTurnAdapter } from '../twilio-voice/twilio-voice.adapter';

/**
 * The Messenger adapter (`facebook`): a turn per incoming event, its replies collected in memory (and recorded in the
 * transcript), then sent through the Send API by {@link FacebookConversations}. Nothing is pushed by the adapter.
 */
export class FacebookAdapter extends TwilioTurnAdapter {}
