import type { ActivityHandler, Middleware, TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import type { CallRepository } from '../../../models';
import type { ConversationService } from '../../../services/conversations/conversation.service';
import { HttpXDmClient, type XDmClient } from '../../../services/x/dm-client';
import type { TurnTracker } from '../../turn-tracker';
import { XConversations, type XLogger } from './x-conversations';
import { XAdapter } from './x.adapter';
import { XPersonChannel } from './x-person';
import { XRoutes } from './x.routes';

/** Settings of the X channel (`X_CONSUMER_SECRET`, `X_ACCESS_TOKEN`, `X_API_BASE_URL`). */
export interface XChannelSettings {
  consumerSecret: string;
  accessToken: string;
  /** Default https://api.x.com. */
  apiBaseUrl: string | undefined;
}

export interface XChannelDeps {
  bot: Pick<ActivityHandler, 'run'>;
  onTurnError: (context: TurnContext, error: Error) => Promise<void>;
  /** Turn middleware (metrics). The transcript is kept by the adapter itself. */
  middleware: Middleware[];
  conversations: ConversationService;
  threads: Pick<CallRepository, 'latestConversation'>;
  tracker: TurnTracker;
  clock: { now(): Date };
  logger: XLogger & { child(bindings: object): XLogger };
  botAccount: { id: string; name: string };
  settings: XChannelSettings;
  /** Replaces the HTTP client (tests). */
  client?: XDmClient;
}

/** The wired X channel: its routes, the person channel for the handoff service, and its parts. */
export interface XChannel {
  routes: Array<{ register(server: Server): void }>;
  person: XPersonChannel;
  x: XConversations;
  client: XDmClient;
}

/** Builds the X direct-message channel (`x`). */
export function createXChannel(deps: XChannelDeps): XChannel {
  const s = deps.settings;
  if (!s?.consumerSecret) throw new Error('createXChannel: settings.consumerSecret (X_CONSUMER_SECRET) is required');
  if (!s.accessToken) throw new Error('createXChannel: settings.accessToken (X_ACCESS_TOKEN) is required');
  const logger = deps.logger.child({ component: 'x' });
  const client = deps.client ?? new HttpXDmClient({ accessToken: s.accessToken, baseUrl: s.apiBaseUrl, logger });
  const adapter = new XAdapter({ conversations: deps.conversations, bot: deps.botAccount, clock: deps.clock, logger });
  for (const m of deps.middleware) adapter.use(m);
  adapter.onTurnError = deps.onTurnError;
  const x = new XConversations({
    adapter,
    bot: deps.bot,
    conversations: deps.conversations,
    threads: deps.threads,
    client,
    tracker: deps.tracker,
    clock: deps.clock,
    botAccount: deps.botAccount,
    logger,
  });
  return {
    x,
    client,
    person: new XPersonChannel({ x, conversations: deps.conversations, clock: deps.clock, bot: deps.botAccount }),
    routes: [new XRoutes({ x, consumerSecret: s.consumerSecret, logger })],
  };
}
