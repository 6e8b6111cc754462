import type { TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  DialogContext,
  DialogInstance,
  DialogTurnResult,
  TextPrompt,
  WaterfallDialog,
  WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { CatalogServiceDef } from '../../services/catalog/catalog-format';
import type { Desk } from '../../services/attention/desk';
import type { HandoffDecision, HandoffTriggers } from '../../services/handoff/triggers';
import { isVague } from '../../services/nlu/vagueness';
import { URGENCY_LEVELS, type Impact, type Urgency } from '../../services/tickets/priority';
import { normalizeUtterance } from '../interruptible.dialog';
import { handoffPriority, type HandoffDialogOptions } from '../handoff/handoff.dialog';
import type { HandoffSnapshotSource, RequestDialogOptions, RequestDialogResult, RequestSnapshot } from '../main.dialog';
import { messages } from '../messages/es-MX';
import {
  announceTicket,
  answerText,
  ask,
  AttentionIds,
  type Case,
  channelFacts,
  emptyProfile,
  identityOf,
  isProfile,
  MAX_TRIES,
  recordOutcome,
  say,
  textOrExplain,
  turnKey,
  UNCLASSIFIED_GROUP,
} from './case';
import { caseOf, profileSnapshot, snapshotOf } from './handoff-context';
import { SlotFilling } from './slot-filling';
import { StatusLookup } from './status-lookup';
import type { Understanding } from './understanding';

export { AttentionIds, channelFacts, type Profile, UNCLASSIFIED_GROUP } from './case';

const m = messages.attention;

/** Constructor dependencies of {@link AttentionDialog}. */
export interface AttentionDialogDeps {
  desk: Desk;
  understanding: Understanding;
  /**
   * Hand over to an agent (the result carries the decision) when the request is not understood twice in a row, the
   * service requires an agent, or the urgency is critical. Give it only when a handoff dialog is wired.
   */
  triggers?: HandoffTriggers | undefined;
}

/** «Es una falla» / «es una petición», in the answer to «¿falla o petición?» or in the request itself. */
function kindIn(text: string): 'incident' | 'request' | undefined {
  const folded = normalizeUtterance(text);
  const fault = /\b(falla|fallo|descompuest|no funciona|no sirve|no imprime|no prende|no enciende|dejo de|error|averi|se cae|no abre)/.test(folded);
  const request = /\b(peticion|solicitud|solicito|necesito|quiero|nuev[oa]|instal|alta|configur)/.test(folded);
  if (fault === request) return undefined;
  return fault ? 'incident' : 'request';
}

/**
 * The attention script (FO-CAU-01-01) and the routing outcomes of PR-CAU-01 for one request:
 * status lookup ({@link StatusLookup}); route the request against the published catalog (clarify when vague,
 * «¿Se refiere a…?» when ambiguous, register for the desk to classify when it stays unclear); out of scope → referral
 * and apology; otherwise identify the person ({@link SlotFilling}: unit, role, extension — only what is unknown,
 * confirming what an earlier conversation left), then: informative → its information and a `CAU_INFORMATIVO_04A`
 * record; the service's diagnostic questions; fault → self-help and «¿Se resolvió?»; request (or unresolved
 * fault) → impact, contact data and a ticket. Ends with a {@link RequestDialogResult} whose summary goes into the
 * farewell.
 *
 * With handoff triggers it ends instead with a handoff decision (the main dialog hands the conversation over) when
 * answers about the request are not understood twice in a row (the vague request and its clarification, «¿Se
 * refiere a…?», fault or request, diagnostic questions, «¿Se resolvió?», impact — identification and contact data
 * keep their own fallback), when the service is flagged `requiresAgent` (right after identification), or when the
 * urgency is critical (before the ticket's questions).
 */
export class AttentionDialog extends ComponentDialog<RequestDialogOptions> implements HandoffSnapshotSource {
  private readonly desk: Desk;
  private readonly understanding: Understanding;
  private readonly triggers: HandoffTriggers | undefined;
  private readonly slots: SlotFilling;
  private readonly status: StatusLookup;

  constructor(deps: AttentionDialogDeps) {
    super(AttentionIds.main);
    if (!deps?.desk) throw new Error('AttentionDialog: desk is required');
    if (!deps.understanding) throw new Error('AttentionDialog: understanding is required');
    this.desk = deps.desk;
    this.understanding = deps.understanding;
    this.triggers = deps.triggers;
    this.slots = new SlotFilling(this.desk, this.understanding);
    this.status = new StatusLookup(this.desk, this.understanding, (c, summary) => this.result(c, summary));

    this.addDialog(new TextPrompt(AttentionIds.prompt, textOrExplain));
    const waterfall = (id: string, ...steps: Array<(step: WaterfallStepContext<Case>) => Promise<DialogTurnResult>>) =>
      this.addDialog(new WaterfallDialog<Case>(id, steps));
    waterfall(AttentionIds.triage, (s) => this.triageStep(s));
    waterfall(AttentionIds.clarify, (s) => this.askClarifyStep(s), (s) => this.clarifiedStep(s));
    waterfall(AttentionIds.choose, (s) => this.askChoiceStep(s), (s) => this.choiceStep(s));
    waterfall(AttentionIds.slots, (s) => this.slots.askStep(s, (step, c) => this.slots.finish(step, c)), (s) => this.slots.answerStep(s));
    waterfall(AttentionIds.treat, (s) => this.treatStep(s));
    waterfall(AttentionIds.kind, (s) => this.askKindStep(s), (s) => this.kindStep(s));
    waterfall(AttentionIds.diagnose, (s) => this.askDiagnosticStep(s), (s) => this.diagnosticStep(s));
    waterfall(AttentionIds.selfHelp, (s) => this.offerSelfHelpStep(s), (s) => this.resolvedStep(s));
    waterfall(AttentionIds.impact, (s) => this.askImpactStep(s), (s) => this.impactStep(s));
    waterfall(AttentionIds.register, (s) => this.registerStep(s));
    waterfall(AttentionIds.status, (s) => this.status.askNumberStep(s), (s) => this.status.numberStep(s));
    waterfall(AttentionIds.verify, (s) => this.status.askVerifyStep(s), (s) => this.status.verifyStep(s));
    waterfall(AttentionIds.code, (s) => this.status.askCodeStep(s), (s) => this.status.codeStep(s));
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
    const c: Case = { ...step.options, profile: { ...step.options.profile, slots: { ...step.options.profile.slots } } };
    await this.loadProfile(step.context, c);
    const numbers = this.understanding.ticketNumbers(c.request);
    if (numbers.length > 0 || this.understanding.isStatusQuestion(c.request)) {
      return step.replaceDialog(AttentionIds.status, { ...c, ...(numbers[0] ? { ticketNumber: numbers[0] } : {}) });
    }
    // «Soy docente de la ESCOM, extensión 52030, y no me conecta el wifi»: what the request says is not asked again.
    this.slots.absorb(c, this.understanding.identification(c.request), { candidates: false });
    if (!this.desk.catalog) {
      await step.context.sendActivity(say(messages.turnError));
      return step.endDialog(this.result(c, null));
    }
    const decision = this.desk.route(c.request);
    c.route = { decision: decision.decision, code: decision.code, confidence: decision.confidence };
    const vague = isVague(c.request) && (decision.decision === 'out_of_scope' || (decision.decision !== 'ambiguous' && decision.confidence < 0.2));
    if (vague) {
      const miss = this.miss(c);
      if (miss.decision) return this.handOver(step, c, miss.decision);
      const next: Case = { ...c, tries: { ...c.tries, missed: miss.missed } };
      return c.clarified ? this.unclassified(step, next) : step.replaceDialog(AttentionIds.clarify, next);
    }
    if (decision.decision === 'out_of_scope') return this.outOfScope(step, c);
    if (decision.decision === 'ambiguous' && decision.code) {
      // Offering choices again and again helps nobody: after two rounds the desk classifies it.
      if ((c.tries.rounds ?? 0) >= MAX_TRIES) return this.unclassified(step, c);
      const codes = [decision.code, ...decision.alternatives.map((a) => a.code)].filter((code) => this.service(code) !== undefined).slice(0, 3);
      return step.replaceDialog(AttentionIds.choose, { ...c, choices: codes, tries: { rounds: (c.tries.rounds ?? 0) + 1 } });
    }
    const chosen = decision.code ? this.service(decision.code) : undefined;
    if (!chosen) return this.outOfScope(step, c);
    return this.beginService(step, c, chosen);
  }

  private async askClarifyStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    return step.prompt(AttentionIds.prompt, { prompt: ask(m.clarify) });
  }

  private async clarifiedStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const more = answerText(step);
    const request = more === '' ? step.options.request : `${step.options.request} — ${more}`;
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
    const index = Number.parseInt(folded, 10);
    let picked: string | undefined;
    let none = false;
    if (codes.length === 1) {
      const yes = this.understanding.yesNo(text);
      if (yes === true) picked = codes[0];
      else if (yes === false) none = true;
    } else if (/^\d+$/.test(folded) && index >= 1 && index <= codes.length) {
      picked = codes[index - 1];
    } else if (folded === normalizeUtterance(m.noneOfThese) || /^(ninguna|ninguno|no)\b/.test(folded)) {
      none = true;
    } else {
      const at = names.findIndex((name) => normalizeUtterance(name) === folded);
      if (at >= 0) picked = codes[at];
    }
    const chosen = picked ? this.service(picked) : undefined;
    if (chosen) return this.beginService(step, { ...c, tries: {} }, chosen);
    // «No, lo que pasa es que la impresora no imprime»: a description instead of a choice is routed.
    const rounds = { rounds: c.tries.rounds ?? 0 };
    if (!isVague(text) && text.split(/\s+/).length > 3) {
      return step.replaceDialog(AttentionIds.triage, { ...c, request: `${c.request} — ${text}`, clarified: true, tries: rounds });
    }
    // «Ninguna de estas» or an answer that is no choice: the request is still not understood.
    const miss = this.miss(c);
    if (miss.decision) return this.handOver(step, c, miss.decision);
    const counted = { ...rounds, missed: miss.missed };
    if (none || (c.tries.answer ?? 0) >= 1) {
      if (c.clarified) return this.unclassified(step, { ...c, tries: counted });
      return step.replaceDialog(AttentionIds.clarify, { ...c, tries: counted });
    }
    return step.replaceDialog(AttentionIds.choose, { ...c, tries: { ...counted, answer: 1 } });
  }

  private choiceNames(c: Case): string[] {
    return (c.choices ?? []).map((code) => this.service(code)?.name ?? code);
  }

  /** Out of the centre's competence (PR-CAU-01 paso 4 «no»): orient with the referral, apologise, record, end. */
  private async outOfScope(step: WaterfallStepContext<Case>, c: Case): Promise<DialogTurnResult> {
    const catalog = this.desk.catalog;
    const lines = catalog ? [catalog.referral.message, m.referralPhone(catalog.referral.phone), m.outOfScopeApology] : [m.outOfScopeApology];
    await step.context.sendActivities(lines.map((line) => say(line)));
    await recordOutcome(this.desk, step.context, c, 'out_of_scope', null);
    return step.endDialog(this.result(c, m.summaryOutOfScope));
  }

  /**
   * Still unclear after a clarifying question (or after «¿Se refiere a…?» twice): rather than turn the person away,
   * register the request for the desk to classify, with everything they said.
   */
  private async unclassified(step: WaterfallStepContext<Case>, c: Case): Promise<DialogTurnResult> {
    await step.context.sendActivity(say(m.unclassified));
    const next: Case = { ...c, unclassified: true, kind: 'request', group: 'identification', after: AttentionIds.treat, tries: {} };
    delete next.serviceCode;
    return step.replaceDialog(AttentionIds.slots, next);
  }

  /** A service was identified: say so, then identify the person before acting. */
  private async beginService(step: WaterfallStepContext<Case>, c: Case, chosen: CatalogServiceDef): Promise<DialogTurnResult> {
    await step.context.sendActivity(say(m.understood(chosen.name)));
    const next: Case = { ...c, serviceCode: chosen.code, group: 'identification', after: AttentionIds.treat, tries: {} };
    return step.replaceDialog(AttentionIds.slots, next);
  }

  // ---- treatment ---------------------------------------------------------------------------------------------------

  /**
   * Informative → its information, contact and a `CAU_INFORMATIVO_04A` record; `either` → ask which; then the
   * service's diagnostic questions (for requests they gather what the resolver needs); fault → self-help and
   * «¿Se resolvió?», then impact; request → contact and ticket.
   */
  private async treatStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    if (c.unclassified) return this.beforeTicket(step, c, () => this.collectContact(step, c));
    const chosen = this.service(c.serviceCode);
    if (!chosen) return this.outOfScope(step, c);
    if (chosen.requiresAgent === true && this.triggers) {
      const { decision } = this.triggers.check({ text: '', understood: true, notUnderstoodInARow: 0, requiresAgent: true });
      if (decision) return this.handOver(step, c, decision);
    }
    if (chosen.scope === 'informative') {
      if (chosen.selfHelp.length > 0) await step.context.sendActivity(say(this.numbered(m.informationIntro, chosen.selfHelp)));
      return this.collectContact(step, { ...c, kind: 'informative' });
    }
    const kind = c.kind ?? (chosen.kind === 'fault' ? 'incident' : chosen.kind === 'request' ? 'request' : kindIn(c.request));
    if (kind === undefined) return step.replaceDialog(AttentionIds.kind, c);
    if (c.diagnostics.length < chosen.diagnostics.length) {
      if (c.diagnostics.length === 0) await step.context.sendActivity(say(m.diagnosticsIntro));
      return step.replaceDialog(AttentionIds.diagnose, { ...c, kind });
    }
    if (kind === 'incident') {
      if (chosen.selfHelp.length > 0) return step.replaceDialog(AttentionIds.selfHelp, { ...c, kind });
      return this.beforeTicket(step, { ...c, kind }, () => step.replaceDialog(AttentionIds.impact, { ...c, kind }));
    }
    return this.beforeTicket(step, { ...c, kind }, () => this.collectContact(step, { ...c, kind }));
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
    const kind = kindIn(answerText(step));
    if (kind) return step.replaceDialog(AttentionIds.treat, { ...c, kind, tries: {} });
    const miss = this.miss(c);
    if (miss.decision) return this.handOver(step, c, miss.decision);
    if ((c.tries.answer ?? 0) >= 1) return step.replaceDialog(AttentionIds.treat, { ...c, kind: 'incident', tries: {} });
    return step.replaceDialog(AttentionIds.kind, { ...c, tries: { answer: 1, missed: miss.missed } });
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
      // The option itself, its number, or words that name only one option («el 2» no; «edificio 2» yes).
      const containing = folded.length >= 3 ? options.filter((o) => normalizeUtterance(o).includes(folded)) : [];
      answer =
        options.find((o) => normalizeUtterance(o) === folded) ??
        (/^\d+$/.test(folded) && index >= 1 && index <= options.length ? options[index - 1] : undefined) ??
        (containing.length === 1 ? containing[0] : undefined);
    } else if (text !== '') {
      answer = text.slice(0, 1000);
    }
    const miss = answer === undefined && question.answer !== 'text' ? this.miss(c) : undefined;
    if (miss?.decision) return this.handOver(step, c, miss.decision);
    // An answer the bot does not understand on the second try is kept as written: the resolver reads it.
    if (answer === undefined && ((c.tries.answer ?? 0) >= 1 || question.answer === 'text')) answer = text.slice(0, 1000) || '(sin respuesta)';
    if (answer === undefined) return step.replaceDialog(AttentionIds.diagnose, { ...c, tries: { answer: 1, missed: miss?.missed ?? 1 } });
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
      await recordOutcome(this.desk, step.context, c, 'first_level', null);
      const name = this.service(c.serviceCode)?.name ?? '';
      return step.endDialog(this.result(c, m.summaryFirstLevel(name)));
    }
    const miss = resolved === undefined ? this.miss(c) : undefined;
    if (miss?.decision) return this.handOver(step, c, miss.decision);
    if (resolved === false || (c.tries.answer ?? 0) >= MAX_TRIES) {
      return this.beforeTicket(step, c, async () => {
        await step.context.sendActivity(say(m.needsTicket));
        return step.replaceDialog(AttentionIds.impact, { ...c, tries: {} });
      });
    }
    return step.replaceDialog(AttentionIds.selfHelp, { ...c, tries: { answer: (c.tries.answer ?? 0) + 1, missed: miss?.missed ?? 1 } });
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
    const miss = this.miss(c);
    if (miss.decision) return this.handOver(step, c, miss.decision);
    if ((c.tries.answer ?? 0) >= 1) return this.collectContact(step, { ...c, impact: 'minor', tries: {} });
    return step.replaceDialog(AttentionIds.impact, { ...c, tries: { answer: 1, missed: miss.missed } });
  }

  private collectContact(step: WaterfallStepContext<Case>, c: Case): Promise<DialogTurnResult> {
    return step.replaceDialog(AttentionIds.slots, { ...c, group: 'contact', after: AttentionIds.register, tries: {} });
  }

  // ---- registration ------------------------------------------------------------------------------------------------

  private async registerStep(step: WaterfallStepContext<Case>): Promise<DialogTurnResult> {
    const c = step.options;
    const service = c.unclassified ? undefined : this.service(c.serviceCode);
    const activity = step.context.activity;
    const kind = c.kind ?? 'request';
    const urgency = kind === 'informative' ? 'low' : this.urgencyFor(service, c);
    const impact = kind === 'informative' ? 'minor' : (c.impact ?? this.understanding.impact(c.request) ?? 'minor');
    const { noExtension: _n, ...requester } = c.profile.slots;
    const { ticket } = await this.desk.registerTicket({
      kind,
      serviceCode: service?.code ?? null,
      serviceName: service?.name ?? null,
      resolverGroup: service?.resolverGroup ?? UNCLASSIFIED_GROUP,
      requesterId: c.profile.requesterId,
      requester,
      channel: activity.channelId,
      conversationId: activity.conversation.id,
      description: c.request,
      diagnostics: c.diagnostics,
      urgency,
      impact,
      // The inbound activity that completed the request: a retried delivery finds this same ticket.
      idempotencyKey: turnKey(step.context),
    });
    await announceTicket(this.desk, step.context, ticket);
    const summary =
      kind === 'informative' ? m.summaryInformative(ticket.number) : m.summaryTicket(ticket.number, ticket.serviceName ?? m.unclassifiedService);
    return step.endDialog(this.result(c, summary));
  }

  /** The catalog's default urgency, raised when the description says it is urgent. */
  private urgencyFor(service: CatalogServiceDef | undefined, c: Case): Urgency {
    const base: Urgency = service?.defaultUrgency ?? 'medium';
    const cue = this.understanding.urgencyCue([c.request, ...c.diagnostics.map((d) => d.answer)].join('. '));
    if (!cue) return base;
    return URGENCY_LEVELS.indexOf(cue) < URGENCY_LEVELS.indexOf(base) ? cue : base;
  }

  // ---- handoff -----------------------------------------------------------------------------------------------------

  /** What the script knows, for the agent and for the fallback ticket (the main dialog asks on a bot-level trigger). */
  handoffSnapshot(instance: DialogInstance | undefined, profile: unknown): RequestSnapshot | undefined {
    const c = caseOf(instance);
    if (!c) return profileSnapshot(profile);
    const service = this.service(c.serviceCode);
    return snapshotOf(c, service, this.urgencyFor(service, c), c.impact ?? this.understanding.impact(c.request) ?? 'minor');
  }

  /** Ends the request with a handoff decision: the main dialog begins the handoff dialog with it. */
  private async handOver(step: WaterfallStepContext<Case>, c: Case, decision: HandoffDecision): Promise<DialogTurnResult> {
    const service = this.service(c.serviceCode);
    const snapshot = snapshotOf(c, service, this.urgencyFor(service, c), c.impact ?? this.understanding.impact(c.request) ?? 'minor');
    const handoff: HandoffDialogOptions = {
      reason: decision.reason,
      message: decision.message,
      priority: handoffPriority(decision.reason),
      resolverGroup: snapshot.resolverGroup ?? null,
      context: { ...snapshot.context, cues: decision.cues },
      ...(snapshot.ticket ? { ticket: snapshot.ticket } : {}),
      profile: c.profile,
    };
    const result: RequestDialogResult = { summary: null, profile: c.profile, handoff };
    return step.endDialog(result);
  }

  /** One more answer about the request not understood; with the triggers, the decision when that is too many in a row. */
  private miss(c: Case): { decision: HandoffDecision | null; missed: number } {
    const previous = c.tries.missed ?? 0;
    if (!this.triggers) return { decision: null, missed: previous + 1 };
    const { decision, notUnderstoodInARow } = this.triggers.check({ text: '', understood: false, notUnderstoodInARow: previous });
    return { decision, missed: notUnderstoodInARow };
  }

  /** Before the ticket's questions (impact, contact): a critical urgency goes to an agent instead. */
  private async beforeTicket(step: WaterfallStepContext<Case>, c: Case, next: () => Promise<DialogTurnResult>): Promise<DialogTurnResult> {
    if (this.triggers && c.kind !== 'informative') {
      const urgency = this.urgencyFor(this.service(c.serviceCode), c);
      const { decision } = this.triggers.check({ text: '', understood: true, notUnderstoodInARow: 0, urgency });
      if (decision) return this.handOver(step, c, decision);
    }
    return next();
  }

  // ---- helpers -----------------------------------------------------------------------------------------------------

  private service(code: string | null | undefined): CatalogServiceDef | undefined {
    if (!code) return undefined;
    return this.desk.catalog?.services.find((s) => s.code === code && s.active);
  }

  /** Looks up once per conversation what an earlier conversation of the same person left, or what the channel proves. */
  private async loadProfile(context: TurnContext, c: Case): Promise<void> {
    if (c.profile.loaded) return;
    const identity = identityOf(context);
    const known = identity ? await this.desk.findPerson(identity) : null;
    if (known) {
      c.profile = { requesterId: known.id, slots: { ...known.slots }, loaded: true, unconfirmed: true };
      return;
    }
    const facts = channelFacts(context);
    c.profile = { ...c.profile, slots: { ...facts, ...c.profile.slots }, loaded: true, unconfirmed: Object.keys(facts).length > 0 };
  }

  private result(c: Case, summary: string | null): RequestDialogResult {
    return { summary, profile: c.profile };
  }
}
