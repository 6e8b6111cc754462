import { ActionTypes, InputHints, MessageFactory } from 'botbuilder';
import type { Activity, TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  DialogContext,
  DialogTurnResult,
  TextPrompt,
  WaterfallDialog,
  WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { CatalogServiceDef } from '../../services/catalog/catalog-format';
import type { Desk, DeskTicket, PersonIdentity, PersonSlots } from '../../services/attention/desk';
import { isVague } from '../../services/nlu/vagueness';
import { URGENCY_LEVELS, type Impact, type Urgency } from '../../services/tickets/priority';
import { STATUS_LABELS } from '../../services/tickets/ticket.service';
import { normalizeUtterance } from '../interruptible.dialog';
import type { RequestDialogOptions, RequestDialogResult } from '../main.dialog';
import { messages } from '../messages/es-MX';
import type { ParsedSlots, SlotName, Understanding } from './understanding';

const m = messages.attention;

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
} as const;

/** What the conversation knows about the person, carried from one request to the next. */
export interface Profile {
  requesterId: string | null;
  slots: PersonSlots;
  /** The stored record was looked up. */
  loaded: boolean;
  /** Data came from an earlier conversation and was not confirmed yet. */
  unconfirmed: boolean;
}

type SlotGroup = 'identification' | 'contact';

/** One request being attended: carried between the inner dialogs in their options (so it lives in dialog state). */
interface Case {
  request: string;
  profile: Profile;
  clarified: boolean;
  serviceCode?: string;
  /** Codes offered in «¿Se refiere a …?». */
  choices?: string[];
  kind?: 'incident' | 'request' | 'informative';
  diagnostics: { id: string; question: string; answer: string }[];
  impact?: Impact;
  /** Slot filling: which group, what to do next, tries per slot, a candidate unit and a problem to say first. */
  group?: SlotGroup;
  after?: string;
  tries: Partial<Record<SlotName | 'confirm' | 'changed' | 'answer', number>>;
  awaiting?: SlotName | 'unitConfirm' | 'confirm' | 'changed';
  unitCandidate?: { code: string; name: string };
  /** Several units match («la ESIME»): which one. */
  unitChoices?: Array<{ code: string; name: string }>;
  /** A mistyped address and the one probably meant. */
  emailSuggestion?: string;
  problem?: string;
  /** Status lookup. */
  ticketNumber?: string;
}

/** Constructor dependencies of {@link AttentionDialog}. */
export interface AttentionDialogDeps {
  desk: Desk;
  understanding: Understanding;
}

const ROLES_WITH_EXTENSION = new Set(['docente', 'administrativo']);
const MAX_TRIES = 2;

function emptyProfile(): Profile {
  return { requesterId: null, slots: {}, loaded: false, unconfirmed: false };
}

function isProfile(value: unknown): value is Profile {
  return typeof value === 'object' && value !== null && 'slots' in value && 'loaded' in value;
}

function say(text: string, hint: InputHints = InputHints.IgnoringInput): Partial<Activity> {
  return MessageFactory.text(text, text, hint);
}

/** A question with buttons (Web Chat shows them; voice reads them as a menu). */
function ask(text: string, options: readonly string[] = []): Partial<Activity> {
  const activity = MessageFactory.text(text, text, InputHints.ExpectingInput);
  if (options.length > 0) {
    activity.suggestedActions = {
      to: [],
      actions: options.map((title) => ({ type: ActionTypes.ImBack, title, value: title })),
    };
  }
  return activity;
}

function answerText(step: WaterfallStepContext<Case>): string {
  return typeof step.result === 'string' ? step.result.trim() : '';
}

function identityOf(context: TurnContext): PersonIdentity | null {
  const { channelId, from } = context.activity;
  return channelId && from?.id ? { kind: channelId, value: from.id } : null;
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

function formatPhone(phone: string): string {
  return phone.length === 10 ? `${phone.slice(0, 2)} ${phone.slice(2, 6)} ${phone.slice(6)}` : phone;
}

/**
 * The attention script (FO-CAU-01-01) and the routing outcomes of PR-CAU-01 for one request:
 * status lookup; route the request against the published catalog (clarify when unclear, «¿Se refiere a…?» when
 * ambiguous); out of scope → referral and apology; otherwise identify the person (unit, role, extension — only what
 * is unknown, confirming what an earlier conversation left), then: informative → `CAU_INFORMATIVO_04A` record;
 * fault → the service's diagnostic questions, its self-help steps and «¿Se resolvió?»; request (or unresolved
 * fault) → impact, contact data and a ticket. Ends with a {@link RequestDialogResult} whose summary goes into the
 * farewell.
 */
export class AttentionDialog extends ComponentDialog<RequestDialogOptions> {
  private readonly desk: Desk;
  private readonly understanding: Understanding;

  constructor(deps: AttentionDialogDeps) {
    super(AttentionIds.main);
    if (!deps?.desk) throw new Error('AttentionDialog: desk is required');
    if (!deps.understanding) throw new Error('AttentionDialog: understanding is required');
    this.desk = deps.desk;
    this.understanding = deps.understanding;

    this.addDialog(new TextPrompt(AttentionIds.prompt));
    const waterfall = (id: string, ...steps: Array<(step: WaterfallStepContext<Case>) => Promise<DialogTurnResult>>) =>
      this.addDialog(new WaterfallDialog<Case>(id, steps.map((s) => s.bind(this))));
    waterfall(AttentionIds.triage, this.triageStep);
    waterfall(AttentionIds.clarify, this.askClarifyStep, this.clarifiedStep);
    waterfall(AttentionIds.choose, this.askChoiceStep, this.choiceStep);
    waterfall(AttentionIds.slots, this.askSlotStep, this.slotAnswerStep);
    waterfall(AttentionIds.treat, this.treatStep);
    waterfall(AttentionIds.kind, this.askKindStep, this.kindStep);
    waterfall(AttentionIds.diagnose, this.askDiagnosticStep, this.diagnosticStep);
    waterfall(AttentionIds.selfHelp, this.offerSelfHelpStep, this.resolvedStep);
    waterfall(AttentionIds.impact, this.askImpactStep, this.impactStep);
    waterfall(AttentionIds.register, this.registerStep);
    waterfall(AttentionIds.status, this.askTicketNumberStep, this.ticketNumberStep);
    waterfall(AttentionIds.verify, this.askVerifyStep, this.verifyStep);
    this.initialDialogId = AttentionIds.triage;
  }

  protected override async onBeginDialog(innerDc: DialogContext, options?: RequestDialogOptions): Promise<DialogTurnResult> {
    const start: Case = {
      request: options?.request ?? '',
      profile: isProfile(options?.profile) ? options.profile : emptyProfile(),
      clarified: false,
      diagnostics: [],
      tries: {},
    };
    return innerDc.beginDialog(AttentionIds.triage, start);
  }

  // ---- triage ---------------------------------------------------------------------------------------------------

  /** Status lookup, or route the request and branch on the decision. */
  private async triageStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = { ...step.options };
    await this.loadProfile(step.context, c);
    const numbers = this.understanding.ticketNumbers(c.request);
    if (numbers.length > 0 || this.understanding.isStatusQuestion(c.request)) {
      return step.replaceDialog(AttentionIds.status, { ...c, ...(numbers[0] ? { ticketNumber: numbers[0] } : {}) });
    }
    const catalog = this.desk.catalog;
    if (!catalog) {
      await step.context.sendActivity(say(messages.turnError));
      return step.endDialog(this.result(c, null));
    }
    const decision = this.desk.route(c.request);
    const unclear =
      !c.clarified &&
      isVague(c.request) &&
      (decision.decision === 'out_of_scope' || (decision.decision !== 'ambiguous' && decision.confidence < 0.2));
    if (unclear) return step.replaceDialog(AttentionIds.clarify, c);
    if (decision.decision === 'out_of_scope') return this.outOfScope(step, c);
    if (decision.decision === 'ambiguous' && decision.code) {
      const codes = [decision.code, ...decision.alternatives.map((a) => a.code)]
        .filter((code) => this.service(code) !== undefined)
        .slice(0, 3);
      return step.replaceDialog(AttentionIds.choose, { ...c, choices: codes });
    }
    const chosen = decision.code ? this.service(decision.code) : undefined;
    if (!chosen) return this.outOfScope(step, c);
    return this.beginService(step, c, chosen, true);
  }

  private async askClarifyStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    return step.prompt(AttentionIds.prompt, { prompt: ask(m.clarify) });
  }

  private async clarifiedStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const more = answerText(step);
    const request = more === '' ? step.options.request : `${step.options.request} — ${more}`.replace(/^ — /, '');
    return step.replaceDialog(AttentionIds.triage, { ...step.options, request, clarified: true });
  }

  private async askChoiceStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const names = this.choiceNames(step.options);
    const retry = (step.options.tries.answer ?? 0) > 0;
    const text = retry ? m.didYouMeanRetry : m.didYouMean(names);
    const buttons = names.length === 1 ? [m.yes, m.no] : [...names, m.noneOfThese];
    return step.prompt(AttentionIds.prompt, { prompt: ask(text, buttons) });
  }

  private async choiceStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const text = answerText(step);
    const codes = c.choices ?? [];
    const names = this.choiceNames(c);
    const folded = normalizeUtterance(text);
    let picked: string | undefined;
    let none = false;
    if (codes.length === 1) {
      const yes = this.understanding.yesNo(text);
      if (yes === true) picked = codes[0];
      else if (yes === false) none = true;
    } else {
      const index = Number.parseInt(folded, 10);
      if (/^\d+$/.test(folded) && index >= 1 && index <= codes.length) picked = codes[index - 1];
      else if (folded === normalizeUtterance(m.noneOfThese) || /^(ninguna|ninguno|no)\b/.test(folded)) none = true;
      else {
        const at = names.findIndex((name) => normalizeUtterance(name) === folded);
        if (at >= 0) picked = codes[at];
      }
    }
    if (picked) {
      const chosen = this.service(picked);
      if (chosen) return this.beginService(step, { ...c, tries: {} }, chosen, true);
    }
    if (none || (c.tries.answer ?? 0) >= 1) {
      // Neither of them: a free description is worth another route (typed words are often clearer than buttons).
      if (!none && !this.looksLikeAnswer(text)) {
        return step.replaceDialog(AttentionIds.triage, { ...c, request: text, clarified: true, tries: {} });
      }
      return step.replaceDialog(AttentionIds.clarify, { ...c, clarified: false, tries: {} });
    }
    // A description instead of a choice: route it.
    if (!this.looksLikeAnswer(text) && !isVague(text)) {
      return step.replaceDialog(AttentionIds.triage, { ...c, request: `${c.request} — ${text}`, clarified: true, tries: {} });
    }
    return step.replaceDialog(AttentionIds.choose, { ...c, tries: { answer: (c.tries.answer ?? 0) + 1 } });
  }

  private looksLikeAnswer(text: string): boolean {
    return text.split(/\s+/).filter((w) => w !== '').length <= 3;
  }

  private choiceNames(c: Case): string[] {
    return (c.choices ?? []).map((code) => this.service(code)?.name ?? code);
  }

  /** Out of the centre's competence (PR-CAU-01 paso 4 «no»): orient with the referral, apologise, record, end. */
  private async outOfScope(step: WaterfallStepContext<Case>, c: Case): Promise<DialogTurnResult> {
    const catalog = this.desk.catalog;
    const lines = catalog ? [catalog.referral.message, m.referralPhone(catalog.referral.phone), m.outOfScopeApology] : [m.outOfScopeApology];
    await step.context.sendActivities(lines.map((line) => say(line)));
    await this.record(step.context, c, 'out_of_scope', null);
    return step.endDialog(this.result(c, m.summaryOutOfScope));
  }

  /** A service was identified: say so, then identify the person before acting. */
  private async beginService(step: WaterfallStepContext<Case>, c: Case, chosen: CatalogServiceDef, announce: boolean): Promise<DialogTurnResult> {
    if (announce) await step.context.sendActivity(say(m.understood(chosen.name)));
    const next: Case = { ...c, serviceCode: chosen.code, group: 'identification', after: AttentionIds.treat, tries: {} };
    return step.replaceDialog(AttentionIds.slots, next);
  }

  // ---- slot filling (identification and contact) -----------------------------------------------------------------

  private missingSlots(c: Case): SlotName[] {
    const s = c.profile.slots;
    if (c.group === 'identification') {
      const missing: SlotName[] = [];
      if (!s.unitName) missing.push('unit');
      if (!s.role) missing.push('role');
      if (s.role && ROLES_WITH_EXTENSION.has(s.role) && !s.extension && !s.noExtension) missing.push('extension');
      return missing;
    }
    const missing: SlotName[] = [];
    if (!s.name) missing.push('name');
    const contactTries = (c.tries.email ?? 0) + (c.tries.phone ?? 0);
    // Both are asked (seed 002, operación 6); after a couple of failed tries one of them is enough.
    if (!s.email && !(s.phone && (c.tries.email ?? 0) >= MAX_TRIES)) missing.push('email');
    if (!s.phone && !(s.email && (c.tries.phone ?? 0) >= MAX_TRIES)) missing.push('phone');
    if (!s.email && !s.phone && contactTries >= 2 * MAX_TRIES + 1) return missing.filter((x) => x === 'name');
    return missing;
  }

  private async askSlotStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    if (c.profile.unconfirmed && this.knownSummary(c.profile.slots) !== '') {
      if (c.awaiting === 'changed') return step.prompt(AttentionIds.prompt, { prompt: ask(m.whatChanged) });
      return step.prompt(AttentionIds.prompt, { prompt: ask(m.knownData(this.knownSummary(c.profile.slots)), [m.yes, m.no]) });
    }
    // An answer that was not valid (an e-mail without domain, a 9-digit phone): the explanation is the question.
    if (c.problem) return step.prompt(AttentionIds.prompt, { prompt: ask(c.problem) });
    if (c.unitCandidate) {
      return step.prompt(AttentionIds.prompt, { prompt: ask(m.unitConfirm(c.unitCandidate.name), [m.yes, m.no]) });
    }
    if (c.unitChoices) {
      const names = c.unitChoices.map((u) => u.name);
      return step.prompt(AttentionIds.prompt, { prompt: ask(m.whichUnit(names), names) });
    }
    if (c.emailSuggestion) {
      return step.prompt(AttentionIds.prompt, { prompt: ask(m.emailDidYouMean(c.emailSuggestion), [m.yes, m.no]) });
    }
    const missing = this.missingSlots(c);
    const first = missing[0];
    if (first === undefined) return this.slotsDone(step, c);
    const retry = (c.tries[first] ?? 0) > 0;
    let text: string;
    let buttons: readonly string[] = [];
    switch (first) {
      case 'unit':
        text = retry ? m.unitRetry : missing.includes('role') ? m.askUnitAndRole : m.askUnit;
        break;
      case 'role':
        text = retry ? m.roleRetry : m.askRole;
        buttons = m.roleOptions;
        break;
      case 'extension':
        text = retry ? m.extensionRetry : m.askExtension;
        buttons = [m.noExtension];
        break;
      case 'name':
        text = retry ? m.nameRetry : missing.includes('email') && missing.includes('phone') ? m.askContactAll : m.askName;
        break;
      case 'email':
        text = m.askEmail;
        break;
      case 'phone':
        text = m.askPhone;
        break;
    }
    return step.prompt(AttentionIds.prompt, { prompt: ask(text, buttons) });
  }

  private async slotAnswerStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c: Case = { ...step.options, profile: { ...step.options.profile, slots: { ...step.options.profile.slots } }, tries: { ...step.options.tries } };
    delete c.problem;
    const text = answerText(step);
    const slots = c.profile.slots;

    if (c.profile.unconfirmed && this.knownSummary(slots) !== '') {
      if (c.awaiting === 'changed') {
        const parsed = this.understanding.identification(text);
        const changed = this.absorb(c, parsed);
        if (!changed) c.profile.slots = {};
        else await step.context.sendActivity(say(m.dataUpdated));
        c.profile.unconfirmed = false;
        delete c.awaiting;
        return step.replaceDialog(AttentionIds.slots, c);
      }
      const yes = this.understanding.yesNo(text);
      if (yes === true) {
        c.profile.unconfirmed = false;
        return step.replaceDialog(AttentionIds.slots, c);
      }
      if (yes === false) {
        // «No, cambié de extensión a la 52031»: the correction may come with the no.
        const changed = this.absorb(c, this.understanding.identification(text));
        if (changed) {
          c.profile.unconfirmed = false;
          await step.context.sendActivity(say(m.dataUpdated));
        } else {
          c.awaiting = 'changed';
        }
        return step.replaceDialog(AttentionIds.slots, c);
      }
      c.tries.confirm = (c.tries.confirm ?? 0) + 1;
      if (c.tries.confirm > MAX_TRIES) {
        c.profile.slots = {};
        c.profile.unconfirmed = false;
      }
      return step.replaceDialog(AttentionIds.slots, c);
    }

    if (c.unitCandidate) {
      const candidate = c.unitCandidate;
      delete c.unitCandidate;
      const yes = this.understanding.yesNo(text);
      if (yes === true) {
        slots.unitCode = candidate.code;
        slots.unitName = candidate.name;
      } else {
        // «No, de la UPIITA»: take what came with the no; otherwise ask again.
        const parsed = this.understanding.identification(text, 'unit');
        if (!this.absorb(c, parsed)) c.tries.unit = (c.tries.unit ?? 0) + 1;
      }
      return step.replaceDialog(AttentionIds.slots, c);
    }

    if (c.unitChoices) {
      const choices = c.unitChoices;
      delete c.unitChoices;
      const folded = normalizeUtterance(text);
      const index = Number.parseInt(folded, 10);
      const picked =
        (/^\d+$/.test(folded) && index >= 1 && index <= choices.length ? choices[index - 1] : undefined) ??
        choices.find((u) => normalizeUtterance(u.name) === folded) ??
        this.understanding.unitAmong(text, choices);
      if (picked) {
        slots.unitCode = picked.code;
        slots.unitName = picked.name;
      } else {
        c.tries.unit = (c.tries.unit ?? 0) + 1;
      }
      return step.replaceDialog(AttentionIds.slots, c);
    }

    if (c.emailSuggestion) {
      const suggested = c.emailSuggestion;
      delete c.emailSuggestion;
      const yes = this.understanding.yesNo(text);
      if (yes === true) slots.email = suggested;
      else if (!this.absorb(c, this.understanding.identification(text, 'email'))) c.problem = m.emailInvalid;
      return step.replaceDialog(AttentionIds.slots, c);
    }

    const missing = this.missingSlots(c);
    const expect = missing[0];
    // A combined question («nombre, correo y teléfono») expects all of them in the answer.
    const parsed = this.understanding.identification(text, missing);
    if (expect === 'role' && !parsed.role) {
      const fromButton = this.understanding.roleFromOption(text);
      if (fromButton) parsed.role = fromButton;
    }
    const absorbed = this.absorb(c, parsed);
    if (parsed.invalidEmail && parsed.emailSuggestion && !slots.email) {
      c.emailSuggestion = parsed.emailSuggestion;
    } else if (parsed.invalidEmail && !slots.email) {
      c.problem = m.emailInvalid;
      c.tries.email = (c.tries.email ?? 0) + 1;
    } else if (parsed.invalidPhone && !slots.phone) {
      c.problem = m.phoneInvalid;
      c.tries.phone = (c.tries.phone ?? 0) + 1;
    }
    if (!absorbed && expect !== undefined && !c.problem) {
      c.tries[expect] = (c.tries[expect] ?? 0) + 1;
      if ((c.tries[expect] ?? 0) >= MAX_TRIES) this.giveUpOn(c, expect, text);
    }
    return step.replaceDialog(AttentionIds.slots, c);
  }

  /** Takes the facts of an answer into the profile; true when something new was learned. */
  private absorb(c: Case, parsed: ParsedSlots): boolean {
    const slots = c.profile.slots;
    let learned = false;
    const set = <K extends keyof PersonSlots>(key: K, value: PersonSlots[K] | undefined) => {
      if (value === undefined || value === null || value === '') return;
      if (slots[key] !== value) learned = true;
      slots[key] = value;
    };
    if (parsed.unit) {
      set('unitCode', parsed.unit.code);
      set('unitName', parsed.unit.name);
    } else if (parsed.unitCandidate && !slots.unitName) {
      c.unitCandidate = parsed.unitCandidate;
      learned = true;
    } else if (parsed.unitOptions && parsed.unitOptions.length > 1 && !slots.unitName) {
      c.unitChoices = parsed.unitOptions.slice(0, 6);
      learned = true;
    }
    set('role', parsed.role);
    set('extension', parsed.extension);
    if (parsed.noExtension && !slots.extension) {
      slots.noExtension = true;
      learned = true;
    }
    set('name', parsed.name);
    set('email', parsed.email);
    set('phone', parsed.phone);
    return learned;
  }

  /** After two tries, the script moves on with what the person said rather than keep asking. */
  private giveUpOn(c: Case, slot: SlotName, text: string): void {
    const slots = c.profile.slots;
    const raw = text.replace(/\s+/g, ' ').trim().slice(0, 120);
    switch (slot) {
      case 'unit':
        if (raw !== '') slots.unitName = raw;
        break;
      case 'role':
        slots.role = 'otro';
        break;
      case 'extension':
        slots.noExtension = true;
        break;
      case 'name':
        if (raw !== '') slots.name = raw;
        break;
      case 'email':
      case 'phone':
        break;
    }
  }

  private async slotsDone(step: WaterfallStepContext<Case>, c: Case): Promise<DialogTurnResult> {
    const identity = identityOf(step.context);
    if (identity) {
      const { noExtension: _unused, ...stored } = c.profile.slots;
      c.profile.requesterId = await this.desk.savePerson(identity, stored);
    }
    const next = c.after ?? AttentionIds.treat;
    const { group: _g, after: _a, awaiting: _w, ...rest } = c;
    return step.replaceDialog(next, { ...rest, tries: {} });
  }

  private knownSummary(slots: PersonSlots): string {
    const parts: string[] = [];
    if (slots.name) parts.push(slots.name);
    if (slots.role) parts.push(this.understanding.roleLabel(slots.role));
    if (slots.unitName) parts.push(slots.unitName);
    if (slots.extension) parts.push(`extensión ${slots.extension}`);
    if (slots.email) parts.push(slots.email);
    if (slots.phone) parts.push(`teléfono ${formatPhone(slots.phone)}`);
    return parts.join(', ');
  }

  // ---- treatment ---------------------------------------------------------------------------------------------------

  /**
   * Informative → its information, contact and a `CAU_INFORMATIVO_04A` record; `either` → ask which; then the
   * service's diagnostic questions (for requests they gather what the resolver needs); fault → self-help and
   * «¿Se resolvió?», then impact; request → contact and ticket.
   */
  private async treatStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const chosen = this.service(c.serviceCode);
    if (!chosen) return this.outOfScope(step, c);
    if (chosen.scope === 'informative') {
      if (chosen.selfHelp.length > 0) await step.context.sendActivity(say(this.numbered(m.informationIntro, chosen.selfHelp)));
      return this.collectContact(step, { ...c, kind: 'informative' });
    }
    const kind = c.kind ?? (chosen.kind === 'fault' ? 'incident' : chosen.kind === 'request' ? 'request' : undefined);
    if (kind === undefined) return step.replaceDialog(AttentionIds.kind, c);
    if (c.diagnostics.length < chosen.diagnostics.length) {
      if (c.diagnostics.length === 0) await step.context.sendActivity(say(m.diagnosticsIntro));
      return step.replaceDialog(AttentionIds.diagnose, { ...c, kind });
    }
    if (kind === 'incident') {
      if (chosen.selfHelp.length > 0) return step.replaceDialog(AttentionIds.selfHelp, { ...c, kind });
      return step.replaceDialog(AttentionIds.impact, { ...c, kind });
    }
    return this.collectContact(step, { ...c, kind });
  }

  private numbered(intro: string, lines: readonly string[]): string {
    return [intro, ...lines.map((text, i) => `${i + 1}. ${text}`)].join('\n');
  }

  private async askKindStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const retry = (step.options.tries.answer ?? 0) > 0;
    return step.prompt(AttentionIds.prompt, { prompt: ask(retry ? m.faultOrRequestRetry : m.faultOrRequest, [m.fault, m.request]) });
  }

  private async kindStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const folded = normalizeUtterance(answerText(step));
    const fault = /\b(falla|fallo|descompuest|no funciona|no sirve|dejo de|error|averi)/.test(folded);
    const request = /\b(peticion|solicitud|solicito|necesito|quiero|nuevo|nueva|instal|alta)\b/.test(folded);
    if (fault !== request) return step.replaceDialog(AttentionIds.treat, { ...c, kind: fault ? 'incident' : 'request', tries: {} });
    if ((c.tries.answer ?? 0) >= 1) return step.replaceDialog(AttentionIds.treat, { ...c, kind: 'incident', tries: {} });
    return step.replaceDialog(AttentionIds.kind, { ...c, tries: { answer: 1 } });
  }

  private async askDiagnosticStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const question = this.service(c.serviceCode)?.diagnostics[c.diagnostics.length];
    if (!question) return step.replaceDialog(AttentionIds.treat, c);
    const retry = (c.tries.answer ?? 0) > 0;
    if (question.answer === 'yesno') {
      return step.prompt(AttentionIds.prompt, { prompt: ask(retry ? m.yesNoRetry(question.question) : question.question, [m.yes, m.no]) });
    }
    if (question.answer === 'choice') {
      return step.prompt(AttentionIds.prompt, {
        prompt: ask(retry ? m.choiceRetry(question.question) : question.question, question.options ?? []),
      });
    }
    return step.prompt(AttentionIds.prompt, { prompt: ask(question.question) });
  }

  private async diagnosticStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const question = this.service(c.serviceCode)?.diagnostics[c.diagnostics.length];
    if (!question) return step.replaceDialog(AttentionIds.treat, c);
    const text = answerText(step);
    let answer: string | undefined;
    if (question.answer === 'yesno') {
      const yes = this.understanding.yesNo(text);
      answer = yes === undefined ? undefined : yes ? 'Sí' : 'No';
    } else if (question.answer === 'choice') {
      const folded = normalizeUtterance(text);
      const options = question.options ?? [];
      const index = Number.parseInt(folded, 10);
      answer =
        options.find((o) => normalizeUtterance(o) === folded) ??
        (/^\d+$/.test(folded) && index >= 1 && index <= options.length ? options[index - 1] : undefined) ??
        options.find((o) => folded !== '' && normalizeUtterance(o).includes(folded));
    } else if (text !== '') {
      answer = text.slice(0, 1000);
    }
    // An answer the bot does not understand on the second try is kept as written: the resolver reads it.
    if (answer === undefined && ((c.tries.answer ?? 0) >= 1 || question.answer === 'text')) answer = text.slice(0, 1000) || '(sin respuesta)';
    if (answer === undefined) return step.replaceDialog(AttentionIds.diagnose, { ...c, tries: { answer: 1 } });
    const diagnostics = [...c.diagnostics, { id: question.id, question: question.question, answer }];
    return step.replaceDialog(AttentionIds.treat, { ...c, diagnostics, tries: {} });
  }

  private async offerSelfHelpStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const service = this.service(c.serviceCode);
    if ((c.tries.answer ?? 0) === 0 && service) await step.context.sendActivity(say(this.numbered(m.selfHelpIntro, service.selfHelp)));
    const retry = (c.tries.answer ?? 0) > 0;
    return step.prompt(AttentionIds.prompt, { prompt: ask(retry ? m.resolvedRetry : m.resolvedQuestion, [m.resolvedYes, m.resolvedNo]) });
  }

  private async resolvedStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const resolved = this.understanding.resolved(answerText(step));
    if (resolved === true) {
      await step.context.sendActivity(say(m.firstLevelDone));
      await this.record(step.context, c, 'first_level', null);
      const name = this.service(c.serviceCode)?.name ?? '';
      return step.endDialog(this.result(c, m.summaryFirstLevel(name)));
    }
    if (resolved === false || (c.tries.answer ?? 0) >= MAX_TRIES) {
      await step.context.sendActivity(say(m.needsTicket));
      return step.replaceDialog(AttentionIds.impact, { ...c, tries: {} });
    }
    return step.replaceDialog(AttentionIds.selfHelp, { ...c, tries: { answer: (c.tries.answer ?? 0) + 1 } });
  }

  private async askImpactStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const said = this.understanding.impact(c.request);
    if (said) return this.collectContact(step, { ...c, impact: said });
    const retry = (c.tries.answer ?? 0) > 0;
    return step.prompt(AttentionIds.prompt, { prompt: ask(retry ? m.impactRetry : m.askImpact, m.impactOptions) });
  }

  private async impactStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const text = answerText(step);
    const index = m.impactOptions.findIndex((o) => normalizeUtterance(o) === normalizeUtterance(text));
    const byButton: Impact[] = ['minor', 'moderate', 'significant', 'extensive'];
    const impact = index >= 0 ? byButton[index] : this.understanding.impact(text);
    if (impact) return this.collectContact(step, { ...c, impact, tries: {} });
    if ((c.tries.answer ?? 0) >= 1) return this.collectContact(step, { ...c, impact: 'minor', tries: {} });
    return step.replaceDialog(AttentionIds.impact, { ...c, tries: { answer: 1 } });
  }

  private collectContact(step: WaterfallStepContext<Case>, c: Case): Promise<DialogTurnResult> {
    return step.replaceDialog(AttentionIds.slots, { ...c, group: 'contact', after: AttentionIds.register, tries: {} });
  }

  // ---- registration ------------------------------------------------------------------------------------------------

  private async registerStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const service = this.service(c.serviceCode);
    const activity = step.context.activity;
    const kind = c.kind ?? 'request';
    const urgency = kind === 'informative' ? 'low' : this.urgencyFor(service, c);
    const impact = kind === 'informative' ? 'minor' : (c.impact ?? this.understanding.impact(c.request) ?? 'minor');
    const { noExtension: _n, ...requester } = c.profile.slots;
    const { ticket } = await this.desk.registerTicket({
      kind,
      serviceCode: service?.code ?? null,
      serviceName: service?.name ?? null,
      resolverGroup: service?.resolverGroup ?? null,
      requesterId: c.profile.requesterId,
      requester,
      channel: activity.channelId,
      conversationId: activity.conversation.id,
      description: c.request,
      diagnostics: c.diagnostics,
      urgency,
      impact,
      // The inbound activity that completed the request: a retried delivery finds this same ticket.
      idempotencyKey: `${activity.channelId}:${activity.conversation.id}:${activity.id ?? ''}`,
    });
    await this.announce(step.context, ticket);
    const summary = kind === 'informative' ? m.summaryInformative(ticket.number) : m.summaryTicket(ticket.number, ticket.serviceName ?? '');
    return step.endDialog(this.result(c, summary));
  }

  /** Tells the person the number (and who will attend), then records that it was told. */
  private async announce(context: TurnContext, ticket: DeskTicket): Promise<void> {
    const first =
      ticket.kind === 'informative'
        ? m.informativeRegistered(ticket.number)
        : m.ticketRegistered(ticket.number, ticket.resolverGroup ?? 'Mesa de Ayuda');
    await context.sendActivities([say(first), say(m.keepNumber)]);
    await this.desk.markAnnounced(ticket.id);
  }

  /** The catalog's default urgency, raised when the description says it is urgent. */
  private urgencyFor(service: CatalogServiceDef | undefined, c: Case): Urgency {
    const base: Urgency = service?.defaultUrgency ?? 'medium';
    const cue = this.understanding.urgencyCue([c.request, ...c.diagnostics.map((d) => d.answer)].join('. '));
    if (!cue) return base;
    return URGENCY_LEVELS.indexOf(cue) < URGENCY_LEVELS.indexOf(base) ? cue : base;
  }

  // ---- status lookup -----------------------------------------------------------------------------------------------

  private async askTicketNumberStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    if (c.ticketNumber) return step.next(c.ticketNumber);
    const retry = (c.tries.answer ?? 0) > 0;
    return step.prompt(AttentionIds.prompt, { prompt: ask(retry ? m.ticketNumberRetry : m.askTicketNumber) });
  }

  private async ticketNumberStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const text = answerText(step);
    const number = c.ticketNumber ?? this.understanding.ticketNumbers(text)[0];
    if (!number) {
      if ((c.tries.answer ?? 0) >= 1) {
        await step.context.sendActivity(say(m.statusRefused));
        return step.endDialog(this.result(c, null));
      }
      return step.replaceDialog(AttentionIds.status, { ...c, tries: { answer: 1 } });
    }
    const ticket = await this.desk.findTicket(number);
    const conversationId = step.context.activity.conversation.id;
    const owner =
      ticket !== null &&
      ((ticket.requesterId !== null && ticket.requesterId === c.profile.requesterId) || ticket.conversationId === conversationId);
    if (ticket && owner) return this.tellStatus(step, c, ticket);
    // Anyone else is asked to prove it, whether the number exists or not: the question reveals nothing.
    return step.replaceDialog(AttentionIds.verify, { ...c, ticketNumber: number, tries: {} });
  }

  private async askVerifyStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    return step.prompt(AttentionIds.prompt, { prompt: ask(m.verifyOwner) });
  }

  private async verifyStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const parsed = this.understanding.identification(answerText(step));
    const ticket = c.ticketNumber ? await this.desk.findTicket(c.ticketNumber) : null;
    const onFile = ticket?.requester ?? {};
    const email = typeof onFile.email === 'string' ? onFile.email.toLowerCase() : undefined;
    const phone = typeof onFile.phone === 'string' ? onFile.phone : undefined;
    const proven = ticket !== null && ((parsed.email !== undefined && parsed.email.toLowerCase() === email) || (parsed.phone !== undefined && parsed.phone === phone));
    if (ticket && proven) return this.tellStatus(step, c, ticket);
    await step.context.sendActivity(say(m.statusRefused));
    return step.endDialog(this.result(c, null));
  }

  private async tellStatus(step: WaterfallStepContext<Case>, c: Case, ticket: DeskTicket): Promise<DialogTurnResult> {
    const updated = new Intl.DateTimeFormat('es-MX', { dateStyle: 'medium', timeStyle: 'short', timeZone: this.desk.timeZone }).format(ticket.updatedAt);
    const status = STATUS_LABELS[ticket.status as keyof typeof STATUS_LABELS] ?? ticket.status;
    await step.context.sendActivity(
      say(m.status({ number: ticket.number, service: ticket.serviceName ?? 'Sin servicio', status, updated, group: ticket.resolverGroup ?? 'Mesa de Ayuda' })),
    );
    await this.record(step.context, c, 'status_lookup', ticket.id);
    return step.endDialog(this.result(c, m.summaryStatus(ticket.number)));
  }

  // ---- helpers -----------------------------------------------------------------------------------------------------

  private service(code: string | null | undefined): CatalogServiceDef | undefined {
    if (!code) return undefined;
    return this.desk.catalog?.services.find((s) => s.code === code && s.active);
  }

  /** Looks up once per conversation what an earlier conversation of the same person left. */
  private async loadProfile(context: TurnContext, c: Case): Promise<void> {
    if (c.profile.loaded) return;
    const identity = identityOf(context);
    const known = identity ? await this.desk.findPerson(identity) : null;
    if (known) {
      c.profile = { requesterId: known.id, slots: { ...known.slots }, loaded: true, unconfirmed: true };
      return;
    }
    // What the channel itself says (a caller's number, an e-mail sender) is offered for confirmation, not asked.
    const facts = channelFacts(context);
    c.profile = { ...c.profile, slots: { ...facts, ...c.profile.slots }, loaded: true, unconfirmed: Object.keys(facts).length > 0 };
  }

  private async record(context: TurnContext, c: Case, outcome: 'first_level' | 'out_of_scope' | 'status_lookup', ticketId: string | null): Promise<void> {
    const activity = context.activity;
    await this.desk.recordOutcome({
      conversationId: activity.conversation.id,
      channel: activity.channelId,
      outcome,
      requesterId: c.profile.requesterId,
      unitCode: c.profile.slots.unitCode ?? null,
      serviceCode: c.serviceCode ?? null,
      ticketId,
      description: c.request,
      idempotencyKey: `${outcome}:${activity.channelId}:${activity.conversation.id}:${activity.id ?? ''}`,
    });
  }

  private result(c: Case, summary: string | null): RequestDialogResult {
    return { summary, profile: c.profile };
  }
}
