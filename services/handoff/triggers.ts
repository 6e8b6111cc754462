/**
 * When the bot hands a conversation to a live agent (issue 5, item 1). Pure and synchronous: no botbuilder, no
 * database, no clock. The dialog calls {@link HandoffTriggers.check} once per incoming message and keeps the running
 * count of not-understood turns in its conversation state.
 *
 * Five triggers, each with a reason code and a Spanish sentence that tells the person what is happening and why:
 * the person asks for a human (`asked`), the bot failed to understand N turns in a row (`not_understood`), the person
 * is angry or in distress (`distress`), the report's urgency is critical (`critical`), or the catalog service is
 * flagged as attended by an agent (`requires_agent`).
 *
 * Sentiment uses `natural`'s Spanish vocabularies (AFINN and ML-Senticon) and negation list, loaded by submodule as in
 * `services/nlu/natural.ts`. It does not use natural's `SentimentAnalyzer` class: requiring that file loads every
 * language's vocabulary (about 200 ms), its Senticon constructor stems 11,000 words (about 300 ms), it looks words up
 * with their accents (people seldom type them), and one «no» flips every later word of the message (and «no» is in
 * almost every fault report). Here the vocabulary is folded once, a negation flips the next three words only, and
 * words that describe IT faults rather than feelings («error», «falla», «bloqueado») are neutral.
 */
import { createRequire } from 'node:module';
import { foldCase, normalizeText } from '../nlu/normalize';
import { spanishStopwords } from '../script/natural-parts';
import type { Urgency } from '../tickets/priority';
import {
  ANGER_PHRASES, EXTRA_NEGATIONS, HUMAN_REQUEST_PATTERNS, HUMAN_REWRITES, INSULTS, INTENSIFIERS, NEUTRAL_WORDS,
  URGENCY_CUES, type WeightedPattern,
} from './lexicon.es';

/** Why a conversation goes to a live agent. */
export type HandoffReason = 'asked' | 'not_understood' | 'distress' | 'critical' | 'requires_agent';

/** Keys of {@link HANDOFF_MESSAGES_ES_MX}: one per reason, plus `urgent` (distress shown only by urgency words). */
export type HandoffMessageKey = HandoffReason | 'urgent';

/** What the bot says when it hands over (es-MX, «usted»). The dialog layer may pass its own wording. */
export const HANDOFF_MESSAGES_ES_MX: Readonly<Record<HandoffMessageKey, string>> = {
  asked: 'Con gusto le comunico con un agente de la Mesa de Ayuda.',
  not_understood: 'Parece que no le estoy entendiendo; para no hacerle perder tiempo, le comunico con un agente.',
  distress: 'Lamento la molestia. Le comunico con un agente para atenderle personalmente.',
  urgent: 'Entiendo que su asunto es urgente. Le comunico con un agente para atenderle personalmente.',
  critical: 'Por la urgencia de su reporte, le comunico con un agente.',
  requires_agent: 'Este servicio lo atiende personalmente un agente de la Mesa de Ayuda; le comunico con uno para continuar.',
};

/** A decision to hand the conversation over. */
export interface HandoffDecision {
  /** The main reason, which chose {@link message}. */
  reason: HandoffReason;
  /** Every trigger that fired on this message, main reason first (for metrics and the agent's console). */
  reasons: HandoffReason[];
  /** Spanish sentence for the person: what happens and why. */
  message: string;
  /** Distress score of the message (see {@link Distress.score}). */
  score: number;
  /** Words and phrases that fired (folded text), for the agent's console and logs. */
  cues: string[];
}

/** How upset or pressed for time a message sounds. */
export interface Distress {
  /**
   * −1 (very negative) to +1 (very positive), 0 when nothing is said either way. It is the sum of word polarities
   * (AFINN ÷ 5 or Senticon, in [−1, 1]; flipped after a negation, ×1.5 after «muy»), complaint phrases (−0.5 to −1.5
   * each), insults (−1.2) and shouting (−0.8 for capitals, −0.4 for «!!»), divided by √(max(words, 4)) and clamped.
   * Dividing by the root rather than the word count keeps a long, angry message angry while a long calm fault
   * report with one sour word stays near 0. «pésimo servicio» scores −0.75; a calm report stays between about −0.25 and +0.3.
   */
  score: number;
  /** An insult or profanity was used. */
  insult: boolean;
  /** Urgency or distress cues add up to 1 («urgente», «emergencia», «examen» + «en 10 minutos»). */
  urgent: boolean;
  /** What fired, e.g. `insult:pinche`, `anger:es una verguenza`, `urgency:urgente`. */
  cues: string[];
}

/** Options of {@link HandoffTriggers}. */
export interface HandoffTriggerOptions {
  /** Score at or below which a message counts as distress (default −0.5, range −1 to 0). */
  distressThreshold?: number;
  /** Not-understood turns in a row that trigger a handoff (default 2). */
  notUnderstoodLimit?: number;
  /** Replacement wording, e.g. from `dialogs/messages/es-MX.ts`. */
  messages?: Partial<Record<HandoffMessageKey, string>>;
  /** Word polarities; defaults to natural's Spanish vocabularies. */
  sentiment?: SpanishSentiment;
}

/** One incoming message as the dialog sees it. */
export interface HandoffCheckInput {
  text: string;
  /** Whether the bot understood this turn. */
  understood: boolean;
  /** Not-understood turns in a row before this one (from conversation state). */
  notUnderstoodInARow: number;
  /** Urgency of the ticket or service being handled, when known. */
  urgency?: Urgency | null;
  /** The matched catalog service is flagged "requires agent". */
  requiresAgent?: boolean;
}

/** Result of {@link HandoffTriggers.check}: the decision (null = keep going) and the count to store back. */
export interface HandoffCheckResult {
  decision: HandoffDecision | null;
  /** 0 after an understood turn, otherwise the previous count + 1; the caller may reset it after a handoff. */
  notUnderstoodInARow: number;
}

process.env.DOTENV_CONFIG_QUIET ??= 'true';
const load = createRequire(__filename);
const SENTIMENT_DIR = 'natural/lib/natural/sentiment/Spanish';

const NEGATION_SPAN = 3;
const INTENSITY = 1.5;
const INSULT_WEIGHT = -1.2;
const SHOUT_WEIGHT = -0.8;
const EXCLAIM_WEIGHT = -0.4;
const MIN_WORDS = 4;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Word polarities in [−1, 1] and negation words, keyed by folded (accent-free, lower-case) word. */
export class SpanishSentiment {
  constructor(
    private readonly polarities: ReadonlyMap<string, number>,
    private readonly negations: ReadonlySet<string>,
    private readonly intensifiers: ReadonlySet<string> = new Set(INTENSIFIERS),
  ) {}

  /** natural's Spanish AFINN (preferred, ÷ 5) and Senticon vocabularies; stop words and {@link NEUTRAL_WORDS} are 0. */
  static loadNatural(): SpanishSentiment {
    const afinn: unknown = load(`${SENTIMENT_DIR}/afinnShortSortedSpanish.json`);
    const senticon: unknown = load(`${SENTIMENT_DIR}/senticon_es.json`);
    const negations: unknown = load(`${SENTIMENT_DIR}/negations_es.json`);
    const words: unknown = isRecord(negations) ? negations.words : undefined;
    if (!isRecord(afinn) || !isRecord(senticon) || !Array.isArray(words)) {
      throw new Error('SpanishSentiment.loadNatural(): natural\'s Spanish sentiment files not found');
    }
    const polarities = new Map<string, number>();
    for (const [word, entry] of Object.entries(senticon)) {
      const pol = isRecord(entry) ? Number(entry.pol) : NaN;
      if (!word.includes(' ') && Number.isFinite(pol)) polarities.set(foldCase(word), pol);
    }
    for (const [word, value] of Object.entries(afinn)) {
      if (!word.includes(' ') && typeof value === 'number') polarities.set(foldCase(word), value / 5);
    }
    // Function words carry no feeling (Senticon rates «un» −0.375); negations and «muy» are handled apart.
    for (const word of [...spanishStopwords().map(foldCase), ...NEUTRAL_WORDS]) polarities.set(word, 0);
    const negationSet = new Set(words.filter((w): w is string => typeof w === 'string').map(foldCase));
    for (const word of EXTRA_NEGATIONS) negationSet.add(word);
    return new SpanishSentiment(polarities, negationSet);
  }

  /** Polarity of one folded word, trying its masculine singular form («enojadas» → «enojado»). */
  polarity(word: string): number | undefined {
    const direct = this.polarities.get(word);
    if (direct !== undefined) return direct;
    for (const form of baseForms(word)) {
      const p = this.polarities.get(form);
      if (p !== undefined) return p;
    }
    return undefined;
  }

  /** Sum of word polarities with negation (next {@link NEGATION_SPAN} words) and intensifiers. */
  sum(words: readonly string[]): { sum: number; cues: string[] } {
    let sum = 0;
    let negated = 0;
    let boost = 1;
    const cues: string[] = [];
    for (const word of words) {
      if (this.negations.has(word)) {
        negated = NEGATION_SPAN;
        continue;
      }
      if (this.intensifiers.has(word)) {
        boost = INTENSITY;
        continue;
      }
      const p = this.polarity(word);
      if (p) {
        const value = p * boost * (negated > 0 ? -1 : 1);
        sum += value;
        if (value <= -0.3) cues.push(`word:${negated > 0 ? 'no ' : ''}${word}`);
      }
      boost = 1;
      if (negated > 0) negated -= 1;
    }
    return { sum, cues };
  }
}

function baseForms(word: string): string[] {
  const forms: string[] = [];
  const singular = word.endsWith('es') && word.length > 4 ? [word.slice(0, -2), word.slice(0, -1)] : word.endsWith('s') ? [word.slice(0, -1)] : [word];
  for (const s of singular) {
    if (s !== word) forms.push(s);
    if (s.endsWith('isima') || s.endsWith('isimo')) forms.push(`${s.slice(0, -5)}o`);
    // «enojada» → «enojado», but not short words («neta» is not «neto»).
    if (s.endsWith('a') && s.length >= 5) forms.push(`${s.slice(0, -1)}o`);
  }
  return forms;
}

/** Wraps a pattern so it matches whole words of the normalised text. */
function wholeWords(source: string): string {
  return `(?<![a-z0-9])(?:${source})(?![a-z0-9])`;
}

interface CompiledCue {
  readonly pattern: RegExp;
  readonly weight: number;
}

function compileWeighted(list: readonly WeightedPattern[]): { any: RegExp; each: readonly CompiledCue[] } {
  return {
    any: new RegExp(list.map(([source]) => wholeWords(source)).join('|')),
    each: list.map(([source, weight]) => ({ pattern: new RegExp(wholeWords(source)), weight })),
  };
}

// Compiled once: check() runs on every message.
const REWRITES = HUMAN_REWRITES.map(([source, replacement]) => [new RegExp(wholeWords(source), 'g'), replacement] as const);
const HUMAN_REQUEST = new RegExp(HUMAN_REQUEST_PATTERNS.map((source) => (source.startsWith('^') ? source : wholeWords(source))).join('|'));
const INSULT = new RegExp(INSULTS.map(wholeWords).join('|'));
const ANGER = compileWeighted(ANGER_PHRASES);
const URGENCY = compileWeighted(URGENCY_CUES);
const LETTERS = /\p{L}/gu;
const UPPER = /\p{Lu}/gu;
const EXCLAMATIONS = /[!¡]{2,}|[?¿]{3,}/;

// normalizeText keeps two of a stretched letter and folds only «aa», «ii», «uu»; «pésimooo» still reads «pesimoo».
const STRETCHED_FINAL_O = /oo+(?![a-z0-9])/g;

function normalise(text: string): string {
  return normalizeText(text, 'es').replace(STRETCHED_FINAL_O, 'o');
}

function humanRequested(normalised: string): boolean {
  let t = normalised;
  for (const [pattern, replacement] of REWRITES) t = t.replace(pattern, replacement);
  return HUMAN_REQUEST.test(t);
}

function shouting(text: string): boolean {
  const letters = text.match(LETTERS)?.length ?? 0;
  return letters >= 8 && (text.match(UPPER)?.length ?? 0) / letters >= 0.7;
}

function weightedCues(normalised: string, cues: { any: RegExp; each: readonly CompiledCue[] }, tag: string, found: string[]): number {
  if (!cues.any.test(normalised)) return 0;
  let total = 0;
  for (const { pattern, weight } of cues.each) {
    const match = pattern.exec(normalised);
    if (match) {
      total += weight;
      found.push(`${tag}:${match[0]}`);
    }
  }
  return total;
}

function distressOfNormalised(text: string, normalised: string, sentiment: SpanishSentiment): Distress {
  const cues: string[] = [];
  const insultMatch = INSULT.exec(normalised);
  if (insultMatch) cues.push(`insult:${insultMatch[0]}`);
  const anger = weightedCues(normalised, ANGER, 'anger', cues);
  const urgency = weightedCues(normalised, URGENCY, 'urgency', cues);
  const tokens = normalised === '' ? [] : normalised.split(' ');
  const polarity = sentiment.sum(tokens);
  cues.push(...polarity.cues);
  let sum = polarity.sum + anger + (insultMatch ? INSULT_WEIGHT : 0);
  if (shouting(text)) {
    sum += SHOUT_WEIGHT;
    cues.push('shouting');
  }
  if (EXCLAMATIONS.test(text)) sum += EXCLAIM_WEIGHT;
  const score = Math.max(-1, Math.min(1, sum / Math.sqrt(Math.max(tokens.length, MIN_WORDS))));
  return { score: Math.round(score * 1000) / 1000, insult: insultMatch !== null, urgent: urgency >= 1, cues };
}

// A read-only cache, not conversation state: the vocabularies are the same for every instance and never change.
let naturalSentiment: SpanishSentiment | undefined;
/** natural's vocabularies, read on first use (about 70–100 ms, once per process) and shared. */
function defaultSentiment(): SpanishSentiment {
  naturalSentiment ??= SpanishSentiment.loadNatural();
  return naturalSentiment;
}

/**
 * Whether the message asks for a person: a whole message such as «agente» or «una persona, por favor», or a request
 * inside a sentence («¿me comunica con alguien?», «no quiero hablar con un robot»). Misspellings and speech-to-text
 * forms («ajente», «umano», «con a gente») count. Talk about other people or things does not: «el agente antivirus»,
 * «ya hablé con una persona de redes», «me comunica con recursos humanos» (a switchboard request).
 */
export function asksForHuman(text: string): boolean {
  return humanRequested(normalise(text));
}

/** How upset or pressed for time the message sounds (see {@link Distress}). */
export function distressOf(text: string, sentiment: SpanishSentiment = defaultSentiment()): Distress {
  return distressOfNormalised(text, normalise(text), sentiment);
}

/** Decides, message by message, whether to hand the conversation to a live agent. */
export class HandoffTriggers {
  private readonly distressThreshold: number;
  private readonly notUnderstoodLimit: number;
  private readonly messages: Readonly<Record<HandoffMessageKey, string>>;
  private readonly sentiment: SpanishSentiment;

  constructor(options: HandoffTriggerOptions = {}) {
    const threshold = options.distressThreshold ?? -0.5;
    const limit = options.notUnderstoodLimit ?? 2;
    if (!(threshold >= -1 && threshold <= 0)) throw new Error(`HandoffTriggers: distressThreshold must be between -1 and 0, got ${threshold}`);
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`HandoffTriggers: notUnderstoodLimit must be a positive integer, got ${limit}`);
    this.distressThreshold = threshold;
    this.notUnderstoodLimit = limit;
    this.messages = { ...HANDOFF_MESSAGES_ES_MX, ...options.messages };
    this.sentiment = options.sentiment ?? defaultSentiment();
  }

  /**
   * Checks one message. When several triggers fire, the message follows this order: anger or insult (apologise
   * first), asked, critical, requires agent, urgency words, not understood; `reasons` lists them all.
   */
  check(input: HandoffCheckInput): HandoffCheckResult {
    const previous = Number.isInteger(input.notUnderstoodInARow) && input.notUnderstoodInARow > 0 ? input.notUnderstoodInARow : 0;
    const notUnderstoodInARow = input.understood ? 0 : previous + 1;
    const normalised = normalise(input.text);
    const distress = distressOfNormalised(input.text, normalised, this.sentiment);
    const upset = distress.insult || distress.score <= this.distressThreshold;

    const fired: [HandoffReason, HandoffMessageKey][] = [];
    if (upset) fired.push(['distress', 'distress']);
    if (humanRequested(normalised)) fired.push(['asked', 'asked']);
    if (input.urgency === 'critical') fired.push(['critical', 'critical']);
    if (input.requiresAgent === true) fired.push(['requires_agent', 'requires_agent']);
    if (distress.urgent && !upset) fired.push(['distress', 'urgent']);
    if (notUnderstoodInARow >= this.notUnderstoodLimit) fired.push(['not_understood', 'not_understood']);

    const first = fired[0];
    if (!first) return { decision: null, notUnderstoodInARow };
    return {
      decision: {
        reason: first[0],
        reasons: fired.map(([reason]) => reason),
        message: this.messages[first[1]],
        score: distress.score,
        cues: distress.cues,
      },
      notUnderstoodInARow,
    };
  }
}
