import { ActivityTypes, EndOfConversationCodes, InputHints, MessageFactory } from 'botbuilder';
import type { Activity } from 'botbuilder';
import {
  Dialog,
  DialogContext,
  DialogInstance,
  DialogTurnResult,
  PromptOptions,
  PromptValidatorContext,
  TextPrompt,
  WaterfallDialog,
  WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { HandoffContext } from '../services/handoff/handoff-types';
import { VOICE_CHANNEL, VOICE_EVENTS } from '../services/voice/voice-types';
import type { HandoffDecision } from '../services/handoff/triggers';
import { farewellTimeOfDay, isValidTimeZone } from './greeting';
import { componentStack, HandoffDialog, handoffPriority, type HandoffDialogOptions, type HandoffDialogResult, type TicketDraft } from './handoff/handoff.dialog';
import { detectInterruption, InterruptibleDialog, normalizeUtterance } from './interruptible.dialog';
import { farewell, messages } from './messages/es-MX';

/** Dialog ids of the main dialog and its inner dialogs. */
export const MainDialogIds = {
  main: 'ventanilla.main',
  requestWaterfall: 'ventanilla.main.request',
  anythingElseWaterfall: 'ventanilla.main.anythingElse',
  handoffWaterfall: 'ventanilla.main.handoff',
  requestPrompt: 'ventanilla.main.requestPrompt',
  yesNoPrompt: 'ventanilla.main.yesNoPrompt',
} as const;

/**
 * Turn-state key the bot sets when it sent the protocol greeting (which ends with «¿En qué puedo ayudarle?») in the
 * current turn, so the dialog does not ask the same question right after it.
 */
export const GREETED_THIS_TURN = Symbol('ventanilla.greetedThisTurn');

/**
 * Turn-state key the bot sets (to a {@link HandoffDecision}) when the person's message asks for a human or sounds
 * distressed: the main dialog leaves what it was doing and hands the conversation over, keeping what it knew.
 */
export const HANDOFF_TRIGGERED = Symbol('ventanilla.handoffTriggered');

/** Which question opens the request waterfall. */
export type RequestQuestion = 'first' | 'again' | 'menu';

/** Options of {@link MainDialog} (and of its request waterfall). */
export interface MainDialogOptions {
  /** The request, already known: no question is asked. */
  readonly request?: string;
  /** Ask this question instead of taking the current message as the request. */
  readonly question?: RequestQuestion;
  /** Begin at «¿Hay algo más…?» (after the bot told a ticket number a failed turn could not deliver). */
  readonly resume?: 'anythingElse';
  /** One-line summaries of what was done so far in the conversation, for the farewell. */
  readonly summaries?: readonly string[];
  /** What the request dialog learned about the person, handed to it again for the next request. */
  readonly profile?: unknown;
  /** Begin with the handoff dialog (a handoff signal arrived and the dialog state was lost meanwhile). */
  readonly handoff?: HandoffDialogOptions;
}

/** Options the main dialog begins the request dialog with. */
export interface RequestDialogOptions {
  /** The person's words. */
  readonly request: string;
  /** What the previous request of this conversation learned about the person, if any. */
  readonly profile?: unknown;
}

/** What the request dialog ends with. */
export interface RequestDialogResult {
  /** A lower-case clause for the farewell summary («registramos su reporte CAU-2026-000123»), or null. */
  readonly summary: string | null;
  readonly profile?: unknown;
  /** Hand the conversation to an agent (a dialog-level trigger fired): the main dialog begins the handoff dialog. */
  readonly handoff?: HandoffDialogOptions;
}

/** What a request dialog knew when the person asked for a human in the middle of it. */
export interface RequestSnapshot {
  context: HandoffContext;
  resolverGroup?: string | null;
  ticket?: TicketDraft;
  profile?: unknown;
}

/** A request dialog that can tell the agent what it learned so far (optional; the attention script does). */
export interface HandoffSnapshotSource {
  /** From the request dialog's instance on the stack (undefined when it is not running) and the person's profile. */
  handoffSnapshot(instance: DialogInstance | undefined, profile: unknown): RequestSnapshot | undefined;
}

function isSnapshotSource(dialog: Dialog): dialog is Dialog & HandoffSnapshotSource {
  return 'handoffSnapshot' in dialog && typeof dialog.handoffSnapshot === 'function';
}

/** Source of the current time (a seam so tests fix the hour). */
export interface Clock {
  now(): Date;
}

/** What the main dialog needs to know about the deployment. */
export interface MainDialogSettings {
  readonly botName: string;
  /** IANA zone of the help desk, e.g. `America/Mexico_City`. */
  readonly timeZone: string;
}

/** Constructor dependencies of {@link MainDialog}. */
export interface MainDialogDeps {
  /** Handles one request: begun with {@link RequestDialogOptions}, ends with a {@link RequestDialogResult}. */
  readonly requestDialog: Dialog;
  readonly settings: MainDialogSettings;
  readonly clock: Clock;
  /** Hands conversations to live agents; without it, handoff results and triggers are ignored. */
  readonly handoffDialog?: HandoffDialog;
  /** The switchboard operator: requests for a person, an area or an extension go to it instead of the request dialog. */
  readonly switchboardDialog?: Dialog & { claims(text: string | undefined): Promise<boolean> };
}

const QUESTIONS: Readonly<Record<RequestQuestion, string>> = {
  first: messages.askRequest,
  again: messages.askRequestAgain,
  menu: messages.mainMenu,
};

const SALUTATION_WORDS: ReadonlySet<string> = new Set([
  'hola', 'buen', 'buenos', 'buenas', 'dia', 'dias', 'tarde', 'tardes', 'noche', 'noches', 'que', 'tal', 'saludos',
]);
// Answers to «¿Hay algo más…?», compared after normalizeUtterance (no accents, lower case).
const YES_WORDS: ReadonlySet<string> = new Set([
  'si', 'sip', 'claro', 'ok', 'okay', 'sale', 'va', 'correcto', 'afirmativo',
]);
const YES_PHRASES: readonly string[] = ['por supuesto', 'desde luego', 'por favor', 'otra cosa', 'tengo otra'];
const NO_WORDS: ReadonlySet<string> = new Set(['no', 'nop', 'nel', 'negativo', 'nada', 'ninguna', 'ninguno', 'gracias']);
const NO_PHRASES: readonly string[] = [
  'es todo', 'eso es todo', 'seria todo', 'eso seria todo', 'muchas gracias', 'mil gracias',
];

function words(text: string | undefined): string[] {
  return normalizeUtterance(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

function startsWithPhrase(wordList: readonly string[], phrases: readonly string[]): boolean {
  const joined = wordList.join(' ');
  return phrases.some((phrase) => joined === phrase || joined.startsWith(`${phrase} `));
}

/** True for messages that are only a salutation («hola», «Buenas tardes», «hola, buen día»). */
export function isSalutationOnly(text: string | undefined): boolean {
  const list = words(text);
  return list.length > 0 && list.every((word) => SALUTATION_WORDS.has(word));
}

/** True when the message can be taken as the user's request: some text, not only a salutation, not a command. */
export function isRequestText(text: string | undefined): text is string {
  return words(text).length > 0 && !isSalutationOnly(text) && detectInterruption(text) === undefined;
}

// Words of a goodbye: «no, gracias, que tenga buen día» is not a new request.
const CLOSING_WORDS: ReadonlySet<string> = new Set(
  ('gracias muchas mil que tenga tengan buen buena buenos buenas dia dias tarde tardes noche noches hasta luego pronto ' +
    'igualmente adios bye es todo seria eso nada mas por ahora ok de nuevo usted ustedes tambien a le lo muy amable ' +
    'excelente perfecto listo bien si no sale va favor porfa claro').split(' '),
);

/**
 * A new request inside the answer to «¿Hay algo más…?»: «sí, la impresora no imprime» → «la impresora no imprime»;
 * «Gracias. Oiga, también el teléfono falla» → «Oiga, también el teléfono falla»; «no, gracias» → undefined.
 */
export function newRequestIn(text: string | undefined): string | undefined {
  const list = words(text);
  if (list.length < 3 || list.every((word) => CLOSING_WORDS.has(word))) return undefined;
  // Drop a leading yes/no and the courtesy words around it; what is left must say something.
  const raw = (text ?? '').trim();
  const rest = raw.replace(/^\s*(?:s[ií]|no|claro|ok|okay|bueno|pues|gracias|muchas gracias|mil gracias|por favor)(?=[\s,.;:!¡?¿]|$)[\s,.;:!¡]*/iu, '').trim();
  const restWords = words(rest);
  if (restWords.length < 3 || restWords.every((word) => CLOSING_WORDS.has(word))) return undefined;
  return isRequestText(rest) ? rest : undefined;
}

/**
 * The answer to «¿Hay algo más en que pueda ayudarle?»: `true` for «sí», «Sí, por favor», «claro»; `false` for «no»,
 * «No, gracias», «gracias», «es todo»; `undefined` when it is neither.
 */
export function parseYesNo(text: string | undefined): boolean | undefined {
  const list = words(text);
  const first = list[0];
  if (first === undefined) {
    return undefined;
  }
  if (YES_WORDS.has(first) || startsWithPhrase(list, YES_PHRASES)) {
    return true;
  }
  if (NO_WORDS.has(first) || startsWithPhrase(list, NO_PHRASES)) {
    return false;
  }
  return undefined;
}

/** What a cancellation keeps of the main dialog's options: the summaries so far and what is known of the person. */
function keptOptions(carried: unknown): MainDialogOptions {
  if (typeof carried !== 'object' || carried === null) return {};
  const { summaries, profile } = carried as MainDialogOptions;
  return {
    ...(Array.isArray(summaries) ? { summaries } : {}),
    ...(profile !== undefined ? { profile } : {}),
  };
}

/** What the «¿Hay algo más…?» step keeps for the farewell step. */
interface StepValues {
  summaries?: string[];
  profile?: unknown;
}

/**
 * What the running waterfall of the main dialog knows: its options, updated by what the «¿Hay algo más…?» step
 * added to its values (the summary of the request just attended).
 */
function carriedFrom(instance: DialogInstance | undefined): MainDialogOptions {
  const kept = keptOptions(instance?.state?.options);
  const values: unknown = instance?.state?.values;
  if (typeof values !== 'object' || values === null) return kept;
  const { summaries, profile } = values as StepValues;
  return {
    ...kept,
    ...(Array.isArray(summaries) ? { summaries } : {}),
    ...(profile !== undefined ? { profile } : {}),
  };
}

function question(text: string): Partial<Activity> {
  return MessageFactory.text(text, text, InputHints.ExpectingInput);
}

/**
 * Root dialog: takes the user's request, hands it to the request dialog (the attention script), then closes with the protocol's
 * «¿Hay algo más en que pueda ayudarle?» and farewell, looping while the user has more to ask.
 *
 * Interruptions («ayuda», «cancelar», «menú») are handled by {@link InterruptibleDialog} for every step, including
 * the steps of child dialogs added later.
 */
export class MainDialog extends InterruptibleDialog<MainDialogOptions> {
  private readonly requestDialogId: string;
  private readonly snapshots: HandoffSnapshotSource | undefined;
  private readonly handoffDialogId: string | undefined;
  private readonly settings: MainDialogSettings;
  private readonly clock: Clock;
  private readonly switchboard: MainDialogDeps['switchboardDialog'];

  public constructor(deps: MainDialogDeps) {
    super(MainDialogIds.main);
    if (!deps?.requestDialog) {
      throw new Error('MainDialog: requestDialog is required');
    }
    if (!deps.settings?.botName) {
      throw new Error('MainDialog: settings.botName is required');
    }
    if (!deps.settings.timeZone || !isValidTimeZone(deps.settings.timeZone)) {
      throw new Error(`MainDialog: settings.timeZone "${deps.settings.timeZone}" is not a valid IANA time zone`);
    }
    if (!deps.clock) {
      throw new Error('MainDialog: clock is required');
    }
    this.requestDialogId = deps.requestDialog.id;
    this.addDialog(deps.requestDialog);
    this.snapshots = isSnapshotSource(deps.requestDialog) ? deps.requestDialog : undefined;
    this.handoffDialogId = deps.handoffDialog?.id;
    if (deps.handoffDialog) this.addDialog(deps.handoffDialog);
    this.switchboard = deps.switchboardDialog;
    if (this.switchboard) this.addDialog(this.switchboard);
    this.settings = deps.settings;
    this.clock = deps.clock;

    this.addDialog(
      new WaterfallDialog<MainDialogOptions>(MainDialogIds.requestWaterfall, [
        this.askRequestStep.bind(this),
        this.handleRequestStep.bind(this),
        this.handoffIfAskedStep.bind(this),
        this.afterHandoffStep.bind(this),
        this.anythingElseStep.bind(this),
        this.farewellStep.bind(this),
      ]),
    );
    this.addDialog(
      new WaterfallDialog<MainDialogOptions>(MainDialogIds.handoffWaterfall, [
        this.beginHandoffStep.bind(this),
        this.afterHandoffStep.bind(this),
        this.anythingElseStep.bind(this),
        this.farewellStep.bind(this),
      ]),
    );
    this.addDialog(
      new WaterfallDialog<MainDialogOptions>(MainDialogIds.anythingElseWaterfall, [
        this.anythingElseStep.bind(this),
        this.farewellStep.bind(this),
      ]),
    );
    this.addDialog(new TextPrompt(MainDialogIds.requestPrompt, MainDialog.validateRequest));
    this.addDialog(new TextPrompt(MainDialogIds.yesNoPrompt, MainDialog.validateYesNo));
    this.initialDialogId = MainDialogIds.requestWaterfall;
  }

  protected override async onBeginDialog(innerDc: DialogContext, options?: MainDialogOptions): Promise<DialogTurnResult> {
    if (options?.resume === 'anythingElse') {
      return innerDc.beginDialog(MainDialogIds.anythingElseWaterfall, options);
    }
    if (options?.handoff && this.handoffDialogId) {
      return innerDc.beginDialog(MainDialogIds.handoffWaterfall, options);
    }
    const decision = this.triggered(innerDc);
    if (decision) {
      return innerDc.beginDialog(MainDialogIds.handoffWaterfall, this.handoffAfterTrigger(innerDc, decision, keptOptions(options)));
    }
    return super.onBeginDialog(innerDc, options);
  }

  /**
   * A message that asks for a human (or sounds distressed, see {@link HANDOFF_TRIGGERED}) leaves the current request
   * and goes to the handoff dialog — unless the handoff dialog is already asking the person something (the ticket or
   * call-back offer), which then takes the message as its answer.
   */
  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const decision = this.triggered(innerDc);
    if (decision) {
      const handoff = innerDc.stack.find((instance) => instance.id === this.handoffDialogId);
      if (handoff === undefined || HandoffDialog.isWaiting(handoff)) {
        const options = this.handoffAfterTrigger(innerDc, decision, carriedFrom(innerDc.stack[0]));
        await innerDc.cancelAllDialogs();
        return innerDc.beginDialog(MainDialogIds.handoffWaterfall, options);
      }
    }
    return super.onContinueDialog(innerDc);
  }

  /**
   * What a restart of the main dialog keeps of the running one (the summaries so far and what is known of the
   * person), read from the root dialog stack `dc` — used by the bot when the person leaves the agents' queue.
   */
  public keptFrom(dc: DialogContext): MainDialogOptions {
    const inner = componentStack(dc.stack.find((instance) => instance.id === this.id));
    const kept = carriedFrom(inner[0]);
    const handoff = HandoffDialog.optionsOf(inner.find((instance) => instance.id === this.handoffDialogId));
    return { ...kept, ...(handoff?.profile !== undefined ? { profile: handoff.profile } : {}) };
  }

  private triggered(innerDc: DialogContext): HandoffDecision | undefined {
    const { activity } = innerDc.context;
    // A message, or the phone adapter's «the caller said nothing twice» (the bot sets the decision for it).
    const carriesDecision = activity.type === ActivityTypes.Message || (activity.type === ActivityTypes.Event && activity.name === VOICE_EVENTS.noInput);
    if (this.handoffDialogId === undefined || !carriesDecision) return undefined;
    return innerDc.context.turnState.get<HandoffDecision | undefined>(HANDOFF_TRIGGERED);
  }

  /** The handoff options for a bot-level trigger: what the running request dialog knew, the summaries, the cues. */
  private handoffAfterTrigger(innerDc: DialogContext, decision: HandoffDecision, carried: MainDialogOptions): MainDialogOptions {
    const request = innerDc.stack.find((instance) => instance.id === this.requestDialogId);
    const snapshot = this.snapshots?.handoffSnapshot(request, carried.profile);
    const profile = snapshot?.profile ?? carried.profile;
    const said = innerDc.context.activity.text?.trim();
    const handoff: HandoffDialogOptions = {
      reason: decision.reason,
      message: decision.message,
      priority: handoffPriority(decision.reason),
      resolverGroup: snapshot?.resolverGroup ?? null,
      context: {
        ...snapshot?.context,
        request: snapshot?.context.request ?? (said || undefined),
        summaries: [...(carried.summaries ?? [])],
        cues: decision.cues,
      },
      ...(snapshot?.ticket ? { ticket: snapshot.ticket } : {}),
      ...(profile !== undefined ? { profile } : {}),
    };
    return { ...carried, ...(profile !== undefined ? { profile } : {}), handoff };
  }

  protected override beginFirstQuestion(innerDc: DialogContext): Promise<DialogTurnResult> {
    const options: MainDialogOptions = { question: 'first' };
    return innerDc.beginDialog(MainDialogIds.requestWaterfall, options);
  }

  protected override beginAfterCancel(innerDc: DialogContext, carried?: unknown): Promise<DialogTurnResult> {
    return innerDc.beginDialog(MainDialogIds.anythingElseWaterfall, keptOptions(carried));
  }

  protected override beginMainMenu(innerDc: DialogContext, carried?: unknown): Promise<DialogTurnResult> {
    const options: MainDialogOptions = { ...keptOptions(carried), question: 'menu' };
    return innerDc.beginDialog(MainDialogIds.requestWaterfall, options);
  }

  /** (1) Uses what the user already wrote, or asks «¿En qué puedo ayudarle?». */
  private async askRequestStep(step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> {
    const { request, question: asked } = step.options;
    if (request !== undefined && isRequestText(request)) {
      return step.next(request.trim());
    }
    if (asked !== undefined) {
      return this.promptForRequest(step, QUESTIONS[asked]);
    }
    // Begun by the user's message: that message is the request unless it is only «hola» or empty.
    const activity = step.context.activity;
    if (activity.type === ActivityTypes.Message && isRequestText(activity.text)) {
      return step.next(activity.text.trim());
    }
    // The greeting sent in this same turn already ends with the question.
    const greetedNow = step.context.turnState.get<boolean | undefined>(GREETED_THIS_TURN) === true;
    return this.promptForRequest(step, greetedNow ? undefined : messages.askRequest);
  }

  /** (2) Begins the request dialog (or the switchboard) with the request (and what is known about the person). */
  private async handleRequestStep(step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> {
    const result: unknown = step.result;
    const options: RequestDialogOptions = {
      request: typeof result === 'string' ? result.trim() : '',
      ...(step.options.profile !== undefined ? { profile: step.options.profile } : {}),
    };
    if (this.switchboard && (await this.switchboard.claims(options.request))) return step.beginDialog(this.switchboard.id, options);
    return step.beginDialog(this.requestDialogId, options);
  }

  /** (3) The request dialog asked for an agent (a dialog-level trigger): begins the handoff dialog. */
  private async handoffIfAskedStep(step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> {
    const result = step.result as RequestDialogResult | undefined;
    if (!result?.handoff || this.handoffDialogId === undefined) return step.next(result);
    const options: HandoffDialogOptions = {
      ...result.handoff,
      context: { ...result.handoff.context, summaries: [...(step.options.summaries ?? [])] },
      ...(result.profile !== undefined ? { profile: result.profile } : {}),
    };
    return step.beginDialog(this.handoffDialogId, options);
  }

  /** (3') Begins the handoff dialog with the options the main dialog was begun with. */
  private async beginHandoffStep(step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> {
    const { handoff } = step.options;
    if (!handoff || this.handoffDialogId === undefined) return step.next(undefined);
    return step.beginDialog(this.handoffDialogId, handoff);
  }

  /**
   * (4) After the handoff dialog: closed by the agent → the conversation ends quietly (the agent said the farewell);
   * a message that found the handoff gone → it is taken as a new request; otherwise «¿Hay algo más…?».
   */
  private async afterHandoffStep(step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> {
    const result = step.result as (HandoffDialogResult & RequestDialogResult) | undefined;
    if (result?.closed) return step.endDialog();
    const { activity } = step.context;
    if (result?.stale && activity.type === ActivityTypes.Message && isRequestText(activity.text)) {
      const profile = result.profile ?? step.options.profile;
      const options: MainDialogOptions = {
        request: activity.text,
        ...(step.options.summaries ? { summaries: step.options.summaries } : {}),
        ...(profile !== undefined ? { profile } : {}),
      };
      return step.replaceDialog(MainDialogIds.requestWaterfall, options);
    }
    return step.next(result);
  }

  /** (5) «¿Hay algo más en que pueda ayudarle?» — after keeping the summary of what the request dialog did. */
  private async anythingElseStep(step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> {
    const result = step.result as RequestDialogResult | undefined;
    const summaries = [...(step.options.summaries ?? [])];
    if (result && typeof result === 'object' && typeof result.summary === 'string') summaries.push(result.summary);
    const values = step.values as StepValues;
    values.summaries = summaries;
    values.profile = result && typeof result === 'object' && 'profile' in result ? result.profile : step.options.profile;
    const options: PromptOptions = {
      prompt: question(messages.anythingElse),
      retryPrompt: question(messages.anythingElseRetry),
    };
    return step.prompt(MainDialogIds.yesNoPrompt, options);
  }

  /** (6) «sí» → ask again from the top; «no» → the protocol farewell, by time of day. */
  private async farewellStep(step: WaterfallStepContext<MainDialogOptions>): Promise<DialogTurnResult> {
    const result: unknown = step.result;
    const values = step.values as StepValues;
    const summaries = values.summaries ?? [];
    const answer = typeof result === 'string' ? result : undefined;
    const next = newRequestIn(answer);
    if (next !== undefined) {
      const options: MainDialogOptions = {
        request: next,
        summaries,
        ...(values.profile !== undefined ? { profile: values.profile } : {}),
      };
      return step.replaceDialog(MainDialogIds.requestWaterfall, options);
    }
    if (parseYesNo(answer) === true) {
      const options: MainDialogOptions = {
        question: 'again',
        summaries,
        ...(values.profile !== undefined ? { profile: values.profile } : {}),
      };
      return step.replaceDialog(MainDialogIds.requestWaterfall, options);
    }
    const closing = farewellTimeOfDay(this.clock.now(), this.settings.timeZone);
    const text = farewell({ botName: this.settings.botName, closing, summary: summaries });
    await step.context.sendActivity(MessageFactory.text(text, text, InputHints.AcceptingInput));
    // On the phone the farewell ends the call (the adapter hangs up); chat conversations stay open for a new request.
    if (step.context.activity.channelId === VOICE_CHANNEL) {
      await step.context.sendActivity({ type: ActivityTypes.EndOfConversation, code: EndOfConversationCodes.CompletedSuccessfully });
    }
    return step.endDialog();
  }

  private promptForRequest(
    step: WaterfallStepContext<MainDialogOptions>,
    text: string | undefined,
  ): Promise<DialogTurnResult> {
    const options: PromptOptions = { retryPrompt: question(messages.askRequestRetry) };
    if (text !== undefined) {
      options.prompt = question(text);
    }
    return step.prompt(MainDialogIds.requestPrompt, options);
  }

  private static async validateRequest(prompt: PromptValidatorContext<string>): Promise<boolean> {
    return prompt.recognized.succeeded && isRequestText(prompt.recognized.value);
  }

  private static async validateYesNo(prompt: PromptValidatorContext<string>): Promise<boolean> {
    if (!prompt.recognized.succeeded) return prompt.attemptCount >= 3;
    const value = prompt.recognized.value;
    // After a few answers that are neither, the conversation ends politely instead of asking forever.
    return parseYesNo(value) !== undefined || newRequestIn(value) !== undefined || prompt.attemptCount >= 3;
  }
}
