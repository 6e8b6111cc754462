import { ConversationState, InputHints, MessageFactory, TurnContext } from 'botbuilder';
import { messages } from '../dialogs/messages/es-MX';
import { BotLogger, DIALOG_STATE_PROPERTY } from './ventanilla.bot';

/** Dependencies of {@link createOnTurnError}. */
export interface TurnErrorDeps {
  readonly logger: BotLogger;
  readonly conversationState: ConversationState;
}

/** The `adapter.onTurnError` handler type. */
export type OnTurnError = (context: TurnContext, error: Error) => Promise<void>;

/**
 * Builds the handler for `adapter.onTurnError`: logs the failure with the conversation id, apologises in Spanish
 * and clears only the dialog stack, so the next message starts clean. Other conversation state (the greeting record)
 * and the transcript are left alone. It never throws: a failure to apologise or to save is logged.
 */
export function createOnTurnError(deps: TurnErrorDeps): OnTurnError {
  if (!deps?.logger) {
    throw new Error('createOnTurnError: logger is required');
  }
  if (!deps.conversationState) {
    throw new Error('createOnTurnError: conversationState is required');
  }
  const { logger, conversationState } = deps;
  const dialogState = conversationState.createProperty(DIALOG_STATE_PROPERTY);

  return async (context: TurnContext, error: Error): Promise<void> => {
    const activity = context.activity;
    const where = {
      conversationId: activity?.conversation?.id,
      channel: activity?.channelId,
      activityId: activity?.id,
    };
    logger.error({ ...where, err: error }, 'turn failed');

    try {
      const apology = messages.turnError;
      await context.sendActivity(MessageFactory.text(apology, apology, InputHints.AcceptingInput));
    } catch (sendError) {
      logger.error({ ...where, err: sendError }, 'turn failed: could not send the apology');
    }

    try {
      await dialogState.delete(context);
      await conversationState.saveChanges(context, false);
    } catch (stateError) {
      logger.error({ ...where, err: stateError }, 'turn failed: could not clear the dialog state');
    }
  };
}
