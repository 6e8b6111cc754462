import type { ActivityHandler, Middleware, TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import type { CallRepository } from '../../../models';
import type { ConversationService } from '../../../services/conversations/conversation.service';
import type { HandoffService } from '../../../services/handoff/handoff.service';
import type { TwilioRestClient } from '../../../services/twilio/rest-client';
import { farewellTimeOfDay, timeOfDayGreeting } from '../../../dialogs/greeting';
import type { TurnTracker } from '../../turn-tracker';
import { SmsConversations } from '../twilio-sms/sms-conversations';
import { SmsPersonChannel } from '../twilio-sms/sms-person';
import { TwilioSmsAdapter } from '../twilio-sms/twilio-sms.adapter';
import { SmsRoutes } from '../twilio-sms/twilio-sms.routes';
import { TwilioWebhook } from './twilio-webhook';
import { TwilioVoiceAdapter } from './twilio-voice.adapter';
import { VoiceRoutes } from './twilio-voice.routes';
import { VoiceCalls, type VoiceLogger } from './voice-calls';
import { VoicePersonChannel } from './voice-person';
import { VoiceQueue } from './voice-queue';
import { VoiceStatus } from './voice-status';

/** Settings of the Twilio channels (from `TWILIO_*`, `VOICE_*`, `PUBLIC_BASE_URL`, `HANDOFF_*`, `TZ`). */
export interface TwilioChannelSettings {
  authToken: string;
  /** Required: signatures are checked against it and our TwiML links to it. */
  publicBaseUrl: string | undefined;
  phoneNumber: string | undefined;
  voice: string;
  language: string;
  recording: boolean;
  holdSeconds: number;
  maxSilences: number;
  minConfidence: number;
  agentRingSeconds: number;
  maxWaitSeconds: number;
  defaultGroup: string;
  timeZone: string;
}

export interface TwilioChannelsDeps {
  bot: Pick<ActivityHandler, 'run'>;
  onTurnError: (context: TurnContext, error: Error) => Promise<void>;
  /** Turn middleware (metrics). The transcript is kept by the adapters themselves. */
  middleware: Middleware[];
  conversations: ConversationService;
  calls: CallRepository;
  handoff: HandoffService;
  rest: TwilioRestClient;
  tracker: TurnTracker;
  clock: { now(): Date };
  logger: VoiceLogger & { child(bindings: object): VoiceLogger };
  botAccount: { id: string; name: string };
  settings: TwilioChannelSettings;
}

/** The wired Twilio channels: routes to register, and the person channels for the handoff service. */
export interface TwilioChannels {
  routes: Array<{ register(server: Server): void }>;
  /** The signature check, for other Twilio routes (callbacks). */
  webhook: TwilioWebhook;
  voice: VoiceCalls;
  queue: VoiceQueue;
  /** Status callbacks, recordings, the fallback, and `enqueueCallback` (callback calls queued for an agent). */
  status: VoiceStatus;
  voicePerson: VoicePersonChannel;
  smsPerson: SmsPersonChannel;
  sms: SmsConversations;
}

/** Twilio without PUBLIC_BASE_URL cannot start: every webhook's signature is computed over it. Checked at boot. */
export function assertTwilioPublicUrl(publicBaseUrl: string | undefined): void {
  if (!publicBaseUrl) {
    throw new Error(
      'Twilio: PUBLIC_BASE_URL es obligatoria con TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN (las firmas X-Twilio-Signature se verifican contra ella). ' +
        'Defínala con la URL pública de este servidor, p. ej. https://mesa.ejemplo.mx',
    );
  }
}

/**
 * Builds the phone (`voice`) and SMS/WhatsApp channels. Throws when PUBLIC_BASE_URL is missing: every webhook's
 * signature is computed over it, so without it no request could be trusted.
 */
export function createTwilioChannels(deps: TwilioChannelsDeps): TwilioChannels {
  const s = deps.settings;
  assertTwilioPublicUrl(s.publicBaseUrl);
  const publicBaseUrl = (s.publicBaseUrl as string).replace(/\/+$/, '');
  const voiceLogger = deps.logger.child({ component: 'twilio-voice' });
  const smsLogger = deps.logger.child({ component: 'twilio-sms' });
  const webhook = new TwilioWebhook({ authToken: s.authToken, publicBaseUrl }, deps.logger.child({ component: 'twilio' }));

  const voiceAdapter = new TwilioVoiceAdapter({ conversations: deps.conversations, bot: deps.botAccount, clock: deps.clock, logger: voiceLogger });
  const smsAdapter = new TwilioSmsAdapter({ conversations: deps.conversations, bot: deps.botAccount, clock: deps.clock, logger: smsLogger });
  for (const adapter of [voiceAdapter, smsAdapter]) {
    for (const m of deps.middleware) adapter.use(m);
    adapter.onTurnError = deps.onTurnError;
  }

  const voice = new VoiceCalls({
    adapter: voiceAdapter,
    bot: deps.bot,
    conversations: deps.conversations,
    calls: deps.calls,
    handoff: deps.handoff,
    tracker: deps.tracker,
    clock: deps.clock,
    logger: voiceLogger,
    botAccount: deps.botAccount,
    settings: {
      publicBaseUrl,
      phoneNumber: s.phoneNumber,
      voice: s.voice,
      language: s.language,
      recording: s.recording,
      holdSeconds: s.holdSeconds,
      maxWaitSeconds: s.maxWaitSeconds,
      minConfidence: s.minConfidence,
      maxSilences: s.maxSilences,
      agentRingSeconds: s.agentRingSeconds,
      gatherTimeoutSeconds: 6,
      defaultGroup: s.defaultGroup,
      closing: () => farewellTimeOfDay(deps.clock.now(), s.timeZone),
      hello: () => timeOfDayGreeting(deps.clock.now(), s.timeZone),
    },
  });
  const queue = new VoiceQueue(voice, deps.rest);
  const status = new VoiceStatus(voice, queue);
  const sms = new SmsConversations({
    adapter: smsAdapter,
    bot: deps.bot,
    conversations: deps.conversations,
    threads: deps.calls,
    tracker: deps.tracker,
    clock: deps.clock,
    botAccount: deps.botAccount,
  });
  return {
    webhook,
    voice,
    queue,
    status,
    sms,
    voicePerson: new VoicePersonChannel(queue, voiceLogger),
    smsPerson: new SmsPersonChannel({
      sms,
      rest: deps.rest,
      conversations: deps.conversations,
      clock: deps.clock,
      bot: deps.botAccount,
      phoneNumber: s.phoneNumber,
      logger: smsLogger,
    }),
    routes: [
      new VoiceRoutes({ webhook, calls: voice, queue, status, rest: deps.rest, tracker: deps.tracker, logger: voiceLogger, recording: s.recording }),
      new SmsRoutes(webhook, sms),
    ],
  };
}
