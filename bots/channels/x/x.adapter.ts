import { TwilioTurnAdapter } from '../twilio-voice/twilio-voice.adapter';

/**
 * The X direct-message adapter (`x`): a turn per incoming DM, its replies collected in memory (and recorded in the
 * transcript), then sent through X's DM API by {@link XConversations}. Same mechanics as the Twilio text channels
 * (see {@link TwilioTurnAdapter}): the inbound DM is recorded before the turn with its event id, so a redelivered
 * event is a duplicate that runs no turn.
 */
export class XAdapter extends TwilioTurnAdapter {}
