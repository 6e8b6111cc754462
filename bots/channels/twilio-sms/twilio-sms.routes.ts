import type { Request, Response, Server } from 'restify';
import { ApiError } from '../../../services/http/api-error';
import { sendTwiml, type TwilioWebhook } from '../twilio-voice/twilio-webhook';
import { MissingParameterError } from '../twilio-voice/voice-calls';
import type { SmsConversations } from './sms-conversations';

/** `POST /api/twilio/sms`: SMS and WhatsApp messages (signature-checked), answered with MessagingTwiml. */
export class SmsRoutes {
  constructor(
    private readonly webhook: TwilioWebhook,
    private readonly sms: SmsConversations,
  ) {
    if (!webhook) throw new Error('SmsRoutes: webhook is required');
    if (!sms) throw new Error('SmsRoutes: sms is required');
  }

  register(server: Server): void {
    server.post('/api/twilio/sms', async (req: Request, res: Response) => {
      const params = this.webhook.verify(req);
      try {
        sendTwiml(res, await this.sms.incoming(params));
      } catch (err) {
        if (err instanceof MissingParameterError) throw new ApiError(400, 'BadArgument', `Falta el parámetro ${err.parameter}.`);
        throw err;
      }
    });
  }
}
