import { type ActivityHandler, ConversationState, type TurnContext, UserState } from 'botbuilder';
import type { BotStateRepository } from '../models';
import type { Understanding } from '../dialogs/attention/understanding';
import type { Desk } from '../services/attention/desk';
import { AttentionDialog } from '../dialogs/attention/attention.dialog';
import { createBot, createOnTurnError } from './index';
import { PostgresStorage } from './state/postgres.storage';
import type { BotLogger, BotSettings } from './ventanilla.bot';

export interface BotRuntime {
  bot: Pick<ActivityHandler, 'run'>;
  onTurnError: (context: TurnContext, error: Error) => Promise<void>;
}

/** The bot with its state on PostgreSQL: what every channel adapter runs. */
export function createBotRuntime(deps: {
  stateRepository: BotStateRepository;
  settings: BotSettings;
  clock: { now(): Date };
  logger: BotLogger;
  desk: Desk;
  understanding: Understanding;
}): BotRuntime {
  const storage = new PostgresStorage(deps.stateRepository);
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const bot = createBot({
    conversationState,
    userState,
    settings: deps.settings,
    clock: deps.clock,
    logger: deps.logger,
    requestDialog: new AttentionDialog({ desk: deps.desk, understanding: deps.understanding }),
    recovery: deps.desk,
  });
  return { bot, onTurnError: createOnTurnError({ logger: deps.logger, conversationState }) };
}
