/**
 * TwiML builders: the XML documents the voice and messaging webhooks answer with (Content-Type `text/xml`).
 *
 * Attribute names are Twilio's own (camelCase: `actionOnEmptyResult`, `speechTimeout`, `waitUrl`, `sendDigits`,
 * `answerOnBridge`…), booleans are written `true`/`false`, and every text and attribute is escaped. Characters that
 * XML 1.0 forbids (control characters) are dropped, so no user text can make Twilio reject a document.
 */

/** Content-Type of a TwiML answer. */
export const TWIML_CONTENT_TYPE = 'text/xml';
/** Default `<Say>` voice (Amazon Polly, Mexican Spanish). */
export const DEFAULT_VOICE = 'Polly.Mia';
/** Default `<Say>`/`<Gather>` language. */
export const DEFAULT_LANGUAGE = 'es-MX';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

type AttributeValue = string | number | boolean | undefined | null;

// Not allowed in XML 1.0 documents: C0 controls other than tab/newline/return, lone surrogates, U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text content with `&`, `<`, `>` escaped and forbidden characters dropped. */
export function escapeXmlText(text: string): string {
  return text.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value (double-quoted) with `&`, `<`, `>`, `"`, `'` escaped; tabs and newlines kept as references. */
export function escapeXmlAttribute(value: string): string {
  return escapeXmlText(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function attributes(attrs: Record<string, AttributeValue>): string {
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    const text = typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
    out += ` ${name}="${escapeXmlAttribute(text)}"`;
  }
  return out;
}

function element(name: string, attrs: Record<string, AttributeValue>, content?: string): string {
  return content === undefined || content === ''
    ? `<${name}${attributes(attrs)}/>`
    : `<${name}${attributes(attrs)}>${content}</${name}>`;
}

/** `<Say>` options; omitted ones take the builder's defaults ({@link DEFAULT_VOICE}, {@link DEFAULT_LANGUAGE}). */
export interface SayOptions {
  voice?: string;
  language?: string;
  /** Times to repeat (Twilio `loop`; 0 = until the call ends). */
  loop?: number;
}

/** Voice and language used when a `<Say>` gives none. */
export interface VoiceDefaults {
  voice?: string;
  language?: string;
}

/** `<Gather>` attributes. The four marked "default" may be left out. */
export interface GatherOptions {
  /** URL Twilio posts the result to. */
  action: string;
  method?: 'GET' | 'POST';
  /** Default `speech dtmf`. */
  input?: 'speech dtmf' | 'dtmf speech' | 'speech' | 'dtmf';
  /** Speech recognition language; default {@link DEFAULT_LANGUAGE}. */
  language?: string;
  /** Default `auto` (Twilio decides when the caller stopped talking); or seconds. */
  speechTimeout?: 'auto' | number;
  /** Seconds to wait for the first input (Twilio's default is 5). */
  timeout?: number;
  /** Comma-separated phrases (see `hintsFor`). */
  hints?: string;
  numDigits?: number;
  finishOnKey?: string;
  /** Post to `action` also when nothing was said or pressed; default true. */
  actionOnEmptyResult?: boolean;
  speechModel?: string;
  profanityFilter?: boolean;
}

/** `<Dial>` attributes. */
export interface DialOptions {
  /** URL Twilio posts `DialCallStatus` etc. to when the dialled leg ends. */
  action: string;
  method?: 'GET' | 'POST';
  /** Seconds to ring before `no-answer`. */
  timeout: number;
  callerId?: string;
  /** true → `record-from-answer-dual`; or one of Twilio's values. */
  record?: boolean | 'do-not-record' | 'record-from-answer' | 'record-from-ringing' | 'record-from-answer-dual' | 'record-from-ringing-dual';
  recordingStatusCallback?: string;
  /** Keep the caller hearing ringback until the other side answers. */
  answerOnBridge?: boolean;
  /** Longest call in seconds. */
  timeLimit?: number;
}

/** What `<Dial>` connects to: a PSTN number (digits sent after it answers), a SIP URI, or the head of a queue. */
export type DialTarget =
  | { number: string; sendDigits?: string }
  | { sip: string; username?: string; password?: string }
  | { queue: string; url?: string };

/** `<Enqueue>` attributes. */
export interface EnqueueOptions {
  /** TwiML fetched in a loop while the caller waits (announcements, hold phrase). */
  waitUrl: string;
  /** Posted when the caller leaves the queue (`QueueResult`, `QueueTime`…). */
  action: string;
  waitUrlMethod?: 'GET' | 'POST';
  method?: 'GET' | 'POST';
}

/** `<Record>` attributes. */
export interface RecordOptions {
  /** Posted when the recording ends (`RecordingUrl`, `RecordingDuration`, `RecordingSid`, `Digits`). */
  action: string;
  method?: 'GET' | 'POST';
  /** Longest message, in seconds. */
  maxLength: number;
  playBeep: boolean;
  finishOnKey?: string;
  /** Seconds of silence that end the recording. */
  timeout?: number;
  trim?: 'trim-silence' | 'do-not-trim';
  recordingStatusCallback?: string;
}

/** The verbs allowed inside `<Gather>` that this project uses. */
export class GatherTwiml {
  /** @internal */
  readonly parts: string[] = [];

  constructor(private readonly defaults: Required<VoiceDefaults>) {}

  say(text: string, options: SayOptions = {}): this {
    this.parts.push(sayElement(text, options, this.defaults));
    return this;
  }

  pause(seconds: number): this {
    this.parts.push(element('Pause', { length: wholeSeconds(seconds, 'pause') }));
    return this;
  }
}

function sayElement(text: string, options: SayOptions, defaults: Required<VoiceDefaults>): string {
  const attrs = { voice: options.voice ?? defaults.voice, language: options.language ?? defaults.language, loop: options.loop };
  return `<Say${attributes(attrs)}>${escapeXmlText(text)}</Say>`;
}

function wholeSeconds(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0) throw new Error(`VoiceTwiml.${what}(): invalid number of seconds ${value}`);
  return Math.round(value);
}

/**
 * Builds a voice TwiML document verb by verb: `new VoiceTwiml().say('Hola').gather({...}, (g) => g.say('¿…?'))`.
 * `toString()` gives the document with the XML declaration.
 */
export class VoiceTwiml {
  private readonly verbs: string[] = [];
  private readonly defaults: Required<VoiceDefaults>;

  constructor(defaults: VoiceDefaults = {}) {
    this.defaults = { voice: defaults.voice ?? DEFAULT_VOICE, language: defaults.language ?? DEFAULT_LANGUAGE };
  }

  /** `<Say>` with the builder's voice and language unless given. Empty text adds nothing. */
  say(text: string, options: SayOptions = {}): this {
    if (text.trim() !== '') this.verbs.push(sayElement(text, options, this.defaults));
    return this;
  }

  /**
   * `<Gather>` with the prompts nested inside it, so the caller can answer while they play (barge-in).
   * `input`, `language`, `speechTimeout` and `actionOnEmptyResult` default to `speech dtmf`, the builder's
   * language, `auto` and true.
   */
  gather(options: GatherOptions, inner?: (g: GatherTwiml) => void): this {
    const nested = new GatherTwiml(this.defaults);
    inner?.(nested);
    const attrs: Record<string, AttributeValue> = {
      action: options.action,
      method: options.method ?? 'POST',
      input: options.input ?? 'speech dtmf',
      language: options.language ?? this.defaults.language,
      speechTimeout: options.speechTimeout ?? 'auto',
      timeout: options.timeout,
      hints: options.hints === '' ? undefined : options.hints,
      numDigits: options.numDigits,
      finishOnKey: options.finishOnKey,
      actionOnEmptyResult: options.actionOnEmptyResult ?? true,
      speechModel: options.speechModel,
      profanityFilter: options.profanityFilter,
    };
    this.verbs.push(element('Gather', attrs, nested.parts.join('')));
    return this;
  }

  /** `<Pause length>`. */
  pause(seconds: number): this {
    this.verbs.push(element('Pause', { length: wholeSeconds(seconds, 'pause') }));
    return this;
  }

  /** `<Redirect>` (POST by default). */
  redirect(url: string, method: 'GET' | 'POST' = 'POST'): this {
    this.verbs.push(element('Redirect', { method }, escapeXmlText(url)));
    return this;
  }

  /** `<Dial>` to one number, SIP URI or queue. */
  dial(options: DialOptions, target: DialTarget): this {
    const record = options.record === true ? 'record-from-answer-dual' : options.record === false ? undefined : options.record;
    const attrs: Record<string, AttributeValue> = {
      action: options.action,
      method: options.method ?? 'POST',
      timeout: wholeSeconds(options.timeout, 'dial'),
      callerId: options.callerId,
      record,
      recordingStatusCallback: options.recordingStatusCallback,
      answerOnBridge: options.answerOnBridge,
      timeLimit: options.timeLimit,
    };
    let noun: string;
    if ('number' in target) noun = element('Number', { sendDigits: target.sendDigits || undefined }, escapeXmlText(target.number));
    else if ('sip' in target) noun = element('Sip', { username: target.username, password: target.password }, escapeXmlText(target.sip));
    else noun = element('Queue', { url: target.url }, escapeXmlText(target.queue));
    this.verbs.push(element('Dial', attrs, noun));
    return this;
  }

  /** `<Enqueue>` into the queue `name` (at most 64 characters, Twilio's limit). */
  enqueue(name: string, options: EnqueueOptions): this {
    if (name.length === 0 || name.length > 64) throw new Error(`VoiceTwiml.enqueue(): queue name must have 1-64 characters, got ${name.length}`);
    const attrs = {
      action: options.action,
      method: options.method ?? 'POST',
      waitUrl: options.waitUrl,
      waitUrlMethod: options.waitUrlMethod ?? 'POST',
    };
    this.verbs.push(element('Enqueue', attrs, escapeXmlText(name)));
    return this;
  }

  /** `<Leave>`: takes the caller out of the queue (from the waitUrl document); the Enqueue action follows. */
  leave(): this {
    this.verbs.push('<Leave/>');
    return this;
  }

  /** `<Hangup>`. */
  hangup(): this {
    this.verbs.push('<Hangup/>');
    return this;
  }

  /** `<Record>` a message. */
  record(options: RecordOptions): this {
    const attrs: Record<string, AttributeValue> = {
      action: options.action,
      method: options.method ?? 'POST',
      maxLength: wholeSeconds(options.maxLength, 'record'),
      playBeep: options.playBeep,
      finishOnKey: options.finishOnKey,
      timeout: options.timeout,
      trim: options.trim,
      recordingStatusCallback: options.recordingStatusCallback,
    };
    this.verbs.push(element('Record', attrs));
    return this;
  }

  /** Whether no verb was added yet. */
  get empty(): boolean {
    return this.verbs.length === 0;
  }

  /** The document, with the XML declaration. */
  toString(): string {
    return `${XML_DECLARATION}${element('Response', {}, this.verbs.join(''))}`;
  }
}

/** Messaging TwiML (SMS/WhatsApp replies): one `<Message>` per part; no message → an empty `<Response/>`. */
export class MessagingTwiml {
  private readonly messages: string[] = [];

  /** Adds a `<Message>`; empty text adds nothing. */
  message(text: string): this {
    if (text.trim() !== '') this.messages.push(`<Message>${escapeXmlText(text)}</Message>`);
    return this;
  }

  toString(): string {
    return `${XML_DECLARATION}${element('Response', {}, this.messages.join(''))}`;
  }
}
