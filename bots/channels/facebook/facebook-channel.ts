import type { ActivityHandler, Middleware, TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import type { CallRepository } from '../../../models';
import type { ConversationService } from '../../../services/conversations/conversation.service';
import { GraphSendClient, type MessengerSender } from '../../../services/facebook/graph-client';
import type { TurnTracker } from '../../turn-tracker';
import { FacebookAdapter } from './facebook.adapter';
import { FacebookConversations, type FacebookLogger } from './facebook-conversations';
import { FacebookPersonChannel } from './facebook-person';
import { FacebookRoutes } from './facebook.routes';

/** `config.facebook`. */
export interface FacebookSettings {
  appSecret: string;
  verifyToken: string;
  pageAccessToken: string;
  /** FACEBOOK_GRAPH_BASE_URL (tests point it at a local fake); default https://graph.facebook.com. */
  graphBaseUrl: string | undefined;
}

export interface FacebookChannelDeps {
  bot: Pick<ActivityHandler, 'run'>;
  onTurnError: (context: TurnContext, error: Error) => Promise<void>;
  /** Turn middleware (metrics). The transcript is kept by the adapter itself. */
  middleware: Middleware[];
  conversations: ConversationService;
  threads: Pick<CallRepository, 'latestConversation'>;
  tracker: TurnTracker;
  clock: { now(): Date };
  logger: FacebookLogger;
  botAccount: { id: string; name: string };
  settings: FacebookSettings;
  /** The Send API client; default a {@link GraphSendClient} with the page token (tests may substitute it). */
  sender?: MessengerSender;
  /** Graph client retry waits (tests make them instant). */
  sleep?: (ms: number) => Promise<void>;
}

/** The wired Messenger channel. */
export interface FacebookChannel {
  routes: Array<{ register(server: Server): void }>;
  conversations: FacebookConversations;
  person: FacebookPersonChannel;
  sender: MessengerSender;
}

/** Builds the Messenger channel (`facebook`): webhook routes, turns, Send API replies and the agents' way in. */
export function createFacebookChannel(deps: FacebookChannelDeps): FacebookChannel {
  const s = deps.settings;
  const sender =
    deps.sender ??
    new GraphSendClient({
      pageAccessToken: s.pageAccessToken,
      baseUrl: s.graphBaseUrl,
      logger: deps.logger,
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    });
  const adapter = new FacebookAdapter({ conversations: deps.conversations, bot: deps.botAccount, clock: deps.clock, logger: deps.logger });
  for (const m of deps.middleware) adapter.use(m);
  adapter.onTurnError = deps.onTurnError;
  const conversations = new FacebookConversations({
    adapter,
    bot: deps.bot,
    conversations: deps.conversations,
    threads: deps.threads,
    tracker: deps.tracker,
    clock: deps.clock,
    botAccount: deps.botAccount,
    sender,
    logger: deps.logger,
  });
  const person = new FacebookPersonChannel({
    facebook: conversations,
    sender,
    conversations: deps.conversations,
    clock: deps.clock,
    bot: deps.botAccount,
    logger: deps.logger,
  });
  return {
    routes: [new FacebookRoutes({ appSecret: s.appSecret, verifyToken: s.verifyToken }, conversations, deps.logger)],
    conversations,
    person,
    sender,
  };
}
