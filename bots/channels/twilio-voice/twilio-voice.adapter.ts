import {
  type Activity,
  ActivityTypes,
  BotAdapter,
  type ConversationReference,
  type ResourceResponse,
  TurnContext,
} from 'botbuilder';
import type { ActivityJson, ConversationService, RecordedActivity } from '../../../services/conversations/conversation.service';
import { randomId } from '../../../services/conversations/conversation.service';
import { TRANSCRIPT_RECORDED } from '../../middleware/transcript.middleware';

export interface TwilioTurnAdapterDeps {
  conversations: ConversationService;
  /** The bot's account as the transcript shows it. */
  bot: { id: string; name: string };
  clock: { now(): Date };
  logger: { error(obj: object, msg?: string): void };
}

/** What one webhook's turn produced. */
export interface TurnOutcome {
  /** False when the inbound activity was a duplicate (a retried webhook): no turn ran. */
  ran: boolean;
  /** The inbound activity as recorded (with its transcript id). */
  inbound: RecordedActivity;
  /** The bot's outgoing activities, in order (messages, events, `delay`s; typing left out). */
  outgoing: Partial<Activity>[];
}

const OUTBOX = Symbol('ventanilla.twilioOutbox');
const NOT_RECORDED = new Set<string>([ActivityTypes.Typing, 'delay', ActivityTypes.Trace]);

/**
 * The bot side of the Twilio channels, which answer inside the webhook's HTTP request (TwiML): a turn runs for one
 * webhook and its outgoing activities are collected in memory, then rendered by the routes (voice → `<Say>`,
 * `<Gather>`, `<Dial>`…; SMS → `<Message>`). Nothing is pushed.
 *
 * The adapter keeps the transcript as the web chat's does, under the conversation id the bot and the handoff service
 * use: the inbound activity is recorded before the turn (a failing turn loses nothing received; a provider id in
 * `channelData.clientActivityID` makes a retried webhook a duplicate that runs no turn), the replies after it, in one
 * statement.
 */
export class TwilioTurnAdapter extends BotAdapter {
  constructor(protected readonly deps: TwilioTurnAdapterDeps) {
    super();
    for (const k of ['conversations', 'bot', 'clock', 'logger'] as const) {
      if (!deps?.[k]) throw new Error(`${new.target.name}: ${k} is required`);
    }
  }

  /**
   * Records `activity` in `conversationId`, runs `logic` with it (through the middleware), records the replies and
   * returns them. `turnState` entries are set on the context first (e.g. the caller's input kind).
   */
  async processActivity(
    conversationId: string,
    activity: ActivityJson,
    logic: (context: TurnContext) => Promise<void>,
    turnState: ReadonlyArray<readonly [symbol, unknown]> = [],
  ): Promise<TurnOutcome> {
    const inbound = await this.deps.conversations.record(conversationId, 'in', {
      ...activity,
      conversation: { id: conversationId },
      timestamp: this.deps.clock.now().toISOString(),
    });
    if (inbound.duplicate) return { ran: false, inbound, outgoing: [] };
    const outgoing = await this.runTurn(inbound.activity as Partial<Activity>, logic, turnState);
    return { ran: true, inbound, outgoing };
  }

  /** Runs a turn for an activity that is not recorded (nothing was received: a proactive signal's own event). */
  async runTurn(
    activity: Partial<Activity>,
    logic: (context: TurnContext) => Promise<void>,
    turnState: ReadonlyArray<readonly [symbol, unknown]> = [],
  ): Promise<Partial<Activity>[]> {
    const context = new TurnContext(this, activity);
    context.turnState.set(TRANSCRIPT_RECORDED, true);
    const outbox: Partial<Activity>[] = [];
    context.turnState.set(OUTBOX, outbox);
    for (const [key, value] of turnState) context.turnState.set(key, value);
    await this.runMiddleware(context, logic);
    await this.recordReplies(activity.conversation?.id, outbox);
    return outbox.filter((a) => a.type !== ActivityTypes.Typing);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const outbox = context.turnState.get(OUTBOX) as Partial<Activity>[] | undefined;
    if (!outbox) throw new Error(`${this.constructor.name}.sendActivities(): no turn is collecting replies`);
    const responses: ResourceResponse[] = [];
    for (const a of activities) {
      const id = `${this.deps.bot.id}-${randomId(12)}`;
      outbox.push({
        ...a,
        id,
        type: a.type ?? ActivityTypes.Message,
        channelId: context.activity.channelId,
        conversation: context.activity.conversation,
        from: { id: this.deps.bot.id, name: this.deps.bot.name, role: 'bot' },
        recipient: a.recipient ?? context.activity.from,
        replyToId: a.replyToId ?? context.activity.id,
        timestamp: this.deps.clock.now(),
      });
      responses.push({ id });
    }
    return responses;
  }

  async updateActivity(): Promise<void> {
    throw new Error(`${this.constructor.name}.updateActivity(): a phone call or a text message cannot be edited`);
  }

  async deleteActivity(): Promise<void> {
    throw new Error(`${this.constructor.name}.deleteActivity(): a phone call or a text message cannot be edited`);
  }

  async continueConversation(_reference: Partial<ConversationReference>, _logic: (context: TurnContext) => Promise<void>): Promise<void> {
    throw new Error(`${this.constructor.name}.continueConversation(): replies go out only in a webhook's answer; run a turn with runTurn()`);
  }

  private async recordReplies(conversationId: string | undefined, outbox: Partial<Activity>[]): Promise<void> {
    const recorded = outbox.filter((a) => !NOT_RECORDED.has(a.type ?? ''));
    if (!conversationId || recorded.length === 0) return;
    try {
      await this.deps.conversations.recordMany(conversationId, 'out', recorded.map(toJson));
    } catch (err) {
      // The person still hears (or reads) the reply; a lost transcript line must not turn into an apology.
      this.deps.logger.error({ err, conversationId }, 'twilio: outbound transcript record failed');
    }
  }
}

/** The phone channel's adapter (`voice`). */
export class TwilioVoiceAdapter extends TwilioTurnAdapter {}

function toJson(activity: Partial<Activity>): ActivityJson {
  const { id: _id, ...rest } = JSON.parse(JSON.stringify(activity)) as ActivityJson;
  return rest as ActivityJson;
}
