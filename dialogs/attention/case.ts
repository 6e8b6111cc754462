import { ActionTypes, InputHints, MessageFactory } from 'botbuilder';
import type { Activity, TurnContext } from 'botbuilder';
import type { PromptValidatorContext, WaterfallStepContext } from 'botbuilder-dialogs';
import type { AttentionOutcome, Desk, DeskTicket, PersonIdentity, PersonSlots } from '../../services/attention/desk';
import type { Impact } from '../../services/tickets/priority';
import { messages } from '../messages/es-MX';
import type { SlotName } from './understanding';

/** Dialog ids of the attention script. */
export const AttentionIds = {
  main: 'ventanilla.attention',
  prompt: 'ventanilla.attention.prompt',
  triage: 'ventanilla.attention.triage',
  clarify: 'ventanilla.attention.clarify',
  choose: 'ventanilla.attention.choose',
  slots: 'ventanilla.attention.slots',
  treat: 'ventanilla.attention.treat',
  kind: 'ventanilla.attention.kind',
  diagnose: 'ventanilla.attention.diagnose',
  selfHelp: 'ventanilla.attention.selfHelp',
  impact: 'ventanilla.attention.impact',
  register: 'ventanilla.attention.register',
  status: 'ventanilla.attention.status',
  verify: 'ventanilla.attention.verify',
  code: 'ventanilla.attention.code',
} as const;

/** How many times a question is asked again before the script moves on with what it has. */
export const MAX_TRIES = 2;

/** The resolver group of requests whose service could not be identified: the desk classifies them. */
export const UNCLASSIFIED_GROUP = 'Mesa de Ayuda';

/** What the conversation knows about the person, carried from one request to the next. */
export interface Profile {
  requesterId: string | null;
  slots: PersonSlots;
  /** The stored record was looked up. */
  loaded: boolean;
  /** Data came from an earlier conversation (or the channel) and was not confirmed yet. */
  unconfirmed: boolean;
  /** Slots filled with whatever the person said after the tries ran out: kept on the ticket, never stored as theirs. */
  unsure?: SlotName[];
  /** The person said they have no e-mail / no phone. */
  noEmail?: boolean;
  noPhone?: boolean;
}

export type SlotGroup = 'identification' | 'contact';
/** `missed`: answers about the request not understood in a row (a handoff trigger). */
export type TryKey = SlotName | 'confirm' | 'changed' | 'answer' | 'rounds' | 'missed';

/** One request being attended: carried between the inner dialogs in their options (so it lives in dialog state). */
export interface Case {
  request: string;
  profile: Profile;
  clarified: boolean;
  serviceCode?: string;
  /** The router's decision that chose the service (for the agent, on a handoff). */
  route?: { decision: string; code: string | null; confidence: number };
  /** Codes offered in «¿Se refiere a …?». */
  choices?: string[];
  kind?: 'incident' | 'request' | 'informative';
  diagnostics: { id: string; question: string; answer: string }[];
  impact?: Impact;
  /** The service could not be identified: registered for the desk to classify. */
  unclassified?: boolean;
  /** Slot filling: which group, what comes after it, tries per question. */
  group?: SlotGroup;
  after?: string;
  tries: Partial<Record<TryKey, number>>;
  /** Known data: waiting for what changed. */
  awaiting?: 'changed';
  unitCandidate?: { code: string; name: string };
  /** Several units match («la ESIME»): which one. */
  unitChoices?: Array<{ code: string; name: string }>;
  /** A mistyped address and the one probably meant. */
  emailSuggestion?: { suggested: string; typed: string };
  /** What was wrong with the last answer for that slot (an invalid e-mail, a phone with 9 digits): it is the next question. */
  problem?: { slot: SlotName; text: string };
  /** Status lookup. */
  ticketNumber?: string;
}

export function emptyProfile(): Profile {
  return { requesterId: null, slots: {}, loaded: false, unconfirmed: false };
}

export function isProfile(value: unknown): value is Profile {
  return typeof value === 'object' && value !== null && 'slots' in value && 'loaded' in value;
}

export function say(text: string, hint: InputHints = InputHints.IgnoringInput): Partial<Activity> {
  return MessageFactory.text(text, text, hint);
}

/** A question with buttons (Web Chat shows them; voice reads them as a menu). */
export function ask(text: string, options: readonly string[] = []): Partial<Activity> {
  const activity = MessageFactory.text(text, text, InputHints.ExpectingInput);
  if (options.length > 0) {
    activity.suggestedActions = {
      to: [],
      actions: options.map((title) => ({ type: ActionTypes.ImBack, title, value: title })),
    };
  }
  return activity;
}

export function answerText(step: WaterfallStepContext<Case>): string {
  return typeof step.result === 'string' ? step.result.trim() : '';
}

/**
 * The prompts' validator: a message without text (a photo, a sticker) is explained and the question repeated; after
 * a few, the empty answer goes through and the step counts it as a failed try, so no question repeats forever.
 */
export async function textOrExplain(prompt: PromptValidatorContext<string>): Promise<boolean> {
  if (prompt.recognized.succeeded && (prompt.recognized.value ?? '').trim() !== '') return true;
  if (prompt.attemptCount >= 2) return true;
  const text = messages.attention.textOnly;
  await prompt.context.sendActivity(MessageFactory.text(text, text, InputHints.IgnoringInput));
  // Having answered this turn, the prompt would not repeat its question by itself.
  const question = prompt.options.prompt;
  if (question !== undefined) await prompt.context.sendActivity(question);
  return false;
}

/**
 * Channels where the sender's identity is only claimed (an e-mail From, a caller id): data on file is shown
 * partly hidden there, and their identities are stored as unverified.
 */
export const CLAIMED_IDENTITY_CHANNELS: ReadonlySet<string> = new Set(['email', 'voice', 'sms', 'whatsapp', 'twilio-voice']);

export function identityOf(context: TurnContext): PersonIdentity | null {
  const { channelId, from } = context.activity;
  return channelId && from?.id ? { kind: channelId, value: from.id, verified: !CLAIMED_IDENTITY_CHANNELS.has(channelId) } : null;
}

/** The idempotency key of what this turn records: channel, conversation and inbound activity id. */
export function turnKey(context: TurnContext): string {
  const { channelId, conversation, id } = context.activity;
  // Without an activity id (some test adapters) every turn is its own: better a repeat than a merge.
  return `${channelId}:${conversation.id}:${id ?? `local-${Date.now()}-${Math.random().toString(36).slice(2)}`}`;
}

/** Channels whose user id is a phone number or an e-mail address. */
const PHONE_CHANNELS = new Set(['voice', 'sms', 'whatsapp', 'twilio-voice']);
const EMAIL_CHANNELS = new Set(['email']);

/** Contact data the channel proves: the caller's number (10 national digits) or the sender's address. */
export function channelFacts(context: Pick<TurnContext, 'activity'>): PersonSlots {
  const { channelId, from } = context.activity;
  const id = from?.id ?? '';
  if (PHONE_CHANNELS.has(channelId)) {
    const digits = id.replace(/^whatsapp:/, '').replace(/\D/g, '');
    const national = digits.length === 12 && digits.startsWith('52') ? digits.slice(2) : digits.length === 13 && digits.startsWith('521') ? digits.slice(3) : digits;
    return national.length === 10 ? { phone: national } : {};
  }
  if (EMAIL_CHANNELS.has(channelId) && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(id)) return { email: id.toLowerCase() };
  return {};
}

export function formatPhone(phone: string): string {
  return phone.length === 10 ? `${phone.slice(0, 2)} ${phone.slice(2, 6)} ${phone.slice(6)}` : phone;
}

/** Records how the request ended (idempotent per outcome and inbound activity). */
export async function recordOutcome(
  desk: Desk,
  context: TurnContext,
  c: Case,
  outcome: Exclude<AttentionOutcome, 'ticket' | 'informative'>,
  ticketId: string | null,
): Promise<void> {
  const activity = context.activity;
  await desk.recordOutcome({
    conversationId: activity.conversation.id,
    channel: activity.channelId,
    outcome,
    requesterId: c.profile.requesterId,
    unitCode: c.profile.slots.unitCode ?? null,
    serviceCode: c.serviceCode ?? null,
    ticketId,
    description: c.request,
    idempotencyKey: `${outcome}:${turnKey(context)}`,
  });
}

/** Tells the person the ticket number (and who will attend), then records that it was told. */
export async function announceTicket(desk: Desk, context: TurnContext, ticket: DeskTicket): Promise<void> {
  const m = messages.attention;
  const first =
    ticket.kind === 'informative' ? m.informativeRegistered(ticket.number) : m.ticketRegistered(ticket.number, ticket.resolverGroup ?? UNCLASSIFIED_GROUP);
  const contactless = typeof ticket.requester.email !== 'string' && typeof ticket.requester.phone !== 'string';
  await context.sendActivities([say(first), say(contactless ? m.keepNumberNoContact : m.keepNumber)]);
  await desk.markAnnounced(ticket.id);
}
