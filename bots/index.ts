import { ConversationState, UserState } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { Clock, MainDialog } from '../dialogs/main.dialog';
import { BotLogger, BotSettings, TicketRecovery, VentanillaBot } from './ventanilla.bot';

export { createOnTurnError } from './turn-error';
export type { OnTurnError, TurnErrorDeps } from './turn-error';
export { DIALOG_STATE_PROPERTY, GREETING_PROPERTY, VentanillaBot, runDialog } from './ventanilla.bot';
export type { BotLogger, BotSettings, GreetingRecord, VentanillaBotDeps } from './ventanilla.bot';
export { MainDialog, MainDialogIds } from '../dialogs/main.dialog';
export type { Clock, MainDialogDeps, MainDialogOptions, MainDialogSettings } from '../dialogs/main.dialog';
export { AttentionDialog, AttentionIds } from '../dialogs/attention/attention.dialog';
export type { Understanding } from '../dialogs/attention/understanding';
export type { TicketRecovery } from './ventanilla.bot';

/** Dependencies of {@link createBot}; the composition root (`app/`) provides them. */
export interface CreateBotDeps {
  readonly conversationState: ConversationState;
  readonly userState: UserState;
  readonly settings: BotSettings;
  readonly clock: Clock;
  readonly logger: BotLogger;
  /** Handles each request (the attention script, {@link AttentionDialog}, in the product). */
  readonly requestDialog: Dialog;
  /** Tells ticket numbers a failed turn could not deliver. */
  readonly recovery?: TicketRecovery;
}

/** Builds the main dialog and the bot. Pair it with `createOnTurnError` on the adapter. */
export function createBot(deps: CreateBotDeps): VentanillaBot {
  if (!deps) {
    throw new Error('createBot: deps is required');
  }
  const dialog = new MainDialog({
    requestDialog: deps.requestDialog,
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
    ...(deps.recovery ? { recovery: deps.recovery } : {}),
  });
}
