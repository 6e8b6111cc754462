import { ConversationState, UserState } from 'botbuilder';
import { Clock, MainDialog } from '../dialogs/main.dialog';
import { PendingCatalogRequestHandler, RequestHandler } from '../dialogs/request-handler';
import { BotLogger, BotSettings, VentanillaBot } from './ventanilla.bot';

export { createOnTurnError } from './turn-error';
export type { OnTurnError, TurnErrorDeps } from './turn-error';
export { DIALOG_STATE_PROPERTY, GREETING_PROPERTY, VentanillaBot, runDialog } from './ventanilla.bot';
export type { BotLogger, BotSettings, GreetingRecord, VentanillaBotDeps } from './ventanilla.bot';
export { MainDialog, MainDialogIds } from '../dialogs/main.dialog';
export type { Clock, MainDialogDeps, MainDialogOptions, MainDialogSettings } from '../dialogs/main.dialog';
export { PendingCatalogRequestHandler } from '../dialogs/request-handler';
export { CatalogRequestHandler, type CatalogLookup } from '../dialogs/catalog-request-handler';
export type { RequestContext, RequestHandler, RequestReply } from '../dialogs/request-handler';

/** Dependencies of {@link createBot}; the composition root (`app/`) provides them. */
export interface CreateBotDeps {
  readonly conversationState: ConversationState;
  readonly userState: UserState;
  readonly settings: BotSettings;
  readonly clock: Clock;
  readonly logger: BotLogger;
  /** Defaults to {@link PendingCatalogRequestHandler} until the catalog and ticket services are wired. */
  readonly requestHandler?: RequestHandler;
}

/** Builds the main dialog and the bot. Pair it with `createOnTurnError` on the adapter. */
export function createBot(deps: CreateBotDeps): VentanillaBot {
  if (!deps) {
    throw new Error('createBot: deps is required');
  }
  const dialog = new MainDialog({
    requestHandler: deps.requestHandler ?? new PendingCatalogRequestHandler(),
    settings: deps.settings,
    clock: deps.clock,
  });
  return new VentanillaBot({
    conversationState: deps.conversationState,
    userState: deps.userState,
    dialog,
    settings: deps.settings,
    clock: deps.clock,
    logger: deps.logger,
  });
}
