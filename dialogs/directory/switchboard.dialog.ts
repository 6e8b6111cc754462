import { ActivityTypes, type TurnContext } from 'botbuilder';
import { ComponentDialog, type DialogContext, type DialogTurnResult, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { AwaitEventDialog, type AwaitEventOptions } from './await-event.dialog';
import type { AttentionOutcome, Desk } from '../../services/attention/desk';
import type { CallbackRequest } from '../../services/handoff/handoff-types';
import { parseYesNo } from '../../services/script/yes-no';
import {
  type DialResult,
  type HoldRequest,
  type TransferRequest,
  VOICE_CHANNEL,
  VOICE_EVENTS,
  type VoiceRoute,
} from '../../services/voice/voice-types';
import { ask, channelFacts, isProfile, say, textOrExplain, turnKey } from '../attention/case';
import { normalizeUtterance } from '../interruptible.dialog';
import type { RequestDialogOptions, RequestDialogResult } from '../main.dialog';
import { messages } from '../messages/es-MX';

const m = messages.switchboard;

/** A directory entry as the switchboard needs it (the directory service's entries have these fields). */
export interface SwitchboardEntry {
  id: string;
  kind: 'person' | 'area';
  name: string;
  /** «Lic.», «Ing.»: said before a person's name. */
  title: string | null;
  gender: 'f' | 'm' | null;
  area: string | null;
  extension: string | null;
  phone: string | null;
  email: string | null;
  availability: 'available' | 'away' | 'unavailable';
  availabilityNote: string | null;
  route: VoiceRoute | null;
}

export interface SwitchboardMatch {
  entry: SwitchboardEntry;
  /** 0–1: ≥ {@link SURE} taken as said, ≥ {@link LIKELY} confirmed first. */
  score: number;
}

/** What the switchboard dialog needs from the directory (services/directory). */
export interface SwitchboardDirectory {
  lookup(query: string, options?: { limit?: number }): Promise<SwitchboardMatch[]>;
  byExtension(extension: string): Promise<SwitchboardEntry | null>;
  /** «la Lic. María Pérez», «el área de Recursos Humanos»; `expand` → «la licenciada María Pérez» (for speech). */
  spokenName(entry: SwitchboardEntry, options?: { abbreviations?: 'keep' | 'expand' }): string;
}

export interface SwitchboardSettings {
  /** Seconds between retries while the caller waits for a busy extension (the hold phrase is said each time). */
  holdSeconds: number;
  /** Seconds an extension rings before it counts as «no contesta». */
  transferTimeoutSeconds: number;
  /** Retries while waiting before the caller is asked again «¿seguir esperando o que le llamemos?». */
  waitAttempts: number;
}

export interface SwitchboardDialogDeps {
  directory: SwitchboardDirectory;
  /** Stores the call back (the callback scheduler places it). */
  callbacks: { requestCallback(request: CallbackRequest): Promise<string> };
  /**
   * «mañana a las diez» → when, and how to say it («mañana martes 24 de noviembre a las 10 de la mañana»); `notice`
   * when it had to move (the desk is closed then); null when it is not a time.
   */
  parseTime(text: string, now: Date): { at: Date; spoken: string; notice?: string } | null;
  clock: { now(): Date };
  settings: SwitchboardSettings;
  /** Records how each request ended (contact data given, transferred, call back booked) for the indicators. */
  desk?: Desk | undefined;
  /** Outbound calls for internal staff: their extension and PIN (absent = no outbound calls). */
  verifyPin?: ((extension: string, pin: string) => Promise<SwitchboardEntry | null>) | undefined;
  /** Hides a secret the caller keyed in (the PIN) in the recorded transcript. */
  redact?: ((conversationId: string, activityId: string) => Promise<unknown>) | undefined;
}

export const SwitchboardIds = {
  main: 'ventanilla.switchboard',
  find: 'ventanilla.switchboard.find',
  pick: 'ventanilla.switchboard.pick',
  confirm: 'ventanilla.switchboard.confirm',
  dial: 'ventanilla.switchboard.dial',
  busy: 'ventanilla.switchboard.busy',
  when: 'ventanilla.switchboard.when',
  phone: 'ventanilla.switchboard.phone',
  prompt: 'ventanilla.switchboard.prompt',
  await: 'ventanilla.switchboard.await',
  staff: 'ventanilla.switchboard.staff',
  pin: 'ventanilla.switchboard.pin',
  outNumber: 'ventanilla.switchboard.outNumber',
  outWho: 'ventanilla.switchboard.outWho',
} as const;

/** Lookup scores: at or above SURE the entry is taken as said; between LIKELY and SURE it is confirmed first. */
export const SURE = 0.85;
export const LIKELY = 0.6;
/** Two matches closer than this are both offered. */
const CLOSE = 0.06;

/** What the switchboard carries from step to step. */
interface Call {
  request: string;
  profile?: unknown;
  query: string;
  /** Times the person was asked who they want. */
  rounds: number;
  entry?: SwitchboardEntry;
  spoken?: string;
  choices?: SwitchboardEntry[];
  attempt: number;
  retries: number;
  /** When to call back: the instant, how it is said, and the caller's own words. */
  when?: { at: string; spoken: string; words: string };
  phone?: string;
  /** How the last transfer attempt ended. */
  lastStatus?: DialResult['status'];
  /** Outbound call: the verified staff member, and the number to call. */
  staff?: SwitchboardEntry;
  staffExtension?: string;
  outNumber?: string;
}

const OUTBOUND = /\b(?:llamada|llamadas|marcar|marcarme|marque(?:me)?|llamar)\b.*\b(?:al exterior|externa|externo|afuera|de fuera|celular|foraneo|larga distancia)\b/;

/** «Necesito hacer una llamada al exterior», «márqueme a un celular»: an outbound call for internal staff. */
export function wantsOutboundCall(text: string | undefined): boolean {
  return OUTBOUND.test(normalizeUtterance(text).replace(/[¿?¡!.,;:]+/g, ' '));
}

const VERBS =
  '(?:comuniqu\\w*|comunicar\\w*|me comunica\\w*|comunica\\w*|pase\\w*|pasar\\w*|paso|transfier\\w*|transferir\\w*|enlace\\w*|enlazar\\w*|' +
  '(?:quiero|quisiera|necesito|deseo|puedo|podria|me gustaria)?\\s*hablar)';
const TARGET_AFTER_VERB = new RegExp(`(?:^|\\b)${VERBS}\\s+(?:con|a)\\s+(.+)$`);
const CONTACT_OF = /\b(?:la\s+)?(?:extension|ext|numero|telefono|tel|correo|email|mail|contacto)\s+(?:de|del)\s+(.+)$/;
const EXTENSION_ONLY = /^(?:(?:a\s+)?la\s+)?(?:extension|ext)\s*(\d{2,8})$|^(\d{3,8})$/;
const WANTS_SWITCHBOARD = new RegExp(
  `^(?:(?:quiero|quisiera|necesito|deseo|me gustaria|puede|podria)\\s+)?(?:${VERBS})(?:\\s+(?:con|a))?(?:\\s+(?:una|la|alguna|otra))?\\s+(?:extension|persona|area|oficina)$`,
);
/** What follows the person or area and is not part of it: «con sistemas sobre mi correo» → «sistemas». */
const TAIL = /\s+(?:sobre|porque|para|por|acerca|ya que|pues|que|de mi|del? (?:reporte|ticket|folio))\b.*$/;
/** Targets that are not in a directory: «mi jefe», «el reporte CAU-…», «un agente». */
const NOT_A_TARGET = /^(?:mis?|su|sus|un|una|alguien|nadie)\b|\b(?:reporte|ticket|tiket|folio|solicitud|caso|agente|asesor|humano|persona real)\b/;

/**
 * A switchboard request in the person's words: «comuníqueme con la licenciada María Pérez» → «la licenciada maria
 * perez»; «¿cuál es la extensión de Recursos Humanos?» → «recursos humanos»; «42500», «extensión 42500» → «42500»;
 * «quiero comunicarme a una extensión» → '' (who is asked); anything else → null. Only a candidate: the directory
 * must know the target before the switchboard takes the request (see {@link SwitchboardDialog.claims}).
 */
export function switchboardQuery(text: string | undefined): string | null {
  const folded = normalizeUtterance(text).replace(/[¿?¡!.,;:]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (folded === '') return null;
  const extension = EXTENSION_ONLY.exec(folded);
  const digits = extension?.[1] ?? extension?.[2];
  if (digits) return digits;
  if (WANTS_SWITCHBOARD.test(folded)) return '';
  const target = TARGET_AFTER_VERB.exec(folded) ?? CONTACT_OF.exec(folded);
  const query = target?.[1]
    ?.replace(/\b(?:por favor|porfa|gracias)\b/g, '')
    .replace(TAIL, '')
    .trim();
  if (!query || NOT_A_TARGET.test(query)) return null;
  return query;
}

function isVoice(context: TurnContext): boolean {
  return context.activity.channelId === VOICE_CHANNEL;
}

function event(name: string, value: unknown) {
  return { type: ActivityTypes.Event, name, value };
}

function formatPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 10 ? `${digits.slice(0, 2)} ${digits.slice(2, 6)} ${digits.slice(6)}` : phone;
}

/**
 * The switchboard operator (seeds 000 and 001): finds the person or area the caller asks for in the directory
 * (speech and spelling errors allowed), and on the phone confirms and transfers the call («¿Lo comunico con la Lic.
 * María Pérez, extensión 42500?»). Busy or no answer → wait on the line (the hold phrase every few seconds, then the
 * extension is tried again) or a call back at the time the caller says. On chat channels it gives the extension,
 * phone and e-mail. Begun with the request by the main dialog when {@link SwitchboardDialog.claims} says so.
 */
export class SwitchboardDialog extends ComponentDialog<RequestDialogOptions> {
  constructor(private readonly deps: SwitchboardDialogDeps) {
    super(SwitchboardIds.main);
    for (const k of ['directory', 'callbacks', 'parseTime', 'clock', 'settings'] as const) {
      if (!deps?.[k]) throw new Error(`SwitchboardDialog: ${k} is required`);
    }
    this.addDialog(new TextPrompt(SwitchboardIds.prompt, textOrExplain));
    const waterfall = (id: string, ...steps: Array<(step: WaterfallStepContext<Call>) => Promise<DialogTurnResult>>) =>
      this.addDialog(new WaterfallDialog<Call>(id, steps));
    waterfall(SwitchboardIds.find, (s) => this.askWhoStep(s), (s) => this.lookupStep(s));
    waterfall(SwitchboardIds.pick, (s) => this.askPickStep(s), (s) => this.pickStep(s));
    waterfall(SwitchboardIds.confirm, (s) => this.askConfirmStep(s), (s) => this.confirmStep(s));
    this.addDialog(new AwaitEventDialog(SwitchboardIds.await));
    waterfall(SwitchboardIds.dial, (s) => this.dialStep(s), (s) => this.dialResultStep(s));
    waterfall(SwitchboardIds.busy, (s) => this.askBusyStep(s), (s) => this.busyStep(s));
    waterfall(SwitchboardIds.when, (s) => this.askWhenStep(s), (s) => this.whenStep(s));
    waterfall(SwitchboardIds.phone, (s) => this.askPhoneStep(s), (s) => this.phoneStep(s));
    waterfall(SwitchboardIds.staff, (s) => this.ask(s, m.outboundAskExtension), (s) => this.staffStep(s));
    waterfall(SwitchboardIds.pin, (s) => this.ask(s, m.outboundAskPin), (s) => this.pinStep(s));
    waterfall(SwitchboardIds.outNumber, (s) => this.ask(s, m.outboundAskNumber((s.options.spoken ?? '').replace(/^(?:la|el) /, ''))), (s) => this.outNumberStep(s));
    waterfall(SwitchboardIds.outWho, (s) => this.ask(s, m.outboundAskWho), (s) => this.outWhoStep(s));
    this.initialDialogId = SwitchboardIds.find;
  }

  /** True when the request is for the switchboard: a person, an area or an extension that the directory knows. */
  async claims(text: string | undefined): Promise<boolean> {
    if (wantsOutboundCall(text)) return true;
    const query = switchboardQuery(text);
    if (query === null) return false;
    if (query === '') return true;
    if (/^\d+$/.test(query)) return (await this.deps.directory.byExtension(query)) !== null;
    // Only a person or area the directory knows: «no me puedo conectar a internet» stays a help-desk request.
    const [best] = await this.deps.directory.lookup(query, { limit: 1 });
    return best !== undefined && best.score >= LIKELY;
  }

  protected override async onBeginDialog(innerDc: DialogContext, options?: RequestDialogOptions): Promise<DialogTurnResult> {
    const request = options?.request ?? '';
    const call: Call = { request, query: switchboardQuery(request) ?? request, rounds: 0, attempt: 0, retries: 0 };
    if (options?.profile !== undefined) call.profile = options.profile;
    if (wantsOutboundCall(request)) {
      if (!isVoice(innerDc.context) || !this.deps.verifyPin) {
        await innerDc.context.sendActivity(say(m.outboundPhoneOnly));
        return innerDc.endDialog(this.result(call, null));
      }
      return innerDc.beginDialog(SwitchboardIds.staff, call);
    }
    return innerDc.beginDialog(SwitchboardIds.find, call);
  }

  // ---- who ------------------------------------------------------------------------------------------------------

  private async askWhoStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    if (c.query.trim() !== '') return step.next(c.query);
    const text = isVoice(step.context) ? m.askWhoVoice : m.askWho;
    return step.prompt(SwitchboardIds.prompt, { prompt: ask(text) });
  }

  private async lookupStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c: Call = { ...step.options, rounds: step.options.rounds + 1 };
    const said = typeof step.result === 'string' ? step.result.trim() : '';
    const query = switchboardQuery(said) || said;
    c.query = query;
    const matches = query === '' ? [] : await this.find(query);
    const best = matches[0];
    if (!best || best.score < LIKELY) {
      if (c.rounds >= 2) {
        await step.context.sendActivity(say(m.notFoundAgain));
        return step.endDialog(this.result(c, null));
      }
      await step.context.sendActivity(say(m.notFound(query || c.request)));
      return step.replaceDialog(SwitchboardIds.find, { ...c, query: '' });
    }
    const close = matches.filter((match) => match.score >= LIKELY && best.score - match.score < CLOSE).slice(0, 4);
    if (close.length > 1) return step.replaceDialog(SwitchboardIds.pick, { ...c, choices: close.map((match) => match.entry) });
    const chosen = this.chosen(step.context, c, best.entry);
    if (best.score >= SURE || isVoice(step.context)) return this.act(step, chosen);
    return step.replaceDialog(SwitchboardIds.pick, { ...chosen, choices: [best.entry] });
  }

  private async find(query: string): Promise<SwitchboardMatch[]> {
    if (/^\d{3,6}$/.test(query)) {
      const entry = await this.deps.directory.byExtension(query);
      return entry ? [{ entry, score: 1 }] : [];
    }
    return this.deps.directory.lookup(query, { limit: 5 });
  }

  private chosen(context: TurnContext, c: Call, entry: SwitchboardEntry): Call {
    const { choices: _dropped, ...rest } = c;
    return { ...rest, entry, spoken: this.name(context, entry), attempt: 0, retries: 0 };
  }

  /** Titles are written abbreviated («Lic.») and said in full on the phone («licenciada»). */
  private name(context: TurnContext, entry: SwitchboardEntry): string {
    return this.deps.directory.spokenName(entry, { abbreviations: isVoice(context) ? 'expand' : 'keep' });
  }

  // ---- several matches --------------------------------------------------------------------------------------------

  private async askPickStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const choices = step.options.choices ?? [];
    const names = choices.map((entry) => this.label(step.context, entry));
    const text = choices.length === 1 ? m.didYouMean(names[0] ?? '') : m.whichOne(names);
    const options = choices.length === 1 ? [messages.attention.yes, messages.attention.no] : [...names, m.noneOfThese];
    return step.prompt(SwitchboardIds.prompt, { prompt: ask(text, options) });
  }

  private async pickStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    const choices = c.choices ?? [];
    const answer = typeof step.result === 'string' ? step.result.trim() : '';
    let entry: SwitchboardEntry | undefined;
    if (choices.length === 1) {
      const yes = parseYesNo(answer);
      if (yes === true) entry = choices[0];
      else if (yes === false) return step.replaceDialog(SwitchboardIds.find, { ...c, choices: undefined, query: '' });
    } else {
      const folded = normalizeUtterance(answer);
      const index = /^\d$/.test(folded) ? Number(folded) : Number.NaN;
      entry = Number.isInteger(index) && index >= 1 && index <= choices.length ? choices[index - 1] : choices.find((e) => normalizeUtterance(this.label(step.context, e)) === folded);
      if (!entry && /\bninguna?\b/.test(folded)) return step.replaceDialog(SwitchboardIds.find, { ...c, choices: undefined, query: '' });
      if (!entry && folded !== '') {
        const again = await this.deps.directory.lookup(answer, { limit: 5 });
        entry = again.find((match) => match.score >= LIKELY && choices.some((choice) => choice.id === match.entry.id))?.entry;
      }
    }
    if (!entry) {
      if (c.retries >= 1) {
        await step.context.sendActivity(say(m.notFoundAgain));
        return step.endDialog(this.result(c, null));
      }
      await step.context.sendActivity(say(m.whichRetry));
      return step.replaceDialog(SwitchboardIds.pick, { ...c, retries: c.retries + 1 });
    }
    return this.act(step, this.chosen(step.context, c, entry));
  }

  private label(context: TurnContext, entry: SwitchboardEntry): string {
    const name = this.name(context, entry);
    return entry.kind === 'person' && entry.area ? `${name} (${entry.area})` : name;
  }

  // ---- what to do with the entry ----------------------------------------------------------------------------------

  /** Chat: the contact data. Voice: confirm and transfer (or say why it cannot). */
  private async act(step: WaterfallStepContext<Call>, c: Call): Promise<DialogTurnResult> {
    const entry = c.entry as SwitchboardEntry;
    const name = c.spoken ?? entry.name;
    if (!isVoice(step.context)) {
      const parts = [
        ...(entry.extension ? [m.extension(entry.extension)] : []),
        ...(entry.phone ? [m.phone(formatPhone(entry.phone))] : []),
        ...(entry.email ? [m.email(entry.email)] : []),
        ...(entry.kind === 'person' && entry.area ? [m.area(entry.area)] : []),
      ];
      const lines = [parts.length > 0 ? m.contact(name, parts) : m.noContactData(name)];
      if (entry.availability !== 'available') lines.push(m.unavailable(name, entry.availabilityNote));
      await step.context.sendActivities(lines.map((line) => say(line)));
      await this.record(step.context, c, 'directory');
      return step.endDialog(this.result(c, m.summaryContact(name)));
    }
    if (entry.availability !== 'available') {
      await step.context.sendActivity(say(m.unavailable(name, entry.availabilityNote)));
      return step.replaceDialog(SwitchboardIds.when, c);
    }
    if (!entry.route) {
      await step.context.sendActivity(say(m.noRoute(name, entry.extension)));
      await this.record(step.context, c, 'directory');
      return step.endDialog(this.result(c, m.summaryContact(name)));
    }
    // On the phone the caller always hears who they will be put through to before the transfer (seed 000, step 03).
    return step.replaceDialog(SwitchboardIds.confirm, c);
  }

  private async askConfirmStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    const entry = c.entry as SwitchboardEntry;
    const text = m.confirm(c.spoken ?? entry.name, entry.extension);
    return step.prompt(SwitchboardIds.prompt, { prompt: ask(text, [messages.attention.yes, messages.attention.no]) });
  }

  private async confirmStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    const answer = typeof step.result === 'string' ? step.result : '';
    const yes = parseYesNo(answer);
    if (yes === true) {
      await step.context.sendActivity(say(m.transferring));
      return step.replaceDialog(SwitchboardIds.dial, { ...c, attempt: 1 });
    }
    if (yes === false) {
      // Maybe they said who they want instead («no, con la ingeniera Ruiz»).
      const rest = answer.replace(/^\s*no\b[\s,.]*/i, '').trim();
      return step.replaceDialog(SwitchboardIds.find, { ...c, entry: undefined, query: rest.split(/\s+/).length >= 2 ? rest : '' });
    }
    if (c.retries >= 1) {
      await step.context.sendActivity(say(m.notFoundAgain));
      return step.endDialog(this.result(c, null));
    }
    await step.context.sendActivity(say(m.confirmRetry(c.spoken ?? (c.entry as SwitchboardEntry).name)));
    return step.replaceDialog(SwitchboardIds.confirm, { ...c, retries: c.retries + 1 });
  }

  // ---- the transfer -----------------------------------------------------------------------------------------------

  /** Asks the phone adapter to dial the entry and waits for `dialResult`. */
  private async dialStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    const entry = c.entry as SwitchboardEntry;
    const transfer: TransferRequest = {
      entryId: entry.id,
      spokenName: c.spoken ?? entry.name,
      extension: entry.extension,
      route: entry.route as VoiceRoute,
      timeoutSeconds: this.deps.settings.transferTimeoutSeconds,
      attempt: c.attempt,
    };
    const options: AwaitEventOptions = { send: [event(VOICE_EVENTS.transfer, transfer)], event: VOICE_EVENTS.dialResult };
    return step.beginDialog(SwitchboardIds.await, options);
  }

  private async dialResultStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    const name = c.spoken ?? (c.entry as SwitchboardEntry).name;
    const result = step.result as DialResult | undefined;
    if (!result || typeof result.status !== 'string') {
      // Something else arrived while the call was being put through (it should not): try the transfer again.
      return step.replaceDialog(SwitchboardIds.dial, c);
    }
    if (result.status === 'completed' || result.status === 'answered') {
      await this.record(step.context, c, 'transferred');
      return step.endDialog(this.result(c, m.summaryTransferred(name)));
    }
    const waitAttempts = this.deps.settings.waitAttempts;
    // Waiting: the hold phrase, a pause, and the extension again, up to `waitAttempts` times before asking again.
    if (c.attempt > 1 && (c.attempt - 1) % Math.max(1, waitAttempts) !== 0) {
      return this.holdAndRetry(step, c);
    }
    return step.replaceDialog(SwitchboardIds.busy, { ...c, retries: 0, lastStatus: result.status });
  }

  private async holdAndRetry(step: WaterfallStepContext<Call>, c: Call): Promise<DialogTurnResult> {
    const hold: HoldRequest = { seconds: this.deps.settings.holdSeconds };
    await step.context.sendActivities([say(m.hold), event(VOICE_EVENTS.hold, hold)]);
    return step.replaceDialog(SwitchboardIds.dial, { ...c, attempt: c.attempt + 1 });
  }

  private async askBusyStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    const entry = c.entry as SwitchboardEntry;
    const name = c.spoken ?? entry.name;
    const status = c.lastStatus === 'busy' || c.lastStatus === 'no-answer' ? c.lastStatus : 'failed';
    if (status === 'failed') return step.prompt(SwitchboardIds.prompt, { prompt: ask(m.failed(name), [m.callMe, m.otherPerson]) });
    const text = c.attempt > 1 ? m.stillBusy(name) : m.busy(name, entry.extension, status);
    return step.prompt(SwitchboardIds.prompt, { prompt: ask(text, [m.wait, m.callMe, m.otherPerson]) });
  }

  private async busyStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    const folded = normalizeUtterance(typeof step.result === 'string' ? step.result : '');
    const failed = c.lastStatus !== 'busy' && c.lastStatus !== 'no-answer';
    // The call back first: «no puedo esperar, mejor llámenme» says «esperar» too.
    if (folded === normalizeUtterance(m.callMe) || /\b(llam|marqu|despues|luego|mas tarde|otro momento|manana|regres)/.test(folded) || /\bno\b.*\besper/.test(folded)) {
      return step.replaceDialog(SwitchboardIds.when, c);
    }
    if (/\b(otr[ao]|ningun|nadie|cancel)/.test(folded)) return step.replaceDialog(SwitchboardIds.find, { ...c, entry: undefined, query: '', rounds: 0 });
    // A route that failed is not tried again and again: waiting is offered only for busy or unanswered lines.
    if (!failed && (/\b(esper|aguard|sigo|seguir|en la linea)/.test(folded) || folded === normalizeUtterance(m.wait))) return this.holdAndRetry(step, c);
    if (c.retries >= 1) return step.replaceDialog(SwitchboardIds.when, c);
    await step.context.sendActivity(say(m.busyRetry));
    return step.replaceDialog(SwitchboardIds.busy, { ...c, retries: c.retries + 1 });
  }

  // ---- the call back ----------------------------------------------------------------------------------------------

  private async askWhenStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    return step.prompt(SwitchboardIds.prompt, { prompt: ask(m.askWhen) });
  }

  private async whenStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    const answer = typeof step.result === 'string' ? step.result : '';
    const parsed = this.deps.parseTime(answer, this.deps.clock.now());
    if (!parsed) {
      // «No, gracias»: no call back.
      if (parseYesNo(answer) === false || /\b(ningun|nada|olvidelo|dejelo)\b/.test(normalizeUtterance(answer))) {
        await step.context.sendActivity(say(m.callbackCancelled));
        return step.endDialog(this.result(c, null));
      }
      if (c.retries < 1) {
        await step.context.sendActivity(say(m.whenRetry));
        return step.replaceDialog(SwitchboardIds.when, { ...c, retries: c.retries + 1 });
      }
      await step.context.sendActivity(say(m.callbackCancelled));
      return step.endDialog(this.result(c, null));
    }
    if (parsed.notice) await step.context.sendActivity(say(parsed.notice));
    return step.replaceDialog(SwitchboardIds.phone, { ...c, retries: 0, when: { at: parsed.at.toISOString(), spoken: parsed.spoken, words: answer.trim().slice(0, 200) } });
  }

  /** The caller's own number is offered first; otherwise (or «no») the number is asked. */
  private async askPhoneStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    const known = c.phone ?? channelFacts(step.context).phone;
    const when = c.when?.spoken ?? '';
    if (known && c.retries === 0) {
      return step.prompt(SwitchboardIds.prompt, { prompt: ask(m.confirmCallback(when, known.slice(-4)), [messages.attention.yes, messages.attention.no]) });
    }
    return step.prompt(SwitchboardIds.prompt, { prompt: ask(m.askPhone) });
  }

  private async phoneStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    const answer = typeof step.result === 'string' ? step.result : '';
    const known = c.phone ?? channelFacts(step.context).phone;
    let phone: string | undefined;
    if (known && c.retries === 0) {
      const yes = parseYesNo(answer);
      if (yes === true) phone = known;
      else return step.replaceDialog(SwitchboardIds.phone, { ...c, retries: 1 });
    } else {
      const digits = answer.replace(/\D/g, '');
      const national = digits.length === 12 && digits.startsWith('52') ? digits.slice(2) : digits;
      if (national.length === 10) phone = national;
      else if (c.retries < 3) {
        await step.context.sendActivity(say(m.phoneRetry));
        return step.replaceDialog(SwitchboardIds.phone, { ...c, retries: c.retries + 1 });
      } else {
        await step.context.sendActivity(say(m.callbackCancelled));
        return step.endDialog(this.result(c, null));
      }
    }
    const entry = c.entry as SwitchboardEntry;
    const name = c.spoken ?? entry.name;
    const when = c.when ?? { at: this.deps.clock.now().toISOString(), spoken: '', words: '' };
    const { activity } = step.context;
    await this.deps.callbacks.requestCallback({
      conversationId: activity.conversation.id,
      channel: activity.channelId,
      requesterId: isProfile(c.profile) ? c.profile.requesterId : null,
      name: isProfile(c.profile) ? (c.profile.slots.name ?? null) : null,
      phone,
      preferredTime: when.words || when.spoken,
      reason: entry.availability === 'available' ? 'transfer_busy' : 'transfer_unavailable',
      kind: 'transfer',
      directoryEntryId: entry.id,
      scheduledAt: new Date(when.at),
    });
    await step.context.sendActivity(say(m.callbackBooked(when.spoken, name)));
    await this.record(step.context, c, 'callback');
    return step.endDialog(this.result(c, m.summaryCallback(name, when.spoken)));
  }

  // ---- outbound calls for internal staff (seed 002, steps 14–24) --------------------------------------------------

  private ask(step: WaterfallStepContext<Call>, text: string): Promise<DialogTurnResult> {
    return step.prompt(SwitchboardIds.prompt, { prompt: ask(text) });
  }

  private async staffStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const digits = (typeof step.result === 'string' ? step.result : '').replace(/\D/g, '');
    return step.replaceDialog(SwitchboardIds.pin, { ...step.options, staffExtension: digits });
  }

  /** The PIN is checked (the directory locks an extension after repeated failures) and hidden in the transcript. */
  private async pinStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    const pin = (typeof step.result === 'string' ? step.result : '').replace(/\D/g, '');
    const { activity } = step.context;
    if (this.deps.redact && activity.id) await this.deps.redact(activity.conversation.id, activity.id);
    const staff = c.staffExtension && pin ? await this.deps.verifyPin?.(c.staffExtension, pin) : null;
    if (!staff) {
      if (c.retries < 1) {
        await step.context.sendActivity(say(m.outboundBadPin));
        return step.replaceDialog(SwitchboardIds.staff, { ...c, retries: c.retries + 1 });
      }
      await step.context.sendActivity(say(m.outboundRefused));
      return step.endDialog(this.result(c, null));
    }
    return step.replaceDialog(SwitchboardIds.outNumber, { ...c, retries: 0, staff, spoken: this.name(step.context, staff) });
  }

  private async outNumberStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    const digits = (typeof step.result === 'string' ? step.result : '').replace(/\D/g, '');
    const national = digits.length === 12 && digits.startsWith('52') ? digits.slice(2) : digits;
    if (national.length !== 10) {
      if (c.retries < 2) {
        await step.context.sendActivity(say(m.phoneRetry));
        return step.replaceDialog(SwitchboardIds.outNumber, { ...c, retries: c.retries + 1 });
      }
      await step.context.sendActivity(say(m.callbackCancelled));
      return step.endDialog(this.result(c, null));
    }
    return step.replaceDialog(SwitchboardIds.outWho, { ...c, retries: 0, outNumber: national });
  }

  /** Books the outbound call: the number is called first, then the staff member's extension (seed 002, 16–17). */
  private async outWhoStep(step: WaterfallStepContext<Call>): Promise<DialogTurnResult> {
    const c = step.options;
    const who = (typeof step.result === 'string' ? step.result : '').trim().slice(0, 120);
    const staff = c.staff as SwitchboardEntry;
    const number = c.outNumber as string;
    const { activity } = step.context;
    await this.deps.callbacks.requestCallback({
      conversationId: activity.conversation.id,
      channel: activity.channelId,
      name: who || null,
      phone: number,
      preferredTime: 'lo antes posible',
      reason: 'outbound_staff',
      kind: 'outbound',
      directoryEntryId: staff.id,
      requestedBy: `ext. ${staff.extension ?? c.staffExtension ?? '?'} ${staff.name}`,
    });
    await step.context.sendActivity(say(m.outboundBooked(number.slice(-4), staff.extension ?? c.staffExtension ?? '')));
    await this.record(step.context, { ...c, entry: staff }, 'callback');
    return step.endDialog(this.result(c, m.summaryOutbound(number.slice(-4))));
  }

  private result(c: Call, summary: string | null): RequestDialogResult {
    return { summary, ...(c.profile !== undefined ? { profile: c.profile } : {}) };
  }

  private async record(context: TurnContext, c: Call, outcome: Extract<AttentionOutcome, 'directory' | 'transferred' | 'callback'>): Promise<void> {
    if (!this.deps.desk) return;
    const { activity } = context;
    const profile = isProfile(c.profile) ? c.profile : undefined;
    await this.deps.desk.recordOutcome({
      conversationId: activity.conversation.id,
      channel: activity.channelId,
      outcome,
      requesterId: profile?.requesterId ?? null,
      unitCode: profile?.slots.unitCode ?? null,
      serviceCode: null,
      ticketId: null,
      description: c.entry ? `${c.request} → ${c.entry.name}${c.entry.extension ? ` (ext. ${c.entry.extension})` : ''}` : c.request,
      idempotencyKey: `${outcome}:${turnKey(context)}`,
    });
  }
}
