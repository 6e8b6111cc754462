import {
  ActivityHandler,
  ActivityTypes,
  ConversationState,
  InputHints,
  MessageFactory,
  StatePropertyAccessor,
  TurnContext,
  UserState,
} from 'botbuilder';
import { Dialog, DialogSet, DialogState, DialogTurnResult, DialogTurnStatus } from 'botbuilder-dialogs';
import { isValidTimeZone, timeOfDayGreeting } from '../dialogs/greeting';
import { Clock, GREETED_THIS_TURN, isRequestText, MainDialog, type MainDialogOptions } from '../dialogs/main.dialog';
import { greeting, messages } from '../dialogs/messages/es-MX';

/** Conversation-state property holding the dialog stack (the only one the turn error handler clears). */
export const DIALOG_STATE_PROPERTY = 'dialogState';
/** Conversation-state property recording that the protocol greeting was sent. */
export const GREETING_PROPERTY = 'greeting';

/** Structured logger, pino-compatible: `logger.info({ conversationId }, 'message')`. */
export interface BotLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** Deployment settings the bot speaks with (from `BOT_NAME`, `ORG_NAME`, `TZ`). */
export interface BotSettings {
  readonly botName: string;
  readonly orgName: string;
  /** IANA zone of the help desk, e.g. `America/Mexico_City`. */
  readonly timeZone: string;
}

/** Constructor dependencies of {@link VentanillaBot}. */
export interface VentanillaBotDeps {
  readonly conversationState: ConversationState;
  readonly userState: UserState;
  readonly dialog: MainDialog;
  readonly settings: BotSettings;
  readonly clock: Clock;
  readonly logger: BotLogger;
  /** Tickets whose number a failed turn could not deliver; told at the start of the next turn. */
  readonly recovery?: TicketRecovery;
}

/** Finds the tickets of a conversation whose number the person was not told, and records that they were. */
export interface TicketRecovery {
  unannounced(conversationId: string): Promise<Array<{ id: string; number: string }>>;
  markAnnounced(ticketId: string): Promise<void>;
}

/** What the bot stores under {@link GREETING_PROPERTY}. */
export interface GreetingRecord {
  /** ISO instant the greeting was sent. */
  sentAt?: string;
}

/**
 * Runs `dialog` for this turn: continues the active dialog, or begins `dialog` when the stack is empty.
 * Same pattern as botbuilder's `dialogHelper.ts` `runDialog`, without the skill handling we do not use.
 */
export async function runDialog(
  dialog: Dialog,
  context: TurnContext,
  accessor: StatePropertyAccessor<DialogState>,
): Promise<DialogTurnResult> {
  const dialogSet = new DialogSet(accessor);
  dialogSet.add(dialog);
  const dialogContext = await dialogSet.createContext(context);
  const result = await dialogContext.continueDialog();
  if (result.status === DialogTurnStatus.empty) {
    return dialogContext.beginDialog(dialog.id);
  }
  return result;
}

/**
 * Ventanilla's activity handler: greets by protocol when a user joins (or on the first message, for channels
 * that never send `conversationUpdate`), runs {@link MainDialog} on each message, and saves conversation and user
 * state at the end of every turn. Other activity types are ignored.
 */
export class VentanillaBot extends ActivityHandler {
  private readonly conversationState: ConversationState;
  private readonly userState: UserState;
  private readonly dialog: MainDialog;
  private readonly settings: BotSettings;
  private readonly clock: Clock;
  private readonly logger: BotLogger;
  private readonly recovery: TicketRecovery | undefined;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly greetingRecord: StatePropertyAccessor<GreetingRecord>;

  public constructor(deps: VentanillaBotDeps) {
    super();
    if (!deps) {
      throw new Error('VentanillaBot: deps is required');
    }
    const required = ['conversationState', 'userState', 'dialog', 'settings', 'clock', 'logger'] as const;
    for (const name of required) {
      if (!deps[name]) {
        throw new Error(`VentanillaBot: ${name} is required`);
      }
    }
    for (const name of ['botName', 'orgName', 'timeZone'] as const) {
      if (!deps.settings[name]) {
        throw new Error(`VentanillaBot: settings.${name} is required`);
      }
    }
    if (!isValidTimeZone(deps.settings.timeZone)) {
      throw new Error(`VentanillaBot: settings.timeZone "${deps.settings.timeZone}" is not a valid IANA time zone`);
    }
    this.conversationState = deps.conversationState;
    this.userState = deps.userState;
    this.dialog = deps.dialog;
    this.settings = deps.settings;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.recovery = deps.recovery;
    this.dialogState = this.conversationState.createProperty<DialogState>(DIALOG_STATE_PROPERTY);
    this.greetingRecord = this.conversationState.createProperty<GreetingRecord>(GREETING_PROPERTY);

    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const joined = (context.activity.membersAdded ?? []).filter((member) => member.id !== botId);
      if (joined.length > 0) {
        await this.greetOnce(context, true);
      }
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.sendTyping(context);
      // The protocol question is left out of the greeting when the message already carries the request.
      await this.greetOnce(context, !isRequestText(context.activity.text));
      if (await this.recoverTickets(context)) {
        await next();
        return;
      }
      await runDialog(this.dialog, context, this.dialogState);
      await next();
    });

    this.onTurn(async (context, next) => {
      const { type } = context.activity;
      if (type !== ActivityTypes.Message && type !== ActivityTypes.ConversationUpdate) {
        this.logger.debug({ type, conversationId: context.activity.conversation?.id }, 'activity ignored');
      }
      await next();
    });
  }

  /** Runs the turn, then saves conversation and user state (also when a handler changed nothing). */
  public override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
    await this.userState.saveChanges(context, false);
  }

  /**
   * Sends the typing indicator straight through the adapter, as botbuilder's `ShowTypingMiddleware` does: through
   * `context.sendActivity` it would set `context.responded`, and prompts then skip their retry message this turn.
   * It also keeps typing indicators out of the transcript.
   */
  private async sendTyping(context: TurnContext): Promise<void> {
    const reference = TurnContext.getConversationReference(context.activity);
    const typing = TurnContext.applyConversationReference({ type: ActivityTypes.Typing }, reference);
    await context.adapter.sendActivities(context, [typing]);
  }

  /**
   * A turn that registered a ticket but failed before the reply went out leaves the ticket unannounced (and its
   * dialog state unsaved, or cleared by the error handler). The next message hears the number first; the dialog
   * that was interrupted is not resumed, so nothing is registered twice, and the bot goes on with «¿Hay algo más…?».
   */
  private async recoverTickets(context: TurnContext): Promise<boolean> {
    const conversationId = context.activity.conversation?.id;
    if (!this.recovery || !conversationId) return false;
    const pending = await this.recovery.unannounced(conversationId);
    if (pending.length === 0) return false;
    for (const ticket of pending) {
      const text = messages.attention.recovered(ticket.number);
      await context.sendActivity(MessageFactory.text(text, text, InputHints.IgnoringInput));
      await this.recovery.markAnnounced(ticket.id);
      this.logger.warn({ conversationId, ticket: ticket.number }, 'ticket number told after a failed turn');
    }
    const dialogSet = new DialogSet(this.dialogState);
    dialogSet.add(this.dialog);
    const dc = await dialogSet.createContext(context);
    await dc.cancelAllDialogs();
    const options: MainDialogOptions = {
      resume: 'anythingElse',
      summaries: pending.map((ticket) => messages.attention.summaryRecovered(ticket.number)),
    };
    await dc.beginDialog(this.dialog.id, options);
    return true;
  }

  /** Sends the protocol greeting unless this conversation already got it. */
  private async greetOnce(context: TurnContext, ask: boolean): Promise<void> {
    const record = await this.greetingRecord.get(context, {});
    if (record.sentAt !== undefined) {
      return;
    }
    const now = this.clock.now();
    const text = greeting({
      timeOfDay: timeOfDayGreeting(now, this.settings.timeZone),
      botName: this.settings.botName,
      orgName: this.settings.orgName,
      ask,
    });
    const inputHint = ask ? InputHints.ExpectingInput : InputHints.IgnoringInput;
    await context.sendActivity(MessageFactory.text(text, text, inputHint));
    await this.greetingRecord.set(context, { sentAt: now.toISOString() });
    context.turnState.set(GREETED_THIS_TURN, ask);
    const { conversation, channelId } = context.activity;
    this.logger.info({ conversationId: conversation?.id, channel: channelId }, 'greeting sent');
  }
}
