import { TwilioTurnAdapter } from '../twilio-voice/twilio-voice.adapter';

/**
 * The SMS and WhatsApp adapter (`sms`, `whatsapp`): a turn per incoming message, its replies collected and answered
 * as MessagingTwiml in the same HTTP request (see {@link TwilioTurnAdapter}).
 */
export class TwilioSmsAdapter extends TwilioTurnAdapter {}
