import { ActivityTypes } from 'botbuilder';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { WaterfallDialog } from 'botbuilder-dialogs';
import type { Desk, PersonSlots } from '../../services/attention/desk';
import type { HandoffContext, HandoffPort } from '../../services/handoff/handoff-types';
import { parseEmail, parsePhone } from '../../services/script/contact';
import { parseImpact, parseUrgencyCue } from '../../services/script/impact';
import { parseYesNo } from '../../services/script/yes-no';
import { announceTicket, ask, channelFacts, formatPhone, say, turnKey, UNCLASSIFIED_GROUP } from '../attention/case';
import type { AwaitEventOptions } from '../directory/await-event.dialog';
import { type RecordedMessage, type RecordRequest, VOICE_CHANNEL, VOICE_EVENTS } from '../../services/voice/voice-types';
import { normalizeUtterance } from '../interruptible.dialog';
import { messages } from '../messages/es-MX';
import type { HandoffDialogOptions, HandoffDialogResult } from './handoff.dialog';

const m = messages.handoff;

/** Dialog ids of the fallback (part of the handoff dialog). */
export const FallbackIds = {
  offer: 'ventanilla.handoff.offer',
  describe: 'ventanilla.handoff.describe',
  contact: 'ventanilla.handoff.contact',
  phone: 'ventanilla.handoff.phone',
  when: 'ventanilla.handoff.when',
  prompt: 'ventanilla.handoff.prompt',
  message: 'ventanilla.handoff.message',
  await: 'ventanilla.handoff.await',
} as const;

/** Why nobody could attend. */
export type Unavailable = 'closed' | 'no_agents' | 'max_wait' | 'failed';
type Choice = 'ticket' | 'callback' | 'message' | 'none';

/** The fallback's state, carried in the options of its inner dialogs. */
interface Fallback extends HandoffDialogOptions {
  why: Unavailable;
  tries: number;
  description?: string;
  email?: string;
  phone?: string;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** «Registrar un reporte», «llámenme», «sí», «no, gracias» → what the person chose. */
export function parseOffer(answer: string, withTicket: boolean, voiceMessage = false): Choice | undefined {
  const folded = normalizeUtterance(answer);
  const labels: Array<[string, Choice]> = [[m.optionTicket, 'ticket'], [m.optionCallback, 'callback'], [m.optionNone, 'none'], [m.optionMessage, 'message']];
  const exact = labels.find(([label]) => normalizeUtterance(label) === folded);
  if (exact && (withTicket || exact[1] !== 'ticket') && (voiceMessage || exact[1] !== 'message')) return exact[1];
  if (/^(ninguna|ninguno|nada)\b|ninguna de las dos|ninguno de los dos/.test(folded)) return 'none';
  if (voiceMessage && /\b(mensaje|recado|grab)/.test(folded) && !/\bno\b.*\b(mensaje|recado)/.test(folded)) return 'message';
  const callback = /\b(llam|telefon|marque|marquen|hablen)/.test(folded) && !/\bno (me )?(llam|marqu|hablen)/.test(folded);
  const ticket = withTicket && /\b(reporte|ticket|tiket|folio|registr|levant)/.test(folded);
  if (callback !== ticket) return callback ? 'callback' : 'ticket';
  const yes = parseYesNo(answer);
  if (yes === undefined) return undefined;
  if (!yes) return 'none';
  return withTicket ? 'ticket' : 'callback';
}

/** The identification slots of a handoff context, as a ticket's requester. */
function slotsOf(person: HandoffContext['person']): PersonSlots {
  const p = person ?? {};
  const out: PersonSlots = {};
  for (const key of ['unitCode', 'unitName', 'role', 'extension', 'name', 'email', 'phone'] as const) {
    const value = text(p[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function answerOf(step: WaterfallStepContext<Fallback>): string {
  return typeof step.result === 'string' ? step.result.trim() : '';
}

function resultOf(o: HandoffDialogOptions, summary: string | null): HandoffDialogResult {
  return { summary, ...(o.profile !== undefined ? { profile: o.profile } : {}) };
}

/** Dependencies of {@link HandoffFallback}. */
export interface HandoffFallbackDeps {
  port: HandoffPort;
  clock: { now(): Date };
  timeZone: string;
  desk: Desk | undefined;
  /** «mañana a las diez» → when to call back; absent = the words only (placed as soon as the desk is open). */
  parseTime?: ((text: string, now: Date) => { at: Date; spoken: string; notice?: string } | null) | undefined;
}

function onPhone(step: WaterfallStepContext<Fallback>): boolean {
  return step.context.activity.channelId === VOICE_CHANNEL;
}

/**
 * When no agent can attend (desk closed, nobody online, the wait too long, the external hub failed): says why, then
 * offers a ticket prefilled from the conversation (the description and a contact are asked only when unknown) or a
 * call back (the phone only when unknown, then when they prefer), or neither. Ends the handoff dialog with the
 * summary for the farewell. Without a desk only the call back is offered.
 */
export class HandoffFallback {
  constructor(private readonly deps: HandoffFallbackDeps) {}

  /** The waterfalls the handoff dialog adds (it adds the text prompt {@link FallbackIds.prompt} itself). */
  dialogs(): WaterfallDialog<Fallback>[] {
    const waterfall = (id: string, ...steps: Array<(step: WaterfallStepContext<Fallback>) => Promise<DialogTurnResult>>) =>
      new WaterfallDialog<Fallback>(id, steps);
    return [
      waterfall(FallbackIds.offer, (s) => this.askOfferStep(s), (s) => this.offerStep(s)),
      waterfall(FallbackIds.describe, (s) => this.prompt(s, m.askDescription), (s) => this.descriptionStep(s)),
      waterfall(FallbackIds.contact, (s) => this.prompt(s, m.askContact, [m.noContactOption]), (s) => this.contactStep(s)),
      waterfall(FallbackIds.phone, (s) => this.prompt(s, s.options.tries > 0 ? m.phoneRetry : m.askPhone), (s) => this.phoneStep(s)),
      waterfall(FallbackIds.when, (s) => this.prompt(s, m.askWhen(formatPhone(s.options.phone ?? '')), m.whenOptions), (s) => this.whenStep(s)),
      waterfall(FallbackIds.message, (s) => this.recordStep(s), (s) => this.recordedStep(s)),
    ];
  }

  /** Says why nobody can attend and makes the offer (replacing the running waterfall of the handoff dialog). */
  async begin(step: WaterfallStepContext<HandoffDialogOptions>, o: HandoffDialogOptions, why: Unavailable, nextOpening?: string): Promise<DialogTurnResult> {
    const said = why === 'closed' ? m.closed(nextOpening) : why === 'no_agents' ? m.noAgents : why === 'max_wait' ? m.maxWait : m.failed;
    await step.context.sendActivity(say(said));
    const { signal: _signal, ...rest } = o;
    const next: Fallback = { ...rest, why, tries: 0 };
    return step.replaceDialog(FallbackIds.offer, next);
  }

  private prompt(step: WaterfallStepContext<Fallback>, question: string, buttons: readonly string[] = []): Promise<DialogTurnResult> {
    return step.prompt(FallbackIds.prompt, { prompt: ask(question, buttons) });
  }

  private async askOfferStep(step: WaterfallStepContext<Fallback>): Promise<DialogTurnResult> {
    const retry = step.options.tries > 0;
    // On the phone a spoken description is hard to take word by word: the caller leaves a voice message instead.
    if (this.deps.desk && onPhone(step)) return this.prompt(step, retry ? m.offerVoiceRetry : m.offerVoice, [m.optionMessage, m.optionCallback, m.optionNone]);
    if (this.deps.desk) return this.prompt(step, retry ? m.offerRetry : m.offer, [m.optionTicket, m.optionCallback, m.optionNone]);
    return this.prompt(step, retry ? m.offerCallbackOnlyRetry : m.offerCallbackOnly, [messages.attention.yes, messages.attention.no]);
  }

  private async offerStep(step: WaterfallStepContext<Fallback>): Promise<DialogTurnResult> {
    const f = step.options;
    const voice = this.deps.desk !== undefined && onPhone(step);
    const choice = parseOffer(answerOf(step), this.deps.desk !== undefined && !voice, voice);
    if (choice === undefined && f.tries === 0) return step.replaceDialog(FallbackIds.offer, { ...f, tries: 1 });
    if (choice === 'message') return step.replaceDialog(FallbackIds.message, { ...f, tries: 0 });
    if (choice === 'ticket') return this.ticketPath(step, { ...f, tries: 0 });
    if (choice === 'callback') return this.callbackPath(step, { ...f, tries: 0 });
    await step.context.sendActivity(say(m.declined));
    return step.endDialog(resultOf(f, null));
  }

  // ---- ticket ------------------------------------------------------------------------------------------------------

  /** The description (unless the conversation gave one), a contact (unless one is known), then register. */
  private async ticketPath(step: WaterfallStepContext<Fallback>, f: Fallback): Promise<DialogTurnResult> {
    if (!f.ticket && f.description === undefined) return step.replaceDialog(FallbackIds.describe, f);
    const person = f.context.person ?? {};
    const known = [f.email, f.phone, person.email, person.phone].some((v) => typeof v === 'string' && v !== '');
    if (!known && f.tries === 0) return step.replaceDialog(FallbackIds.contact, f);
    return this.register(step, f);
  }

  private async descriptionStep(step: WaterfallStepContext<Fallback>): Promise<DialogTurnResult> {
    const f = step.options;
    const said = answerOf(step).slice(0, 2000);
    const request = f.context.request?.trim() ?? '';
    const description = [request, said].filter((part) => part !== '').join(' — ') || '(sin descripción)';
    return this.ticketPath(step, { ...f, description });
  }

  private async contactStep(step: WaterfallStepContext<Fallback>): Promise<DialogTurnResult> {
    const f = step.options;
    const answer = answerOf(step);
    const options = { now: this.deps.clock.now(), timeZone: this.deps.timeZone, ticketPrefix: this.deps.desk?.ticketPrefix, asked: false };
    const email = parseEmail(answer, options);
    const phone = parsePhone(answer, options);
    // One question only: without a usable answer the ticket is registered as it is (the resolver finds them by unit).
    return this.register(step, {
      ...f,
      tries: 1,
      ...(email.status === 'found' ? { email: email.value } : {}),
      ...(phone.status === 'found' ? { phone: phone.value } : {}),
    });
  }

  // ---- voice message (phone) -----------------------------------------------------------------------------------------

  /** The phone adapter records after the tone and reports `recorded` with the recording's address. */
  private async recordStep(step: WaterfallStepContext<Fallback>): Promise<DialogTurnResult> {
    const request: RecordRequest = { maxSeconds: 120, purpose: 'handoff_message' };
    const options: AwaitEventOptions = {
      send: [say(m.recordPrompt), { type: ActivityTypes.Event, name: VOICE_EVENTS.record, value: request }],
      event: VOICE_EVENTS.recorded,
    };
    return step.beginDialog(FallbackIds.await, options);
  }

  private async recordedStep(step: WaterfallStepContext<Fallback>): Promise<DialogTurnResult> {
    const f = step.options;
    const recorded = step.result as RecordedMessage | undefined;
    if (!recorded?.url || recorded.durationSeconds < 1) {
      await step.context.sendActivity(say(m.noMessage));
      return step.endDialog(resultOf(f, null));
    }
    const heard = m.voiceMessageDescription(recorded.url, recorded.durationSeconds);
    const request = f.context.request?.trim() ?? '';
    const description = [f.ticket?.description ?? request, heard].filter((part) => part !== '').join(' — ');
    const ticket = f.ticket ? { ...f.ticket, description } : undefined;
    return this.register(step, { ...f, description, ...(ticket ? { ticket } : {}) });
  }

  private async register(step: WaterfallStepContext<Fallback>, f: Fallback): Promise<DialogTurnResult> {
    const desk = this.deps.desk;
    if (!desk) return this.callbackPath(step, f);
    const { activity } = step.context;
    const draft = f.ticket;
    const description = draft?.description ?? f.description ?? f.context.request ?? '';
    const requester: PersonSlots = { ...slotsOf(f.context.person), ...(f.email ? { email: f.email } : {}), ...(f.phone ? { phone: f.phone } : {}) };
    const { ticket } = await desk.registerTicket({
      kind: draft?.kind ?? 'request',
      serviceCode: draft?.serviceCode ?? null,
      serviceName: draft?.serviceName ?? null,
      resolverGroup: draft?.resolverGroup ?? f.resolverGroup ?? UNCLASSIFIED_GROUP,
      requesterId: f.context.requesterId ?? null,
      requester,
      channel: activity.channelId,
      conversationId: activity.conversation.id,
      description,
      diagnostics: draft?.diagnostics ?? [],
      urgency: draft?.urgency ?? parseUrgencyCue(description) ?? 'medium',
      impact: draft?.impact ?? parseImpact(description) ?? 'minor',
      // The inbound activity that completed the request: a retried delivery finds this same ticket.
      idempotencyKey: `handoff:${turnKey(step.context)}`,
    });
    await announceTicket(desk, step.context, ticket);
    const a = messages.attention;
    const summary =
      ticket.kind === 'informative' ? a.summaryInformative(ticket.number) : a.summaryTicket(ticket.number, ticket.serviceName ?? a.unclassifiedService);
    return step.endDialog(resultOf(f, summary));
  }

  // ---- call back ---------------------------------------------------------------------------------------------------

  private async callbackPath(step: WaterfallStepContext<Fallback>, f: Fallback): Promise<DialogTurnResult> {
    const known = f.phone ?? text(f.context.person?.phone) ?? channelFacts(step.context).phone;
    return step.replaceDialog(known ? FallbackIds.when : FallbackIds.phone, { ...f, ...(known ? { phone: known } : {}), tries: 0 });
  }

  private async phoneStep(step: WaterfallStepContext<Fallback>): Promise<DialogTurnResult> {
    const f = step.options;
    const options = { now: this.deps.clock.now(), timeZone: this.deps.timeZone, ticketPrefix: this.deps.desk?.ticketPrefix, asked: true };
    const phone = parsePhone(answerOf(step), options);
    if (phone.status === 'found') return step.replaceDialog(FallbackIds.when, { ...f, phone: phone.value, tries: 0 });
    if (phone.status !== 'none' && f.tries === 0) return step.replaceDialog(FallbackIds.phone, { ...f, tries: 1 });
    await step.context.sendActivity(say(m.noPhone));
    return step.endDialog(resultOf(f, null));
  }

  private async whenStep(step: WaterfallStepContext<Fallback>): Promise<DialogTurnResult> {
    const f = step.options;
    const answer = answerOf(step);
    // «Mejor al 55 8765 4321, en la tarde»: another number said here replaces the one on file.
    const options = { now: this.deps.clock.now(), timeZone: this.deps.timeZone, ticketPrefix: this.deps.desk?.ticketPrefix, asked: false };
    const other = parsePhone(answer, options);
    const phone = other.status === 'found' ? other.value : (f.phone ?? '');
    const parsed = answer !== '' ? (this.deps.parseTime?.(answer, this.deps.clock.now()) ?? null) : null;
    const preferredTime = parsed?.spoken ?? (answer.slice(0, 200) || null);
    const { activity } = step.context;
    await this.deps.port.requestCallback({
      conversationId: activity.conversation.id,
      channel: activity.channelId,
      requesterId: f.context.requesterId ?? null,
      name: text(f.context.person?.name) ?? null,
      phone,
      preferredTime,
      resolverGroup: f.resolverGroup ?? null,
      reason: f.why,
      ...(parsed ? { scheduledAt: parsed.at } : {}),
    });
    await step.context.sendActivity(say(m.callbackStored(formatPhone(phone), preferredTime)));
    return step.endDialog(resultOf(f, m.summaryCallback(formatPhone(phone))));
  }
}
