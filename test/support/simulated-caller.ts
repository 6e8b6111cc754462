/**
 * A phone caller as our server sees it through Twilio: form-encoded, signed webhooks with the parameters Twilio
 * documents, and a TwiML interpreter that follows what the server answers.
 *
 *   const caller = new SimulatedCaller({ baseUrl, publicBaseUrl, authToken, from: '+525512345678', to: '+525500000000' });
 *   await caller.call();                 // POST /api/twilio/voice; the greeting is in caller.said()
 *   await caller.say('no puedo entrar a mi correo');   // answers the pending <Gather>
 *   await caller.press('1');             // DTMF
 *   await caller.silence();              // nothing said (actionOnEmptyResult) or the verbs after the Gather
 *   await caller.dialEnds('busy');       // the <Dial action> callback
 *   await caller.waitInQueue();          // one waitUrl fetch (hold announcements)
 *   await caller.leaveQueue('bridged');  // the <Enqueue action> callback
 *   await caller.recordMessage(url, 12); // the <Record action> callback
 *   await caller.hangUp();               // the status callback (CallStatus=completed)
 *
 * Signatures are computed over the public URL (`publicBaseUrl` + path + query), exactly what Twilio signs, while the
 * requests go to `baseUrl` (the test server). `<Redirect>` is followed at once; relative URLs resolve against the
 * document's URL, as Twilio does. Every document is validated: well-formed, `<Response>` root, Twilio's verbs and
 * attribute names only (camelCase), `true`/`false` booleans — what Twilio would refuse fails the test here.
 */
import { randomBytes } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { TWILIO_SIGNATURE_HEADER, twilioSignature, type TwilioParams } from '../../services/twilio/signature';

/** One TwiML verb or noun. */
export interface TwimlVerb {
  name: string;
  attrs: Record<string, string>;
  /** Text content (the words of `<Say>`, the URL of `<Redirect>`, the number of `<Number>`…). */
  text: string;
  children: TwimlVerb[];
}

/** What the call waits for. */
export type PendingAction = 'gather' | 'dial' | 'enqueue' | 'record' | 'hangup' | 'none';

export interface SimulatedCallerOptions {
  /** Where the server under test listens, e.g. `http://127.0.0.1:40123`. */
  baseUrl: string;
  /** PUBLIC_BASE_URL of the server (signatures are computed over it). */
  publicBaseUrl: string;
  authToken: string;
  /** The caller's number (inbound) or our Twilio number (outbound). */
  from: string;
  to: string;
  callSid?: string;
  accountSid?: string;
  /** `inbound` (default) or `outbound-api` (a call placed through the REST API, answered by `to`). */
  direction?: 'inbound' | 'outbound-api';
  /** Call status callback URL or path; default `/api/twilio/voice/status`. */
  statusCallback?: string;
  fetch?: typeof fetch;
}

/** One webhook request and its answer. */
export interface WebhookExchange {
  url: string;
  params: TwilioParams;
  status: number;
  body: string;
}

/** The answer to a raw request ({@link SimulatedCaller.rawPost}). */
export interface RawAnswer {
  status: number;
  contentType: string;
  body: string;
}

const BOOLEAN_ATTRS = new Set(['actionOnEmptyResult', 'playBeep', 'answerOnBridge', 'profanityFilter', 'hangupOnStar', 'enhanced', 'transcribe', 'debug']);
const METHOD_ATTRS = new Set(['method', 'waitUrlMethod', 'recordingStatusCallbackMethod', 'statusCallbackMethod', 'partialResultCallbackMethod']);

/** Twilio's documented attributes per verb/noun (the subset a voice IVR may use). */
const ALLOWED: Record<string, { attrs: string[]; children: string[]; text: 'required' | 'optional' | 'none' }> = {
  Response: { attrs: [], children: ['Say', 'Play', 'Pause', 'Gather', 'Redirect', 'Dial', 'Enqueue', 'Leave', 'Hangup', 'Record', 'Reject'], text: 'none' },
  Say: { attrs: ['voice', 'language', 'loop'], children: [], text: 'required' },
  Play: { attrs: ['loop', 'digits'], children: [], text: 'optional' },
  Pause: { attrs: ['length'], children: [], text: 'none' },
  Gather: {
    attrs: ['action', 'method', 'input', 'language', 'speechTimeout', 'timeout', 'hints', 'numDigits', 'finishOnKey', 'actionOnEmptyResult',
      'speechModel', 'profanityFilter', 'enhanced', 'partialResultCallback', 'partialResultCallbackMethod', 'debug'],
    children: ['Say', 'Play', 'Pause'],
    text: 'none',
  },
  Redirect: { attrs: ['method'], children: [], text: 'required' },
  Dial: {
    attrs: ['action', 'method', 'timeout', 'callerId', 'record', 'recordingStatusCallback', 'recordingStatusCallbackMethod',
      'recordingStatusCallbackEvent', 'recordingTrack', 'trim', 'answerOnBridge', 'timeLimit', 'hangupOnStar', 'ringTone', 'sequential'],
    children: ['Number', 'Sip', 'Queue', 'Client'],
    text: 'optional',
  },
  Number: { attrs: ['sendDigits', 'url', 'method', 'statusCallback', 'statusCallbackEvent', 'statusCallbackMethod'], children: [], text: 'required' },
  Sip: { attrs: ['username', 'password', 'url', 'method', 'statusCallback', 'statusCallbackEvent', 'statusCallbackMethod'], children: [], text: 'required' },
  Queue: { attrs: ['url', 'method', 'reservationSid', 'postWorkActivitySid'], children: [], text: 'required' },
  Client: { attrs: ['url', 'method', 'statusCallback', 'statusCallbackEvent', 'statusCallbackMethod'], children: [], text: 'required' },
  Enqueue: { attrs: ['action', 'method', 'waitUrl', 'waitUrlMethod', 'workflowSid'], children: [], text: 'required' },
  Leave: { attrs: [], children: [], text: 'none' },
  Hangup: { attrs: [], children: [], text: 'none' },
  Reject: { attrs: ['reason'], children: [], text: 'none' },
  Record: {
    attrs: ['action', 'method', 'timeout', 'finishOnKey', 'maxLength', 'playBeep', 'trim', 'recordingStatusCallback',
      'recordingStatusCallbackMethod', 'recordingStatusCallbackEvent', 'transcribe', 'transcribeCallback'],
    children: [],
    text: 'none',
  },
};

/** Verbs Twilio runs in a waitUrl document. */
const WAIT_VERBS = new Set(['Say', 'Play', 'Pause', 'Hangup', 'Redirect', 'Leave', 'Gather']);

const parser = new XMLParser({
  preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false,
  trimValues: false, processEntities: true, htmlEntities: false,
});

type OrderedNode = Record<string, unknown>;

function toVerbs(nodes: unknown): TwimlVerb[] {
  const verbs: TwimlVerb[] = [];
  for (const node of Array.isArray(nodes) ? (nodes as OrderedNode[]) : []) {
    const name = Object.keys(node).find((k) => k !== ':@' && k !== '#text');
    if (name === undefined) continue;
    const raw = node[name];
    const kids = Array.isArray(raw) ? (raw as OrderedNode[]) : [];
    const attrs: Record<string, string> = {};
    const attrNode = node[':@'];
    if (typeof attrNode === 'object' && attrNode !== null) {
      for (const [k, v] of Object.entries(attrNode)) attrs[k] = String(v);
    }
    const text = kids.filter((k) => '#text' in k).map((k) => String(k['#text'])).join('').trim();
    verbs.push({ name, attrs, text, children: toVerbs(kids) });
  }
  return verbs;
}

function validate(verb: TwimlVerb, parent: string, path: string): void {
  const rule = ALLOWED[verb.name];
  const where = `${path}<${verb.name}>`;
  if (rule === undefined) throw new Error(`TwiML: unknown verb ${where}`);
  const parentRule = ALLOWED[parent];
  if (parentRule !== undefined && !parentRule.children.includes(verb.name)) throw new Error(`TwiML: <${verb.name}> is not allowed inside <${parent}>`);
  for (const [name, value] of Object.entries(verb.attrs)) {
    if (!rule.attrs.includes(name)) throw new Error(`TwiML: ${where} has an attribute Twilio does not know: ${name}="${value}"`);
    if (BOOLEAN_ATTRS.has(name) && value !== 'true' && value !== 'false') throw new Error(`TwiML: ${where} ${name} must be true or false, got "${value}"`);
    if (METHOD_ATTRS.has(name) && value !== 'GET' && value !== 'POST') throw new Error(`TwiML: ${where} ${name} must be GET or POST, got "${value}"`);
  }
  if (rule.text === 'required' && verb.text === '' && verb.children.length === 0) throw new Error(`TwiML: ${where} is empty`);
  if (rule.text === 'none' && verb.text !== '') throw new Error(`TwiML: ${where} must not have text ("${verb.text}")`);
  if (verb.name === 'Gather') {
    const { input, speechTimeout } = verb.attrs;
    if (input !== undefined && !['dtmf', 'speech', 'dtmf speech', 'speech dtmf'].includes(input)) throw new Error(`TwiML: ${where} input="${input}"`);
    if (speechTimeout !== undefined && speechTimeout !== 'auto' && !/^\d+$/.test(speechTimeout)) throw new Error(`TwiML: ${where} speechTimeout="${speechTimeout}"`);
    for (const phrase of (verb.attrs.hints ?? '').split(',')) {
      if (phrase.trim().length > 100) throw new Error(`TwiML: ${where} hint longer than 100 characters: "${phrase.trim()}"`);
    }
  }
  if (verb.name === 'Pause' && verb.attrs.length !== undefined && !/^\d+$/.test(verb.attrs.length)) throw new Error(`TwiML: ${where} length="${verb.attrs.length}"`);
  if (verb.name === 'Enqueue' && verb.text.length > 64) throw new Error(`TwiML: ${where} queue name longer than 64 characters`);
  for (const child of verb.children) validate(child, verb.name, where);
}

/** Parses and validates a TwiML document; throws with the reason when Twilio would refuse it. */
export function parseTwiml(xml: string): TwimlVerb[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`TwiML: not well-formed XML: ${valid.err.msg} (line ${valid.err.line})\n${xml}`);
  const roots = toVerbs(parser.parse(xml)).filter((v) => v.name !== '?xml');
  const [root] = roots;
  if (roots.length !== 1 || root?.name !== 'Response') throw new Error(`TwiML: the root must be <Response>\n${xml}`);
  if (root.text !== '') throw new Error('TwiML: <Response> must not have text');
  for (const verb of root.children) validate(verb, 'Response', '');
  return root.children;
}

const sid = (prefix: string): string => prefix + randomBytes(16).toString('hex');

interface Waiting {
  verb: TwimlVerb;
  /** Verbs after it in its document (run when it ends without an action). */
  rest: TwimlVerb[];
  /** Public URL of its document (relative URLs resolve against it). */
  docUrl: string;
}

/** A caller on one call. Not safe for concurrent use: one action at a time, like a phone. */
export class SimulatedCaller {
  readonly callSid: string;
  readonly accountSid: string;
  /** Every webhook sent, with its answer. */
  readonly exchanges: WebhookExchange[] = [];
  /** Requests whose answer held a `<Gather>` (turns of the conversation). */
  turns = 0;
  /** Seconds of call time simulated so far: pauses heard, rings, queue waits, recordings. */
  elapsedSeconds = 0;
  private readonly fetchFn: typeof fetch;
  private readonly queueSid = sid('QU');
  private readonly spoken: string[] = [];
  private lastSpokenFrom = 0;
  private current: PendingAction = 'none';
  private waiting: Waiting | null = null;
  private verbs: TwimlVerb[] = [];
  private enqueuedAt = 0;
  private sequence = 0;

  constructor(private readonly options: SimulatedCallerOptions) {
    for (const key of ['baseUrl', 'publicBaseUrl', 'authToken', 'from', 'to'] as const) {
      if (!options?.[key]) throw new Error(`SimulatedCaller: ${key} is required`);
    }
    this.callSid = options.callSid ?? sid('CA');
    this.accountSid = options.accountSid ?? `AC${'0'.repeat(32)}`;
    this.fetchFn = options.fetch ?? globalThis.fetch;
  }

  /** What the call waits for now. */
  get pending(): PendingAction {
    return this.current;
  }

  /** The verbs of the last document answered (after following redirects). */
  get lastTwiml(): TwimlVerb[] {
    return this.verbs;
  }

  /** Attributes of the pending `<Gather>`, or null. */
  get gatherAttrs(): Record<string, string> | null {
    return this.current === 'gather' ? (this.waiting?.verb.attrs ?? null) : null;
  }

  /** Attributes of the pending `<Dial>`, or null. */
  get dialAttrs(): Record<string, string> | null {
    return this.current === 'dial' ? (this.waiting?.verb.attrs ?? null) : null;
  }

  /** What the pending `<Dial>` connects to: `{ noun: 'Number'|'Sip'|'Queue'|'Client', value, attrs }`, or null. */
  get dialTarget(): { noun: string; value: string; attrs: Record<string, string> } | null {
    if (this.current !== 'dial' || this.waiting === null) return null;
    const [noun] = this.waiting.verb.children;
    if (noun === undefined) return { noun: 'Number', value: this.waiting.verb.text, attrs: {} };
    return { noun: noun.name, value: noun.text, attrs: noun.attrs };
  }

  /** Attributes of the pending `<Enqueue>` and its queue name, or null. */
  get enqueueAttrs(): (Record<string, string> & { queue: string }) | null {
    return this.current === 'enqueue' && this.waiting !== null ? { ...this.waiting.verb.attrs, queue: this.waiting.verb.text } : null;
  }

  /** Attributes of the pending `<Record>`, or null. */
  get recordAttrs(): Record<string, string> | null {
    return this.current === 'record' ? (this.waiting?.verb.attrs ?? null) : null;
  }

  /** Every `<Say>` text heard so far, in order (including those nested in `<Gather>`). */
  said(): string[] {
    return [...this.spoken];
  }

  /** The `<Say>` texts heard in answer to the last action. */
  lastSaid(): string[] {
    return this.spoken.slice(this.lastSpokenFrom);
  }

  /** The call arrives: POST to `pathOrUrl` (default `/api/twilio/voice`) with CallStatus=ringing. */
  async call(pathOrUrl = '/api/twilio/voice', extra: Record<string, string> = {}): Promise<TwimlVerb[]> {
    if (this.current !== 'none') throw new Error(`SimulatedCaller.call(): the call is already ${this.current}`);
    const url = this.publicUrl(pathOrUrl);
    const status = this.options.direction === 'outbound-api' ? 'in-progress' : 'ringing';
    return this.act(url, 'POST', { ...this.callParams(status), ...extra });
  }

  /** Says `text` to the pending `<Gather>` (SpeechResult + Confidence). */
  async say(text: string, confidence = 0.92): Promise<TwimlVerb[]> {
    const w = this.expect('gather', 'say');
    if (!/speech/.test(w.verb.attrs.input ?? 'dtmf')) throw new Error('SimulatedCaller.say(): the <Gather> does not listen to speech');
    return this.gatherAnswer(w, { SpeechResult: text, Confidence: confidence.toFixed(8) });
  }

  /** Presses `digits` on the keypad for the pending `<Gather>`; a final `#` (finishOnKey) is not sent in Digits. */
  async press(digits: string): Promise<TwimlVerb[]> {
    const w = this.expect('gather', 'press');
    if (!/dtmf/.test(w.verb.attrs.input ?? 'dtmf')) throw new Error('SimulatedCaller.press(): the <Gather> does not listen to keys');
    const finishOnKey = w.verb.attrs.finishOnKey ?? '#';
    const finished = finishOnKey !== '' && digits.endsWith(finishOnKey);
    const numDigits = Number(w.verb.attrs.numDigits ?? NaN);
    let typed = finished ? digits.slice(0, -finishOnKey.length) : digits;
    if (Number.isFinite(numDigits) && typed.length > numDigits) typed = typed.slice(0, numDigits); // Twilio stops listening
    return this.gatherAnswer(w, { Digits: typed, ...(finished ? { FinishedOnKey: finishOnKey } : {}) });
  }

  /**
   * Says nothing. With `actionOnEmptyResult="true"` Twilio posts the action without SpeechResult or Digits;
   * otherwise it goes on with the verbs after the `<Gather>` (the call ends when there are none).
   */
  async silence(): Promise<TwimlVerb[]> {
    const w = this.expect('gather', 'silence');
    this.elapsedSeconds += Number(w.verb.attrs.timeout ?? 5);
    if (w.verb.attrs.actionOnEmptyResult === 'true') return this.gatherAnswer(w, {});
    this.startAnswer();
    await this.run(w.rest, w.docUrl, false);
    return this.verbs;
  }

  /** The dialled party's leg ended: `<Dial action>` with DialCallStatus, DialCallSid, DialCallDuration, DialBridged. */
  async dialEnds(status: 'completed' | 'answered' | 'busy' | 'no-answer' | 'failed' | 'canceled', durationSeconds?: number): Promise<TwimlVerb[]> {
    const w = this.expect('dial', 'dialEnds');
    const answered = status === 'completed' || status === 'answered';
    const duration = durationSeconds ?? (answered ? 60 : 0);
    this.elapsedSeconds += answered ? duration : Number(w.verb.attrs.timeout ?? 30);
    const params: TwilioParams = { ...this.callParams('in-progress'), DialCallStatus: status, DialBridged: answered ? 'true' : 'false' };
    if (status !== 'failed') params.DialCallSid = sid('CA');
    if (answered) params.DialCallDuration = String(duration);
    return this.afterVerb(w, params);
  }

  /**
   * One fetch of the pending `<Enqueue>`'s waitUrl with QueuePosition, QueueSid, QueueTime, AvgQueueTime,
   * CurrentQueueSize; returns its verbs. Its pauses advance QueueTime for the next fetch; a `<Leave>` in it makes the
   * caller leave the queue (the Enqueue action is posted with QueueResult=leave, as Twilio does).
   */
  async waitInQueue(stats: { position?: number; size?: number; avgQueueTime?: number } = {}): Promise<TwimlVerb[]> {
    const w = this.expect('enqueue', 'waitInQueue');
    const waitUrl = w.verb.attrs.waitUrl;
    if (waitUrl === undefined) throw new Error('SimulatedCaller.waitInQueue(): the <Enqueue> has no waitUrl');
    const position = stats.position ?? 1;
    const params: TwilioParams = {
      ...this.callParams('in-progress'),
      QueueSid: this.queueSid, QueuePosition: String(position), QueueTime: String(this.elapsedSeconds - this.enqueuedAt),
      AvgQueueTime: String(stats.avgQueueTime ?? 0), CurrentQueueSize: String(stats.size ?? position),
    };
    this.lastSpokenFrom = this.spoken.length; // still queued: the pending <Enqueue> stays
    let url = this.resolve(waitUrl, w.docUrl);
    let method = w.verb.attrs.waitUrlMethod ?? 'POST';
    for (let hops = 0; hops < 10; hops += 1) {
      const verbs = await this.fetchTwiml(url, method, params);
      this.verbs = verbs;
      let redirect: TwimlVerb | undefined;
      for (const verb of verbs) {
        if (!WAIT_VERBS.has(verb.name)) throw new Error(`SimulatedCaller.waitInQueue(): <${verb.name}> is not allowed in a waitUrl document`);
        if (verb.name === 'Say' || verb.name === 'Gather') this.hear(verb);
        if (verb.name === 'Pause') this.elapsedSeconds += Number(verb.attrs.length ?? 1);
        if (verb.name === 'Hangup') {
          this.current = 'hangup';
          this.waiting = null;
          return verbs;
        }
        if (verb.name === 'Leave') {
          await this.leaveQueue('leave');
          return verbs;
        }
        if (verb.name === 'Redirect') {
          redirect = verb;
          break;
        }
      }
      if (redirect === undefined) return verbs;
      url = this.resolve(redirect.text, url);
      method = redirect.attrs.method ?? 'POST';
    }
    throw new Error('SimulatedCaller.waitInQueue(): too many redirects');
  }

  /** The caller leaves the queue: `<Enqueue action>` with QueueResult (`bridged`, `hangup`, `leave`, `redirected`, `queue-full`, `error`…). */
  async leaveQueue(result: string, queueTimeSeconds?: number): Promise<TwimlVerb[]> {
    const w = this.expect('enqueue', 'leaveQueue');
    const queueTime = queueTimeSeconds ?? this.elapsedSeconds - this.enqueuedAt;
    return this.afterVerb(w, { ...this.callParams('in-progress'), QueueResult: result, QueueSid: this.queueSid, QueueTime: String(queueTime) });
  }

  /** The message was recorded: `<Record action>` with RecordingUrl, RecordingDuration, RecordingSid, Digits (`#`, `hangup`…) when given. */
  async recordMessage(recordingUrl: string, seconds: number, endedBy?: string): Promise<TwimlVerb[]> {
    const w = this.expect('record', 'recordMessage');
    this.elapsedSeconds += seconds;
    const params: TwilioParams = {
      ...this.callParams('in-progress'), RecordingUrl: recordingUrl, RecordingDuration: String(seconds), RecordingSid: sid('RE'),
    };
    if (endedBy !== undefined) params.Digits = endedBy;
    return this.afterVerb(w, params);
  }

  /**
   * The call ends: if the caller was queued, the `<Enqueue action>` gets QueueResult=hangup first (its answer is
   * ignored, as Twilio does); then the status callback gets CallStatus=completed and CallDuration. Returns the
   * status callback's HTTP status.
   */
  async hangUp(durationSeconds?: number): Promise<number> {
    if (this.current === 'enqueue' && this.waiting?.verb.attrs.action !== undefined) {
      const w = this.waiting;
      const params = { ...this.callParams('completed'), QueueResult: 'hangup', QueueSid: this.queueSid, QueueTime: String(this.elapsedSeconds - this.enqueuedAt) };
      await this.send(this.resolve(w.verb.attrs.action ?? '', w.docUrl), w.verb.attrs.method ?? 'POST', params);
    }
    this.current = 'none';
    this.waiting = null;
    return this.statusCallback('completed', { CallDuration: String(durationSeconds ?? this.elapsedSeconds) });
  }

  /** Posts a call status callback (`ringing`, `in-progress`, `completed`, `busy`, `no-answer`, `failed`, `canceled`). */
  async statusCallback(callStatus: string, extra: Record<string, string> = {}): Promise<number> {
    const url = this.publicUrl(this.options.statusCallback ?? '/api/twilio/voice/status');
    this.sequence += 1;
    const params: TwilioParams = {
      ...this.callParams(callStatus), Timestamp: new Date().toUTCString(), CallbackSource: 'call-progress-events',
      SequenceNumber: String(this.sequence - 1), ...extra,
    };
    const answer = await this.send(url, 'POST', params);
    return answer.status;
  }

  /**
   * A request outside the call flow, for negative tests: `signature` replaces the computed one, `authToken` signs
   * with another token, `omitSignature` sends none. The call's state does not change.
   */
  async rawPost(pathOrUrl: string, params: TwilioParams, opts: { signature?: string; authToken?: string; omitSignature?: boolean } = {}): Promise<RawAnswer> {
    const url = this.publicUrl(pathOrUrl);
    return this.send(url, 'POST', params, opts);
  }

  /** The standard parameters Twilio posts with every voice webhook of this call. */
  callParams(callStatus: string): TwilioParams {
    const { from, to } = this.options;
    const mx = (n: string): string => (n.startsWith('+52') ? 'MX' : '');
    return {
      AccountSid: this.accountSid, ApiVersion: '2010-04-01', CallSid: this.callSid, CallStatus: callStatus,
      Direction: this.options.direction ?? 'inbound', From: from, To: to, Caller: from, Called: to,
      FromCountry: mx(from), FromState: '', FromCity: '', FromZip: '', CallerCountry: mx(from), CallerState: '', CallerCity: '', CallerZip: '',
      ToCountry: mx(to), ToState: '', ToCity: '', ToZip: '', CalledCountry: mx(to), CalledState: '', CalledCity: '', CalledZip: '',
    };
  }

  private expect(kind: PendingAction, action: string): Waiting {
    if (this.current !== kind || this.waiting === null) {
      throw new Error(`SimulatedCaller.${action}(): the call is waiting for ${this.current}, not ${kind}. Last said: ${JSON.stringify(this.lastSaid())}`);
    }
    return this.waiting;
  }

  private async gatherAnswer(w: Waiting, input: TwilioParams): Promise<TwimlVerb[]> {
    const action = w.verb.attrs.action ?? w.docUrl; // Twilio posts to the document's own URL without an action
    return this.act(this.resolve(action, w.docUrl), w.verb.attrs.method ?? 'POST', { ...this.callParams('in-progress'), ...input });
  }

  /** Posts the action of a Dial/Enqueue/Record; without one, Twilio goes on with the verbs after it. */
  private async afterVerb(w: Waiting, params: TwilioParams): Promise<TwimlVerb[]> {
    const action = w.verb.attrs.action;
    if (action !== undefined) return this.act(this.resolve(action, w.docUrl), w.verb.attrs.method ?? 'POST', params);
    this.startAnswer();
    await this.run(w.rest, w.docUrl, false);
    return this.verbs;
  }

  private startAnswer(): void {
    this.lastSpokenFrom = this.spoken.length;
    this.current = 'none';
    this.waiting = null;
  }

  /** Sends a webhook and runs the document it answers. */
  private async act(url: string, method: string, params: TwilioParams): Promise<TwimlVerb[]> {
    this.startAnswer();
    const verbs = await this.fetchTwiml(url, method, params);
    await this.run(verbs, url, true);
    return this.verbs;
  }

  private async fetchTwiml(url: string, method: string, params: TwilioParams): Promise<TwimlVerb[]> {
    const answer = await this.send(url, method, params);
    if (answer.status !== 200) throw new Error(`SimulatedCaller: ${method} ${url} answered ${answer.status}: ${answer.body.slice(0, 500)}`);
    if (!/^(?:text|application)\/xml\b/i.test(answer.contentType)) {
      throw new Error(`SimulatedCaller: ${url} answered Content-Type "${answer.contentType}", not TwiML`);
    }
    return parseTwiml(answer.body);
  }

  private hear(verb: TwimlVerb): void {
    if (verb.name === 'Say') this.spoken.push(verb.text);
    for (const child of verb.children) this.hear(child);
  }

  /** Runs verbs the way Twilio does, until one waits for the caller or the document ends (the call hangs up). */
  private async run(verbs: TwimlVerb[], docUrl: string, fresh: boolean, hops = 0): Promise<void> {
    if (fresh) {
      this.verbs = verbs;
      if (verbs.some((v) => v.name === 'Gather')) this.turns += 1;
    }
    for (let i = 0; i < verbs.length; i += 1) {
      const verb = verbs[i] as TwimlVerb;
      const wait = (kind: PendingAction): void => {
        this.current = kind;
        this.waiting = { verb, rest: verbs.slice(i + 1), docUrl };
      };
      switch (verb.name) {
        case 'Say':
          this.hear(verb);
          break;
        case 'Pause':
          this.elapsedSeconds += Number(verb.attrs.length ?? 1);
          break;
        case 'Play':
          break;
        case 'Gather':
          this.hear(verb);
          wait('gather');
          return;
        case 'Dial':
          wait('dial');
          return;
        case 'Enqueue':
          this.enqueuedAt = this.elapsedSeconds;
          wait('enqueue');
          return;
        case 'Record':
          wait('record');
          return;
        case 'Redirect': {
          if (hops >= 20) throw new Error('SimulatedCaller: more than 20 redirects in a row');
          const url = this.resolve(verb.text, docUrl);
          const next = await this.fetchTwiml(url, verb.attrs.method ?? 'POST', this.callParams('in-progress'));
          await this.run(next, url, true, hops + 1);
          return;
        }
        case 'Leave':
          break; // only meaningful in a waitUrl document
        default: // Hangup, Reject
          this.current = 'hangup';
          return;
      }
    }
    this.current = 'hangup'; // Twilio hangs up when the document ends
  }

  /** Public URL of a TwiML URL: absolute ones exactly as written, relative ones against their document, like Twilio. */
  private resolve(target: string, docUrl: string): string {
    return /^https?:\/\//i.test(target) ? target : new URL(target, docUrl).toString();
  }

  /** Public URL of a path given by the test (under `publicBaseUrl`), or an absolute URL as is. */
  private publicUrl(pathOrUrl: string): string {
    return /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : this.options.publicBaseUrl.replace(/\/+$/, '') + pathOrUrl;
  }

  /** The URL on the test server for a public URL. */
  private local(publicUrl: string): string {
    const base = this.options.publicBaseUrl.replace(/\/+$/, '');
    if (!publicUrl.startsWith(base)) throw new Error(`SimulatedCaller: ${publicUrl} is not under PUBLIC_BASE_URL ${base}`);
    return this.options.baseUrl.replace(/\/+$/, '') + publicUrl.slice(base.length);
  }

  private async send(publicUrl: string, method: string, params: TwilioParams,
    opts: { signature?: string; authToken?: string; omitSignature?: boolean } = {}): Promise<RawAnswer> {
    let url = publicUrl;
    const headers: Record<string, string> = { 'User-Agent': 'TwilioProxy/1.1', Accept: '*/*' };
    let body: string | undefined;
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
    if (method === 'GET') {
      url += (url.includes('?') ? '&' : '?') + form.toString();
    } else {
      body = form.toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
    }
    if (!opts.omitSignature) {
      headers[TWILIO_SIGNATURE_HEADER] = opts.signature ?? twilioSignature(opts.authToken ?? this.options.authToken, url, method === 'GET' ? {} : params);
    }
    const response = await this.fetchFn(this.local(url), { method, headers, body, redirect: 'manual' });
    const answer = { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
    this.exchanges.push({ url, params, status: answer.status, body: answer.body });
    return answer;
  }
}
