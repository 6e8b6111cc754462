import { ConversationState, UserState } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { HandoffDialog, type TranscriptSource } from '../dialogs/handoff/handoff.dialog';
import { Clock, MainDialog } from '../dialogs/main.dialog';
import { SwitchboardDialog, type SwitchboardDialogDeps } from '../dialogs/directory/switchboard.dialog';
import type { Desk } from '../services/attention/desk';
import type { HandoffPort } from '../services/handoff/handoff-types';
import type { HandoffTriggers } from '../services/handoff/triggers';
import { BotLogger, BotSettings, TicketRecovery, VentanillaBot } from './ventanilla.bot';

export { createOnTurnError } from './turn-error';
export type { OnTurnError, TurnErrorDeps } from './turn-error';
export { DIALOG_STATE_PROPERTY, GREETING_PROPERTY, HANDOFF_GATE_PROPERTY, HANDOFF_SIGNAL_TURN, VentanillaBot, runDialog } from './ventanilla.bot';
export type { BotLogger, BotSettings, GreetingRecord, HandoffGateRecord, VentanillaBotDeps } from './ventanilla.bot';
export { HandoffDialog, HandoffIds, HANDOFF_INITIATE_EVENT, HANDOFF_STATUS_EVENT } from '../dialogs/handoff/handoff.dialog';
export type { HandoffDialogDeps, HandoffDialogOptions, TranscriptSource } from '../dialogs/handoff/handoff.dialog';
export { MainDialog, MainDialogIds } from '../dialogs/main.dialog';
export { SwitchboardDialog, SwitchboardIds, switchboardQuery } from '../dialogs/directory/switchboard.dialog';
export type { SwitchboardDialogDeps, SwitchboardDirectory, SwitchboardEntry, SwitchboardMatch, SwitchboardSettings } from '../dialogs/directory/switchboard.dialog';
export type { Clock, MainDialogDeps, MainDialogOptions, MainDialogSettings } from '../dialogs/main.dialog';
export { AttentionDialog, AttentionIds } from '../dialogs/attention/attention.dialog';
export { EmailDialog, EMAIL_DIALOG_ID } from '../dialogs/email/email.dialog';
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
  /** The live-agent handoff service; without it there is no handoff (no gate, no triggers, no handoff dialog). */
  readonly handoff?: HandoffPort;
  /** Bot-level triggers (asks for a human, distress); used only with `handoff`. */
  readonly triggers?: HandoffTriggers;
  /** The transcript sent to an external agent hub with `handoff.initiate` (`HANDOFF_MODE=external`). */
  readonly transcript?: TranscriptSource;
  /** Registers the ticket offered when no agent can attend; without it only a call back is offered. */
  readonly desk?: Desk;
  /** The switchboard operator (directory lookup, transfers, call backs); without it there is no switchboard. */
  readonly switchboard?: Omit<SwitchboardDialogDeps, 'clock' | 'desk'>;
  /** The e-mail dialog (each message a whole request); absent = e-mail runs the main dialog. */
  readonly emailDialog?: Dialog;
}

/** Builds the main dialog and the bot. Pair it with `createOnTurnError` on the adapter. */
export function createBot(deps: CreateBotDeps): VentanillaBot {
  if (!deps) {
    throw new Error('createBot: deps is required');
  }
  const handoffDialog = deps.handoff
    ? new HandoffDialog({
        port: deps.handoff,
        clock: deps.clock,
        timeZone: deps.settings.timeZone,
        desk: deps.desk,
        transcript: deps.transcript,
        parseTime: deps.switchboard?.parseTime,
      })
    : undefined;
  const switchboardDialog = deps.switchboard ? new SwitchboardDialog({ ...deps.switchboard, clock: deps.clock, desk: deps.desk }) : undefined;
  const dialog = new MainDialog({
    requestDialog: deps.requestDialog,
    ...(switchboardDialog ? { switchboardDialog } : {}),
    settings: deps.settings,
    clock: deps.clock,
    ...(handoffDialog ? { handoffDialog } : {}),
  });
  return new VentanillaBot({
    conversationState: deps.conversationState,
    userState: deps.userState,
    dialog,
    settings: deps.settings,
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.recovery ? { recovery: deps.recovery } : {}),
    ...(deps.handoff ? { handoff: deps.handoff } : {}),
    ...(deps.handoff && deps.triggers ? { triggers: deps.triggers } : {}),
    ...(switchboardDialog ? { switchboard: true } : {}),
    ...(deps.emailDialog ? { emailDialog: deps.emailDialog } : {}),
  });
}
