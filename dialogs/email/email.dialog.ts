import { InputHints, MessageFactory, type TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { Desk, DeskTicket, PersonSlots } from '../../services/attention/desk';
import type { CatalogServiceDef } from '../../services/catalog/catalog-format';
import type { HandoffPort, HandoffSignal } from '../../services/handoff/handoff-types';
import { HANDOFF_EVENT_PREFIX } from '../../services/handoff/handoff-types';
import type { HandoffDecision } from '../../services/handoff/triggers';
import { isVague } from '../../services/nlu/vagueness';
import { URGENCY_LEVELS, type Urgency } from '../../services/tickets/priority';
import { channelFacts, identityOf, turnKey, UNCLASSIFIED_GROUP } from '../attention/case';
import { statusText } from '../attention/status-lookup';
import type { SlotName, Understanding } from '../attention/understanding';
import { normalizeUtterance } from '../interruptible.dialog';
import { HANDOFF_TRIGGERED } from '../main.dialog';
import { messages } from '../messages/es-MX';

const m = messages.email;

/** Where an e-mail thread stands. */
type Stage = 'collecting' | 'handoff' | 'registered' | 'done';

/** What the e-mail thread knows (kept in the dialog's state between the person's messages). */
export interface EmailCase {
  stage: Stage;
  /** The request in the person's words (subject and first message, plus what they added while we asked). */
  request: string;
  slots: PersonSlots;
  requesterId: string | null;
  /** The slots the last reply asked for: a bare answer («Juan Pérez») counts for them. */
  asked: SlotName[];
  /** Replies that asked for something; after {@link MAX_ASKS} the request is registered with what there is. */
  asks: number;
  serviceCode?: string;
  /** «¿Se refiere a…?» was asked with these services (by code). */
  choices?: string[];
  /** The person was asked to describe the problem better. */
  clarifyAsked?: boolean;
  unclassified?: boolean;
  ticketNumber?: string;
}

/** Two replies asking for data at most: then the request is registered with what the person gave. */
const MAX_ASKS = 2;
/** Required to register: who the person is (FO-CAU-01-01); the sender's address is the contact. */
const REQUIRED: readonly SlotName[] = ['name', 'unit', 'role'];
const ROLES_WITH_EXTENSION = new Set(['docente', 'administrativo']);
const NOT_GIVEN = 'Sin especificar';

export const EMAIL_DIALOG_ID = 'ventanilla.email';

/** Constructor dependencies of {@link EmailDialog}. */
export interface EmailDialogDeps {
  desk: Desk;
  understanding: Understanding;
  /** Live agents; without it, a request for a person is registered as a ticket. */
  handoff?: HandoffPort | undefined;
}

/** «Es una falla» / «solicito…» in the person's words. */
function kindIn(text: string): 'incident' | 'request' | undefined {
  const folded = normalizeUtterance(text);
  const fault = /\b(falla|fallo|descompuest|no funciona|no sirve|no imprime|no prende|no enciende|dejo de|error|averi|se cae|no abre|no puedo)/.test(folded);
  const request = /\b(peticion|solicitud|solicito|necesito|quiero|nuev[oa]|instal|alta|configur)/.test(folded);
  if (fault === request) return undefined;
  return fault ? 'incident' : 'request';
}

function say(text: string) {
  return MessageFactory.text(text, text, InputHints.IgnoringInput);
}

/**
 * The attention script for e-mail: an e-mail is a whole request, so each message is read in full (who writes, what
 * they need, anything they add), the request is routed against the catalog, and the reply either registers it at once
 * (ticket or `CAU_INFORMATIVO_04A` record, with the self-help steps of a fault), orients an out-of-scope request, tells
 * a ticket's status to its requester, or asks — in one reply, as a numbered list — only for what is still missing.
 * Later messages in the same thread are added to the ticket as notes. A request for a person queues the thread for an
 * agent, who answers by e-mail; when nobody can take it, it becomes a ticket.
 */
export class EmailDialog extends Dialog {
  constructor(private readonly deps: EmailDialogDeps) {
    super(EMAIL_DIALOG_ID);
    if (!deps?.desk) throw new Error('EmailDialog: desk is required');
    if (!deps.understanding) throw new Error('EmailDialog: understanding is required');
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    dc.activeDialog!.state.case = await this.start(dc.context);
    return this.continueDialog(dc);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as { case?: EmailCase; replied?: { id: string; texts: string[] } };
    const c: EmailCase = state.case ?? (await this.start(dc.context));
    const activity = dc.context.activity;
    if (activity.type === 'event' && (activity.name ?? '').startsWith(HANDOFF_EVENT_PREFIX)) {
      state.case = await this.onSignal(dc.context, c, activity.value as HandoffSignal);
      return Dialog.EndOfTurn;
    }
    if (activity.type !== 'message') return Dialog.EndOfTurn;
    // The same message again (read again after a crash that came after this state was saved): the same reply.
    const last = state.replied;
    if (activity.id && last?.id === activity.id) {
      await dc.context.sendActivities(last.texts.map((t) => say(t)));
      return Dialog.EndOfTurn;
    }
    const texts: string[] = [];
    dc.context.onSendActivities(async (_ctx, activities, next) => {
      for (const a of activities) if (a.type === 'message' && typeof a.text === 'string') texts.push(a.text);
      return next();
    });
    state.case = await this.onMessage(dc.context, c, (activity.text ?? '').trim());
    if (activity.id) state.replied = { id: activity.id, texts };
    return Dialog.EndOfTurn;
  }

  /** A new thread: what is known of the sender (an earlier request, or the address itself). */
  private async start(context: TurnContext): Promise<EmailCase> {
    const identity = identityOf(context);
    const known = identity && !unverifiedSender(context) ? await this.deps.desk.findPerson(identity) : null;
    const facts: PersonSlots = { ...channelFacts(context) };
    // «Ana López Pérez <ana@…>»: the sender's display name, when it is a full name.
    const display = (context.activity.from?.name ?? '').replace(/["']/g, '').trim();
    if (!known?.slots.name && /^\p{L}[\p{L}.'-]*(\s+\p{L}[\p{L}.'-]*){1,4}$/u.test(display)) facts.name = display;
    return {
      stage: 'collecting',
      request: '',
      slots: { ...(known?.slots ?? {}), ...facts },
      requesterId: known?.id ?? null,
      asked: [],
      asks: 0,
    };
  }

  private async onMessage(context: TurnContext, previous: EmailCase, text: string): Promise<EmailCase> {
    const subject = subjectOf(context);
    let c: EmailCase = { ...previous, slots: { ...previous.slots } };
    if (c.stage === 'done') c = { ...(await this.start(context)), slots: { ...c.slots }, requesterId: c.requesterId };
    const words = [subject, text].filter((s) => s !== '').join('\n');
    if (words === '') {
      await context.sendActivity(say(m.empty));
      return c;
    }
    // A ticket named in any message of the thread: its status, and what else the message says goes on that ticket.
    const numbers = this.deps.understanding.ticketNumbers(words);
    if (numbers.length > 0 && (c.stage !== 'registered' || !numbers.includes(c.ticketNumber ?? ''))) {
      const more = !this.deps.understanding.isStatusQuestion(text) && wordCount(text) > 12;
      return this.status(context, c, numbers[0]!, more ? text : null);
    }
    if (c.stage === 'registered' && c.ticketNumber) {
      if (this.deps.understanding.isStatusQuestion(text)) return this.status(context, c, c.ticketNumber);
      await this.deps.desk.addRequesterNote?.(c.ticketNumber, text.slice(0, 4000));
      await context.sendActivity(say(m.addedToTicket(c.ticketNumber)));
      return c;
    }
    if (c.stage === 'handoff') return c; // the agent reads it in the transcript
    if (c.request === '' && this.deps.understanding.isStatusQuestion(words)) {
      await context.sendActivity(say(m.noTicketNumber));
      return { ...c, stage: 'done' };
    }
    const triggered = context.turnState.get(HANDOFF_TRIGGERED) as HandoffDecision | undefined;

    // What this message says about the person and the request.
    const firstMessage = c.request === '';
    const parsed = this.deps.understanding.identification(text, firstMessage ? undefined : c.asked);
    this.absorb(c, parsed);
    if (firstMessage) {
      c.request = words.slice(0, 4000);
    } else if (c.choices) {
      const picked = this.pick(c, text);
      delete c.choices;
      if (picked) c.serviceCode = picked;
      else if (!isVague(text) && text.split(/\s+/).length > 3) c.request = `${c.request}\n${text}`.slice(0, 4000);
    } else if (c.clarifyAsked && !c.serviceCode) {
      c.request = `${c.request}\n${text}`.slice(0, 4000);
    }

    if (triggered) return this.handOver(context, c, triggered);

    // Route the request once (and again while it is unclear).
    if (!c.serviceCode && !c.unclassified) {
      const routed = await this.route(context, c);
      if (routed) return routed;
    }
    const service = this.service(c.serviceCode);
    if (service?.requiresAgent === true && this.deps.handoff) {
      return this.handOver(context, c, { reason: 'requires_agent', reasons: ['requires_agent'], message: '', score: 1, cues: [] } as HandoffDecision);
    }
    return this.registerOrAsk(context, c, service);
  }

  /** Routes `c.request`; returns the finished case when the reply is already written (out of scope, a question). */
  private async route(context: TurnContext, c: EmailCase): Promise<EmailCase | null> {
    const desk = this.deps.desk;
    if (!desk.catalog) {
      await context.sendActivity(say(messages.turnError));
      return c;
    }
    const decision = desk.route(c.request);
    const vague = isVague(c.request) && (decision.decision === 'out_of_scope' || (decision.decision !== 'ambiguous' && decision.confidence < 0.2));
    if (vague) {
      if (c.clarifyAsked) {
        c.unclassified = true;
        return null;
      }
      c.clarifyAsked = true;
      await this.ask(context, c, m.clarify);
      return c;
    }
    if (decision.decision === 'out_of_scope') {
      const catalog = desk.catalog;
      await context.sendActivities(
        [catalog.referral.message, messages.attention.referralPhone(catalog.referral.phone), messages.attention.outOfScopeApology].map((t) => say(t)),
      );
      await this.record(context, c, 'out_of_scope', null);
      return { ...c, stage: 'done', asked: [] };
    }
    if (decision.decision === 'ambiguous' && decision.code && !c.choices) {
      const codes = [decision.code, ...decision.alternatives.map((a) => a.code)].filter((code) => this.service(code) !== undefined).slice(0, 3);
      if (codes.length > 1 && c.asks < MAX_ASKS) {
        c.choices = codes;
        const names = codes.map((code) => this.service(code)?.name ?? code);
        await this.ask(context, c, m.whichService(names));
        return c;
      }
    }
    const code = decision.code && this.service(decision.code) ? decision.code : undefined;
    if (code) c.serviceCode = code;
    else c.unclassified = true;
    return null;
  }

  /** Registers when the person is identified (or after asking twice); otherwise asks for everything missing at once. */
  private async registerOrAsk(context: TurnContext, c: EmailCase, service: CatalogServiceDef | undefined): Promise<EmailCase> {
    const missing = this.missing(c);
    const required = missing.filter((slot) => REQUIRED.includes(slot));
    if (required.length > 0 && c.asks < MAX_ASKS) {
      if (service && c.asks === 0) await context.sendActivity(say(messages.attention.understood(service.name)));
      await this.ask(context, c, null, missing);
      return c;
    }
    return this.register(context, c, service);
  }

  private async register(context: TurnContext, c: EmailCase, service: CatalogServiceDef | undefined): Promise<EmailCase> {
    const desk = this.deps.desk;
    const slots: PersonSlots = { ...c.slots };
    if (!slots.name) slots.name = NOT_GIVEN;
    if (!slots.unitName) slots.unitName = NOT_GIVEN;
    const identity = identityOf(context);
    // A forged From (the sender's domain failed DMARC/SPF) must not change anyone's record.
    if (identity && !unverifiedSender(context)) {
      const stored: PersonSlots = { ...c.slots };
      delete stored.noExtension;
      c.requesterId = await desk.savePerson(identity, stored);
    }
    const kind: DeskTicket['kind'] =
      service?.scope === 'informative'
        ? 'informative'
        : service?.kind === 'fault'
          ? 'incident'
          : service?.kind === 'request'
            ? 'request'
            : (kindIn(c.request) ?? 'incident');
    const { noExtension: _n, ...requester } = slots;
    const { ticket } = await desk.registerTicket({
      kind,
      serviceCode: service?.code ?? null,
      serviceName: service?.name ?? null,
      resolverGroup: service?.resolverGroup ?? UNCLASSIFIED_GROUP,
      requesterId: c.requesterId,
      requester,
      channel: context.activity.channelId,
      conversationId: context.activity.conversation.id,
      description: c.request,
      diagnostics: [],
      urgency: kind === 'informative' ? 'low' : this.urgency(service, c.request),
      impact: kind === 'informative' ? 'minor' : (this.deps.understanding.impact(c.request) ?? 'minor'),
      idempotencyKey: turnKey(context),
    });
    const lines: string[] = [];
    if (kind === 'informative') {
      if (service && service.selfHelp.length > 0) lines.push(numbered(messages.attention.informationIntro, service.selfHelp));
      lines.push(messages.attention.informativeRegistered(ticket.number));
    } else {
      lines.push(messages.attention.ticketRegistered(ticket.number, ticket.resolverGroup ?? UNCLASSIFIED_GROUP));
      if (kind === 'incident' && service && service.selfHelp.length > 0) lines.push(numbered(m.meanwhile, service.selfHelp));
    }
    lines.push(m.keepNumber);
    await context.sendActivities(lines.map((t) => say(t)));
    await desk.markAnnounced(ticket.id);
    return { ...c, stage: 'registered', ticketNumber: ticket.number, asked: [] };
  }

  /** One reply that asks for everything still missing (and, first, `question`). */
  private async ask(context: TurnContext, c: EmailCase, question: string | null, missing: SlotName[] = this.missing(c)): Promise<void> {
    const items = missing.map((slot) => m.slotQuestions[slot]);
    const parts: string[] = [];
    if (question) parts.push(question);
    if (items.length > 0) parts.push(numbered(c.asks > 0 && !question ? m.stillMissing : m.needData, items));
    parts.push(m.replyToThis);
    await context.sendActivities(parts.map((t) => say(t)));
    c.asked = missing;
    c.asks += 1;
  }

  /** The slots still unknown, in the order of the attention script (extension only for staff; phone optional). */
  private missing(c: EmailCase): SlotName[] {
    const s = c.slots;
    const out: SlotName[] = [];
    if (!s.name) out.push('name');
    if (!s.unitName) out.push('unit');
    if (!s.role) out.push('role');
    if (s.role && ROLES_WITH_EXTENSION.has(s.role) && !s.extension && !s.noExtension) out.push('extension');
    if (!s.phone && c.asks === 0) out.push('phone');
    if (!s.email) out.push('email');
    return out;
  }

  private absorb(c: EmailCase, parsed: ReturnType<Understanding['identification']>): void {
    const s = c.slots;
    const unit = parsed.unit ?? parsed.unitCandidate ?? (parsed.unitOptions?.length === 1 ? parsed.unitOptions[0] : undefined);
    if (unit && !s.unitName) {
      s.unitCode = unit.code;
      s.unitName = unit.name;
    }
    if (parsed.role && !s.role) s.role = parsed.role;
    if (parsed.extension) s.extension = parsed.extension;
    if (parsed.noExtension && !s.extension) s.noExtension = true;
    if (parsed.name && !s.name) s.name = parsed.name;
    if (parsed.phone && !s.phone) s.phone = parsed.phone;
    if (parsed.email && !s.email) s.email = parsed.email;
  }

  /**
   * The status of a ticket, told only to its requester: the same requester, or a message from the address on file (the
   * reply goes to that address anyway). `note`: what else the message said, added to the ticket.
   */
  private async status(context: TurnContext, c: EmailCase, number: string, note: string | null = null): Promise<EmailCase> {
    const ticket = await this.deps.desk.findTicket(number);
    const sender = unverifiedSender(context) ? undefined : channelFacts(context).email;
    const onFile = typeof ticket?.requester.email === 'string' ? ticket.requester.email.toLowerCase() : undefined;
    const owner =
      ticket !== null &&
      ((ticket.requesterId !== null && ticket.requesterId === c.requesterId) ||
        ticket.conversationId === context.activity.conversation.id ||
        (sender !== undefined && onFile === sender));
    if (!ticket || !owner) {
      await context.sendActivity(say(messages.attention.statusRefused));
      return c.stage === 'collecting' && c.request === '' ? { ...c, stage: 'done' } : c;
    }
    await context.sendActivity(say(statusText(ticket, this.deps.desk.timeZone)));
    if (note) {
      await this.deps.desk.addRequesterNote?.(ticket.number, note.slice(0, 4000));
      await context.sendActivity(say(m.statusAndNote(ticket.number)));
    }
    await this.record(context, c, 'status_lookup', ticket.id);
    return c.stage === 'collecting' && c.request === '' ? { ...c, stage: 'done' } : c;
  }

  /** Queues the thread for an agent (who answers by e-mail); when nobody can take it, registers a ticket instead. */
  private async handOver(context: TurnContext, c: EmailCase, decision: HandoffDecision): Promise<EmailCase> {
    const port = this.deps.handoff;
    const service = this.service(c.serviceCode);
    if (!port) return this.registerOrAsk(context, c, service);
    const outcome = await port.request({
      conversationId: context.activity.conversation.id,
      channel: context.activity.channelId,
      reason: decision.reason,
      resolverGroup: service?.resolverGroup ?? null,
      priority: decision.reason === 'critical' ? 2 : decision.reason === 'distress' ? 1 : 0,
      context: {
        request: c.request,
        person: { ...c.slots, noExtension: c.slots.noExtension ?? null },
        requesterId: c.requesterId,
        ...(service ? { route: { decision: 'service', code: service.code, name: service.name, confidence: 1 } } : {}),
        cues: decision.cues,
      },
    });
    if (outcome.kind === 'unavailable') {
      await context.sendActivity(say(m.noAgents));
      return this.register(context, { ...c, asks: MAX_ASKS }, service);
    }
    await context.sendActivity(say(m.queued));
    return { ...c, stage: 'handoff', asked: [] };
  }

  /** The handoff service's news for this thread: only what changes something for the person is written. */
  private async onSignal(context: TurnContext, c: EmailCase, signal: HandoffSignal | undefined): Promise<EmailCase> {
    if (!signal || c.stage !== 'handoff') return c;
    switch (signal.kind) {
      case 'accepted':
        return c; // the agent writes
      case 'returned':
      case 'closed':
        return signal.ticketNumber ? { ...c, stage: 'registered', ticketNumber: signal.ticketNumber } : { ...c, stage: 'done' };
      case 'unavailable':
      case 'failed':
        await context.sendActivity(say(m.noAgents));
        return this.register(context, { ...c, asks: MAX_ASKS }, this.service(c.serviceCode));
    }
  }

  private async record(context: TurnContext, c: EmailCase, outcome: 'out_of_scope' | 'status_lookup', ticketId: string | null): Promise<void> {
    await this.deps.desk.recordOutcome({
      conversationId: context.activity.conversation.id,
      channel: context.activity.channelId,
      outcome,
      requesterId: c.requesterId,
      unitCode: c.slots.unitCode ?? null,
      serviceCode: c.serviceCode ?? null,
      ticketId,
      description: c.request || null,
      idempotencyKey: `${outcome}:${turnKey(context)}`,
    });
  }

  /** The service the answer to «¿Se refiere a…?» names: its number or (part of) its name. */
  private pick(c: EmailCase, text: string): string | undefined {
    const codes = c.choices ?? [];
    const folded = normalizeUtterance(text);
    const digit = /^\s*(\d)\b/.exec(folded)?.[1];
    if (digit) return codes[Number(digit) - 1];
    return codes.find((code) => {
      const name = normalizeUtterance(this.service(code)?.name ?? '');
      return name !== '' && folded.includes(name);
    });
  }

  private urgency(service: CatalogServiceDef | undefined, text: string): Urgency {
    const base: Urgency = service?.defaultUrgency ?? 'medium';
    const cue = this.deps.understanding.urgencyCue(text);
    if (!cue) return base;
    return URGENCY_LEVELS.indexOf(cue) < URGENCY_LEVELS.indexOf(base) ? cue : base;
  }

  private service(code: string | null | undefined): CatalogServiceDef | undefined {
    if (!code) return undefined;
    return this.deps.desk.catalog?.services.find((s) => s.code === code && s.active);
  }
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}

/** The receiving server found the From forged (see the e-mail channel's `senderUnverified`). */
function unverifiedSender(context: TurnContext): boolean {
  return (context.activity.channelData as { senderUnverified?: unknown } | undefined)?.senderUnverified === true;
}

function numbered(intro: string, lines: readonly string[]): string {
  return [intro, ...lines.map((text, i) => `${i + 1}. ${text}`)].join('\n');
}

/** The subject, unless it says nothing («Re:», «hola», «solicitud»). */
function subjectOf(context: TurnContext): string {
  const data = (context.activity.channelData ?? {}) as { subject?: unknown };
  const raw = typeof data.subject === 'string' ? data.subject : '';
  const subject = raw.replace(/^\s*((re|rv|fw|fwd)\s*:\s*)+/i, '').trim();
  const folded = normalizeUtterance(subject);
  if (folded === '' || /^(hola|buen(os|as)? (dias|tardes|noches)|solicitud|ayuda|consulta|urgente|sin asunto|reporte|duda)$/.test(folded)) return '';
  return subject;
}
