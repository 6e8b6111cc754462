import {
  ActivityHandler,
  ActivityTypes,
  ConversationState,
  EndOfConversationCodes,
  InputHints,
  MessageFactory,
  StatePropertyAccessor,
  TurnContext,
  UserState,
} from 'botbuilder';
import { Dialog, DialogSet, DialogState, DialogTurnResult, DialogTurnStatus } from 'botbuilder-dialogs';
import { isValidTimeZone, timeOfDayGreeting } from '../dialogs/greeting';
import { HANDOFF_STATUS_EVENT, handoffSignalOf, type HandoffDialogOptions } from '../dialogs/handoff/handoff.dialog';
import { Clock, GREETED_THIS_TURN, HANDOFF_TRIGGERED, isRequestText, MainDialog, type MainDialogOptions } from '../dialogs/main.dialog';
import { greeting, messages } from '../dialogs/messages/es-MX';
import { HANDOFF_EVENT_PREFIX, type HandoffPort, type PersonMessageResult } from '../services/handoff/handoff-types';
import type { HandoffDecision, HandoffTriggers } from '../services/handoff/triggers';
import { EMAIL_CHANNEL } from '../services/email/email-types';
import { VOICE_CHANNEL, VOICE_EVENTS } from '../services/voice/voice-types';
import { WEBCHAT_CHANNEL } from './channels/directline/directline.adapter';

/** Conversation-state property holding the dialog stack (the only one the turn error handler clears). */
export const DIALOG_STATE_PROPERTY = 'dialogState';
/** Conversation-state property recording that the protocol greeting was sent. */
export const GREETING_PROPERTY = 'greeting';
/** Conversation-state property of the handoff turn gate (when the last «sigue en la fila» reminder was sent). */
export const HANDOFF_GATE_PROPERTY = 'handoffGate';

/**
 * Turn-state key a {@link PersonChannel} sets on the turns it runs for a handoff signal. Only those turns may carry
 * `ventanilla.handoff.*` events to the dialogs: the same event posted by a chat client is ignored.
 */
export const HANDOFF_SIGNAL_TURN = Symbol('ventanilla.handoffSignalTurn');

/** Events of the phone adapter (a transfer's result, a recorded message) go to the dialog waiting for them. */
const VOICE_EVENT_PREFIX = 'ventanilla.voice.';

/** A queued person hears «sigue en la fila» at most this often when they write. */
const QUEUE_REMINDER_MS = 60_000;

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
  /**
   * Live-agent handoff: every message goes through {@link HandoffPort.personMessage} before the dialogs (queued or
   * with an agent, the dialogs do not see it); typing and `handoff.status` events are passed on. Pair with a
   * MainDialog that has a handoff dialog.
   */
  readonly handoff?: HandoffPort;
  /** Bot-level triggers (asks for a human, distress), checked on every message the dialogs see. Needs `handoff`. */
  readonly triggers?: HandoffTriggers;
  /** The switchboard is on: callers hear after the greeting that they may key in an extension. */
  readonly switchboard?: boolean;
  /**
   * The root dialog of e-mail conversations (`email`), where each message is a whole request; absent = e-mail runs
   * the main dialog like a chat.
   */
  readonly emailDialog?: Dialog;
}

/** What the bot stores under {@link HANDOFF_GATE_PROPERTY}. */
export interface HandoffGateRecord {
  /** ISO instant of the last reminder to a queued person. */
  remindedAt?: string;
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
  private readonly emailDialog: Dialog | undefined;
  private readonly settings: BotSettings;
  private readonly clock: Clock;
  private readonly logger: BotLogger;
  private readonly recovery: TicketRecovery | undefined;
  private readonly handoff: HandoffPort | undefined;
  private readonly triggers: HandoffTriggers | undefined;
  private readonly switchboard: boolean;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly greetingRecord: StatePropertyAccessor<GreetingRecord>;
  private readonly gateRecord: StatePropertyAccessor<HandoffGateRecord>;

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
    this.emailDialog = deps.emailDialog;
    this.settings = deps.settings;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.recovery = deps.recovery;
    this.handoff = deps.handoff;
    this.triggers = deps.triggers;
    this.switchboard = deps.switchboard === true;
    if (this.triggers && !this.handoff) throw new Error('VentanillaBot: triggers need handoff');
    this.dialogState = this.conversationState.createProperty<DialogState>(DIALOG_STATE_PROPERTY);
    this.greetingRecord = this.conversationState.createProperty<GreetingRecord>(GREETING_PROPERTY);
    this.gateRecord = this.conversationState.createProperty<HandoffGateRecord>(HANDOFF_GATE_PROPERTY);

    this.onMembersAdded(async (context, next) => {
      const botId = context.activity.recipient?.id;
      const joined = (context.activity.membersAdded ?? []).filter((member) => member.id !== botId);
      if (joined.length > 0) {
        await this.greetOnce(context, true);
      }
      await next();
    });

    this.onMessage(async (context, next) => {
      // Queued or with an agent, the message is the agent's (it is in the transcript): the dialogs do not see it.
      if (await this.gate(context)) {
        await next();
        return;
      }
      await this.sendTyping(context);
      // The protocol question is left out of the greeting when the message already carries the request.
      await this.greetOnce(context, !isRequestText(context.activity.text));
      const root = this.rootDialog(context);
      // The e-mail dialog tells a ticket's number itself, idempotently, when a message is read again after a crash.
      if (root === this.dialog && (await this.recoverTickets(context))) {
        await next();
        return;
      }
      this.checkTriggers(context);
      await runDialog(root, context, this.dialogState);
      await next();
    });

    this.onEvent(async (context, next) => {
      const name = context.activity.name ?? '';
      if (name.startsWith(HANDOFF_EVENT_PREFIX)) await this.onHandoffSignal(context);
      else if (name === HANDOFF_STATUS_EVENT) await this.onHandoffStatus(context);
      else if (name === VOICE_EVENTS.noInput && context.activity.channelId === VOICE_CHANNEL) await this.onNoInput(context);
      else if (name.startsWith(VOICE_EVENT_PREFIX) && context.activity.channelId === VOICE_CHANNEL) await runDialog(this.dialog, context, this.dialogState);
      else this.logger.debug({ name, conversationId: context.activity.conversation?.id }, 'event ignored');
      await next();
    });

    this.onTyping(async (context, next) => {
      const conversationId = context.activity.conversation?.id;
      if (this.handoff && conversationId) await this.handoff.personTyping(conversationId);
      await next();
    });

    this.onTurn(async (context, next) => {
      const { type } = context.activity;
      const handled: string[] = [ActivityTypes.Message, ActivityTypes.ConversationUpdate, ActivityTypes.Event, ActivityTypes.Typing];
      if (!handled.includes(type)) {
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
    const dc = await this.dialogContext(context);
    await dc.cancelAllDialogs();
    const options: MainDialogOptions = {
      resume: 'anythingElse',
      summaries: pending.map((ticket) => messages.attention.summaryRecovered(ticket.number)),
    };
    await dc.beginDialog(this.dialog.id, options);
    return true;
  }

  // ---- handoff ------------------------------------------------------------------------------------------------------

  /**
   * The turn gate: asks the handoff service what the message means. `none` → false (the dialogs run); queued → a
   * short reminder at most once a minute; with an agent → nothing; left the queue → «Salió de la fila…» and
   * «¿Hay algo más…?». True when the message was handled here.
   */
  private async gate(context: TurnContext): Promise<boolean> {
    const conversationId = context.activity.conversation?.id;
    if (!this.handoff || !conversationId) return false;
    const result: PersonMessageResult = await this.handoff.personMessage(conversationId, context.activity.text);
    switch (result.state) {
      case 'none':
        return false;
      case 'with_agent':
        return true;
      case 'queued':
        await this.remind(context, result.position, result.estimatedWaitSeconds);
        return true;
      case 'left_queue':
        await this.leftQueue(context);
        return true;
    }
  }

  private async remind(context: TurnContext, position: number, waitSeconds: number): Promise<void> {
    const record = await this.gateRecord.get(context, {});
    const now = this.clock.now();
    const last = record.remindedAt ? Date.parse(record.remindedAt) : Number.NaN;
    if (!Number.isNaN(last) && now.getTime() - last < QUEUE_REMINDER_MS) return;
    const text = messages.handoff.queuedReminder(position, waitSeconds);
    await context.sendActivity(MessageFactory.text(text, text, InputHints.AcceptingInput));
    await this.gateRecord.set(context, { remindedAt: now.toISOString() });
  }

  /** The person left the queue: the handoff dialog is dropped and the main dialog goes on at «¿Hay algo más…?». */
  private async leftQueue(context: TurnContext): Promise<void> {
    const text = messages.handoff.leftQueue;
    await context.sendActivity(MessageFactory.text(text, text, InputHints.IgnoringInput));
    const dc = await this.dialogContext(context);
    if (this.rootDialog(context) !== this.dialog) {
      // E-mail: the thread starts over with the person's next message.
      await dc.cancelAllDialogs();
      return;
    }
    const kept = this.dialog.keptFrom(dc);
    await dc.cancelAllDialogs();
    const options: MainDialogOptions = { ...kept, resume: 'anythingElse' };
    await dc.beginDialog(this.dialog.id, options);
    this.logger.info({ conversationId: context.activity.conversation?.id }, 'handoff: the person left the queue');
  }

  /** Asks for a human or sounds distressed: the main dialog hands over (see HANDOFF_TRIGGERED). */
  private checkTriggers(context: TurnContext): void {
    const text = context.activity.text;
    if (!this.triggers || !this.handoff || typeof text !== 'string' || text.trim() === '') return;
    const { decision } = this.triggers.check({ text, understood: true, notUnderstoodInARow: 0 });
    if (!decision) return;
    context.turnState.set(HANDOFF_TRIGGERED, decision);
    this.logger.info({ conversationId: context.activity.conversation?.id, reasons: decision.reasons, cues: decision.cues }, 'handoff triggered');
  }

  /**
   * A signal of the handoff service (run by a PersonChannel, see {@link HANDOFF_SIGNAL_TURN}) continues the dialog
   * stack, where the handoff dialog waits for it. If the stack was lost meanwhile, the main dialog is begun at the
   * signal (except `closed`, which needs nothing more).
   */
  private async onHandoffSignal(context: TurnContext): Promise<void> {
    const conversationId = context.activity.conversation?.id;
    if (context.turnState.get(HANDOFF_SIGNAL_TURN) !== true) {
      this.logger.warn({ conversationId, name: context.activity.name }, 'handoff signal not sent by the handoff service: ignored');
      return;
    }
    const signal = handoffSignalOf(context.activity);
    if (!signal) {
      this.logger.warn({ conversationId, name: context.activity.name }, 'malformed handoff signal ignored');
      return;
    }
    const dc = await this.dialogContext(context);
    const result = await dc.continueDialog();
    if (result.status !== DialogTurnStatus.empty || signal.kind === 'closed') return;
    if (this.rootDialog(context) !== this.dialog) return; // e-mail: the agent writes; nothing to resume
    this.logger.warn({ conversationId, signal: signal.kind }, 'handoff signal with no dialog waiting: resumed');
    const handoff: HandoffDialogOptions = { reason: 'asked', message: '', context: {}, signal };
    const options: MainDialogOptions = { handoff };
    await dc.beginDialog(this.dialog.id, options);
  }

  /**
   * The caller said nothing twice in a row (the phone adapter repeated the question once already): the call goes to
   * an agent, with what the running request knew; without live agents, a polite goodbye ends the call.
   */
  private async onNoInput(context: TurnContext): Promise<void> {
    const conversationId = context.activity.conversation?.id;
    if (!this.handoff || !conversationId) {
      const text = messages.voice.noInputGoodbye;
      await context.sendActivities([
        MessageFactory.text(text, text, InputHints.IgnoringInput),
        { type: ActivityTypes.EndOfConversation, code: EndOfConversationCodes.CompletedSuccessfully },
      ]);
      return;
    }
    // Already queued or with an agent: nothing more to do here (the adapter keeps the call on hold).
    if ((await this.handoff.queueState(conversationId)).state !== 'none') return;
    const decision: HandoffDecision = {
      reason: 'not_understood',
      reasons: ['not_understood'],
      message: messages.voice.noInputHandoff,
      score: 0,
      cues: ['sin respuesta'],
    };
    context.turnState.set(HANDOFF_TRIGGERED, decision);
    this.logger.info({ conversationId }, 'handoff: the caller was silent twice');
    await runDialog(this.dialog, context, this.dialogState);
  }

  /** External agent hub (Bot Framework handoff protocol): `handoff.status` goes to the handoff service. */
  private async onHandoffStatus(context: TurnContext): Promise<void> {
    const { activity } = context;
    const conversationId = activity.conversation?.id;
    // On the web chat everything posted comes from the chat client (our Direct Line, or Azure's Web Chat channel, which
    // uses the same channel id): a person must not end their own handoff.
    if (!this.handoff?.external || !conversationId || activity.channelId === WEBCHAT_CHANNEL) {
      this.logger.warn({ conversationId, channel: activity.channelId }, 'handoff.status ignored');
      return;
    }
    const value: unknown = activity.value;
    const state = typeof value === 'object' && value !== null && 'state' in value ? value.state : undefined;
    const message = typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string' ? value.message : undefined;
    if (state !== 'accepted' && state !== 'failed' && state !== 'completed') {
      this.logger.warn({ conversationId, state }, 'handoff.status with an unknown state ignored');
      return;
    }
    await this.handoff.externalStatus(conversationId, state, message);
  }

  private async dialogContext(context: TurnContext) {
    const dialogSet = new DialogSet(this.dialogState);
    dialogSet.add(this.rootDialog(context));
    return dialogSet.createContext(context);
  }

  /** The e-mail dialog for e-mail conversations (when there is one), the main dialog for everything else. */
  private rootDialog(context: TurnContext): Dialog {
    return this.emailDialog && context.activity.channelId === EMAIL_CHANNEL ? this.emailDialog : this.dialog;
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
    const said = ask && this.switchboard && context.activity.channelId === VOICE_CHANNEL ? `${text} ${messages.voice.greetingTail}` : text;
    await context.sendActivity(MessageFactory.text(said, said, inputHint));
    await this.greetingRecord.set(context, { sentAt: now.toISOString() });
    context.turnState.set(GREETED_THIS_TURN, ask);
    const { conversation, channelId } = context.activity;
    this.logger.info({ conversationId: conversation?.id, channel: channelId }, 'greeting sent');
  }
}
