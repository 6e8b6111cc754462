import { type ActivityHandler, ConversationState, type TurnContext, UserState } from 'botbuilder';
import type { BotStateRepository } from '../models';
import type { Understanding } from '../dialogs/attention/understanding';
import type { TranscriptSource } from '../dialogs/handoff/handoff.dialog';
import type { Desk } from '../services/attention/desk';
import type { HandoffPort } from '../services/handoff/handoff-types';
import { HandoffTriggers } from '../services/handoff/triggers';
import { AttentionDialog } from '../dialogs/attention/attention.dialog';
import { EmailDialog } from '../dialogs/email/email.dialog';
import { createBot, createOnTurnError, type CreateBotDeps } from './index';
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
  /** Live-agent handoff (the handoff service); absent = no handoff. */
  handoff?: HandoffPort;
  /** Transcript for `handoff.initiate` (external agent hub). */
  transcript?: TranscriptSource;
  /** Handoff triggers; default `new HandoffTriggers()` when `handoff` is given. */
  triggers?: HandoffTriggers;
  /** The switchboard operator; absent = no switchboard. */
  switchboard?: CreateBotDeps['switchboard'];
}): BotRuntime {
  const storage = new PostgresStorage(deps.stateRepository);
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const triggers = deps.handoff ? (deps.triggers ?? new HandoffTriggers()) : undefined;
  const bot = createBot({
    conversationState,
    userState,
    settings: deps.settings,
    clock: deps.clock,
    logger: deps.logger,
    requestDialog: new AttentionDialog({ desk: deps.desk, understanding: deps.understanding, triggers }),
    recovery: deps.desk,
    desk: deps.desk,
    ...(deps.handoff ? { handoff: deps.handoff } : {}),
    ...(triggers ? { triggers } : {}),
    ...(deps.transcript ? { transcript: deps.transcript } : {}),
    ...(deps.switchboard ? { switchboard: deps.switchboard } : {}),
    emailDialog: new EmailDialog({ desk: deps.desk, understanding: deps.understanding, handoff: deps.handoff }),
  });
  return { bot, onTurnError: createOnTurnError({ logger: deps.logger, conversationState }) };
}
