import { ActivityTypes, InputHints } from 'botbuilder';
import type { Activity, TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  Dialog,
  DialogContext,
  DialogInstance,
  DialogTurnResult,
  TextPrompt,
  WaterfallDialog,
  WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Desk } from '../../services/attention/desk';
import { HANDOFF_EVENT_PREFIX, type HandoffContext, type HandoffPort, type HandoffSignal } from '../../services/handoff/handoff-types';
import type { HandoffReason } from '../../services/handoff/triggers';
import type { Impact, Urgency } from '../../services/tickets/priority';
import { say, textOrExplain } from '../attention/case';
import { messages } from '../messages/es-MX';
import { AwaitEventDialog } from '../directory/await-event.dialog';
import { VOICE_CHANNEL } from '../../services/voice/voice-types';
import { FallbackIds, HandoffFallback } from './handoff-fallback';

export { parseOffer } from './handoff-fallback';

const m = messages.handoff;

/** Dialog ids of the handoff dialog. */
export const HandoffIds = {
  main: 'ventanilla.handoff',
  start: 'ventanilla.handoff.start',
  wait: 'ventanilla.handoff.wait',
  ...FallbackIds,
} as const;

/** Bot Framework handoff protocol: the bot asks the external hub for an agent / the hub reports back. */
export const HANDOFF_INITIATE_EVENT = 'handoff.initiate';
export const HANDOFF_STATUS_EVENT = 'handoff.status';

/** The conversation's transcript as Bot Framework activities, oldest first (for `handoff.initiate`). */
export type TranscriptSource = (conversationId: string) => Promise<object[]>;

/** A ticket prefilled from the conversation, registered when no agent can attend and the person wants one. */
export interface TicketDraft {
  kind: 'incident' | 'request' | 'informative';
  serviceCode: string | null;
  serviceName: string | null;
  resolverGroup: string | null;
  description: string;
  diagnostics: Array<{ id: string; question: string; answer: string }>;
  urgency: Urgency;
  impact: Impact;
}

/** Options the handoff dialog is begun with. */
export interface HandoffDialogOptions {
  reason: HandoffReason;
  /** Why, in Spanish (from the trigger); said first. Empty = nothing is said. */
  message: string;
  resolverGroup?: string | null;
  priority?: number;
  context: HandoffContext;
  /** Prefilled ticket for the fallback; absent = the description is asked. */
  ticket?: TicketDraft;
  /** What the request dialog knew about the person, handed back in the result. */
  profile?: unknown;
  /** Resume at this signal without asking for an agent (the dialog state was lost while the handoff was open). */
  signal?: HandoffSignal;
}

/** What the handoff dialog ends with (a {@link RequestDialogResult} plus how it ended). */
export interface HandoffDialogResult {
  summary: string | null;
  profile?: unknown;
  /** The agent closed the conversation (and said the farewell): nothing more is said. */
  closed?: boolean;
  /** A message arrived while waiting: the handoff service no longer has it open. */
  stale?: boolean;
}

/** Constructor dependencies of {@link HandoffDialog}. */
export interface HandoffDialogDeps {
  port: HandoffPort;
  clock: { now(): Date };
  /** IANA zone of the desk (dates said in a phone answer). */
  timeZone: string;
  /** Registers the fallback ticket; without it only a call back is offered. */
  desk?: Desk | undefined;
  /** The transcript sent with `handoff.initiate` (external mode). */
  transcript?: TranscriptSource | undefined;
  /** «mañana a las diez» → when to call back (stored as the callback's schedule); absent = the words only. */
  parseTime?: ((text: string, now: Date) => { at: Date; spoken: string; notice?: string } | null) | undefined;
}

type WaitResult = Exclude<HandoffSignal, { kind: 'accepted' }> | { kind: 'stale' };

/** Queue priority by reason: critical urgency first, then distress. */
export function handoffPriority(reason: HandoffReason): number {
  return reason === 'critical' ? 2 : reason === 'distress' ? 1 : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** The signal an event activity `ventanilla.handoff.<kind>` carries, validated; undefined for anything else. */
export function handoffSignalOf(activity: Partial<Activity>): HandoffSignal | undefined {
  const name = activity.name ?? '';
  if (activity.type !== ActivityTypes.Event || !name.startsWith(HANDOFF_EVENT_PREFIX) || !isRecord(activity.value)) return undefined;
  const v = activity.value;
  const kind = name.slice(HANDOFF_EVENT_PREFIX.length);
  if (v.kind !== kind) return undefined;
  const agentName = text(v.agentName);
  const ticketNumber = text(v.ticketNumber);
  switch (kind) {
    case 'accepted':
      return agentName ? { kind, agentName } : undefined;
    case 'returned':
    case 'closed':
      return agentName ? { kind, agentName, ...(ticketNumber ? { ticketNumber } : {}) } : undefined;
    case 'unavailable': {
      const why = v.why;
      if (why !== 'max_wait' && why !== 'closed' && why !== 'no_agents') return undefined;
      const nextOpening = text(v.nextOpening);
      return { kind, why, ...(nextOpening ? { nextOpening } : {}) };
    }
    case 'failed': {
      const message = text(v.message);
      return { kind, ...(message ? { message } : {}) };
    }
    default:
      return undefined;
  }
}

/** The inner stack of a component dialog's instance (index 0 is the dialog it began first; the last is active). */
export function componentStack(instance: DialogInstance | undefined): DialogInstance[] {
  const state: unknown = instance?.state;
  const dialogs = isRecord(state) ? state.dialogs : undefined;
  const stack = isRecord(dialogs) ? dialogs.dialogStack : undefined;
  return Array.isArray(stack) ? stack.filter((i): i is DialogInstance => isRecord(i) && typeof i.id === 'string') : [];
}

/**
 * Hands the conversation to a live agent through the {@link HandoffPort}: says why, asks for an agent and tells the
 * person their place in the queue, then waits for the service's signals (event activities `ventanilla.handoff.*`;
 * the bot's turn gate keeps the person's messages away meanwhile). `accepted` → «Le atiende …»; `returned` → ends
 * (the main dialog goes on with «¿Hay algo más…?»); `closed` → ends quietly. When nobody can attend (desk closed,
 * no agents, the wait too long, the external hub failed), offers a ticket prefilled from the conversation or a call
 * back. In external mode it sends `handoff.initiate` with the transcript and waits likewise.
 */
export class HandoffDialog extends ComponentDialog<HandoffDialogOptions> {
  private readonly port: HandoffPort;
  private readonly transcript: TranscriptSource | undefined;
  private readonly fallback: HandoffFallback;

  constructor(deps: HandoffDialogDeps) {
    super(HandoffIds.main);
    if (!deps?.port) throw new Error('HandoffDialog: port is required');
    if (!deps.clock) throw new Error('HandoffDialog: clock is required');
    if (!deps.timeZone) throw new Error('HandoffDialog: timeZone is required');
    this.port = deps.port;
    this.transcript = deps.transcript;
    this.fallback = new HandoffFallback({ port: deps.port, clock: deps.clock, timeZone: deps.timeZone, desk: deps.desk, parseTime: deps.parseTime });
    this.addDialog(new AwaitEventDialog(FallbackIds.await));

    this.addDialog(new TextPrompt(HandoffIds.prompt, textOrExplain));
    this.addDialog(new HandoffWait());
    this.addDialog(new WaterfallDialog<HandoffDialogOptions>(HandoffIds.start, [(s) => this.requestStep(s), (s) => this.outcomeStep(s)]));
    for (const dialog of this.fallback.dialogs()) this.addDialog(dialog);
    this.initialDialogId = HandoffIds.start;
  }

  /** The options the dialog was begun with, from its instance on a dialog stack. */
  static optionsOf(instance: DialogInstance | undefined): HandoffDialogOptions | undefined {
    const options: unknown = componentStack(instance)[0]?.state?.options;
    return isRecord(options) && typeof options.reason === 'string' && isRecord(options.context) ? (options as unknown as HandoffDialogOptions) : undefined;
  }

  /** True while it waits for the agent (rather than asking the person something). */
  static isWaiting(instance: DialogInstance | undefined): boolean {
    const stack = componentStack(instance);
    return stack[stack.length - 1]?.id === HandoffIds.wait;
  }

  // ---- request and wait -------------------------------------------------------------------------------------------

  private async requestStep(step: WaterfallStepContext<HandoffDialogOptions>): Promise<DialogTurnResult> {
    const o = step.options;
    if (o.signal) {
      if (o.signal.kind !== 'accepted') return step.next(o.signal);
      await step.context.sendActivity(say(m.accepted(o.signal.agentName), InputHints.AcceptingInput));
      return step.beginDialog(HandoffIds.wait);
    }
    const { activity } = step.context;
    if (o.message) await step.context.sendActivity(say(o.message));
    const outcome = await this.port.request({
      conversationId: activity.conversation.id,
      channel: activity.channelId,
      reason: o.reason,
      resolverGroup: o.resolverGroup ?? null,
      priority: o.priority ?? handoffPriority(o.reason),
      context: o.context,
    });
    switch (outcome.kind) {
      case 'queued': {
        const lines = outcome.alreadyOpen ? [m.alreadyQueued] : [];
        await step.context.sendActivities([
          ...lines.map((line) => say(line)),
          say(m.queued(outcome.position, outcome.estimatedWaitSeconds, step.context.activity.channelId === VOICE_CHANNEL), InputHints.AcceptingInput),
        ]);
        return step.beginDialog(HandoffIds.wait);
      }
      case 'external':
        await step.context.sendActivity(say(m.external, InputHints.AcceptingInput));
        await this.initiateExternal(step.context, o);
        return step.beginDialog(HandoffIds.wait);
      case 'unavailable':
        return this.fallback.begin(step, o, outcome.why, outcome.nextOpening);
    }
  }

  /** Bot Framework handoff protocol: `handoff.initiate` with the context and the transcript, to the channel's hub. */
  private async initiateExternal(context: TurnContext, o: HandoffDialogOptions): Promise<void> {
    const activities = this.transcript ? await this.transcript(context.activity.conversation.id) : [];
    await context.sendActivity({
      type: ActivityTypes.Event,
      name: HANDOFF_INITIATE_EVENT,
      value: { ...(o.resolverGroup ? { skill: o.resolverGroup } : {}), reason: o.reason, context: o.context },
      attachments: [{ contentType: 'application/json', name: 'Transcript', content: { activities } }],
    });
  }

  private async outcomeStep(step: WaterfallStepContext<HandoffDialogOptions>): Promise<DialogTurnResult> {
    const o = step.options;
    const r = step.result as WaitResult | undefined;
    switch (r?.kind) {
      case 'returned':
        return step.endDialog(this.result(o, r.ticketNumber ? m.summaryAgentTicket(r.agentName, r.ticketNumber) : m.summaryAgent(r.agentName)));
      case 'closed':
        return step.endDialog({ ...this.result(o, null), closed: true });
      case 'unavailable':
        return this.fallback.begin(step, o, r.why, r.nextOpening);
      case 'failed':
        return this.fallback.begin(step, o, 'failed');
      default:
        return step.endDialog({ ...this.result(o, null), stale: true });
    }
  }

  private result(o: HandoffDialogOptions, summary: string | null): HandoffDialogResult {
    return { summary, ...(o.profile !== undefined ? { profile: o.profile } : {}) };
  }
}

/**
 * Waits for the handoff service's signals. `accepted` is told and the wait goes on; any other signal ends the wait
 * with it. A message means the service let it through (no handoff is open any more): the wait ends as `stale`.
 */
class HandoffWait extends Dialog {
  constructor() {
    super(HandoffIds.wait);
  }

  override async beginDialog(): Promise<DialogTurnResult> {
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = dc.context;
    if (activity.type === ActivityTypes.Message) {
      const stale: WaitResult = { kind: 'stale' };
      return dc.endDialog(stale);
    }
    const signal = handoffSignalOf(activity);
    if (!signal) return Dialog.EndOfTurn;
    if (signal.kind === 'accepted') {
      await dc.context.sendActivity(say(m.accepted(signal.agentName), InputHints.AcceptingInput));
      return Dialog.EndOfTurn;
    }
    return dc.endDialog(signal);
  }
}
