/**
 * Reads a call recording from Twilio for the console, which streams it to the reviewer (the browser never talks to
 * Twilio and never sees the credentials). Twilio serves recordings at
 * `/2010-04-01/Accounts/{AccountSid}/Recordings/{RecordingSid}.mp3` with HTTP Basic auth; the stored `RecordingUrl`
 * has no extension. The credentials go only to Twilio's API host or the configured `TWILIO_API_BASE_URL` (tests),
 * whose origin replaces Twilio's.
 */
import { Readable } from 'node:stream';

/** A recording ready to stream: the whole file (200) or the part asked for with `Range` (206). */
export interface RecordingStream {
  status: 200 | 206;
  contentType: string;
  contentLength: number | null;
  /** Twilio's `Content-Range` (206 only). */
  contentRange: string | null;
  body: Readable;
}

/** How to ask: the browser's `Range` header (the player seeks), and a signal that aborts when the reviewer left. */
export interface RecordingRequest {
  range?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** Where recordings come from (a Twilio client, or a fake in tests). */
export interface RecordingSource {
  /**
   * The recording, null when it is not ours to ask for (not a Twilio recording of our account) or Twilio has none
   * (404); throws {@link RecordingUnavailableError} on other failures.
   */
  open(recording: { url: string | null; sid: string | null }, request?: RecordingRequest): Promise<RecordingStream | null>;
}

/** Twilio answered with an error (`status`), or could not be reached in time (`status` null). */
export class RecordingUnavailableError extends Error {
  override readonly name = 'RecordingUnavailableError';
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export interface TwilioRecordingSourceOptions {
  accountSid: string;
  authToken: string;
  /** Default `https://api.twilio.com`. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** How long Twilio may take to answer with its headers (default 15 s); the body then streams for as long as it lasts. */
  headerTimeoutMs?: number;
}

const TWILIO_ORIGIN = 'https://api.twilio.com';
const RANGE = /^bytes=\d*-\d*(,\s*\d*-\d*)*$/;

/** Recordings through Twilio's REST API. */
export class TwilioRecordingSource implements RecordingSource {
  private readonly base: URL;
  private readonly authorization: string;
  private readonly fetchFn: typeof fetch;
  private readonly path: RegExp;

  constructor(private readonly options: TwilioRecordingSourceOptions) {
    if (!options?.accountSid) throw new Error('TwilioRecordingSource: accountSid is required');
    if (!options.authToken) throw new Error('TwilioRecordingSource: authToken is required');
    this.base = new URL(options.baseUrl ?? TWILIO_ORIGIN);
    this.authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`, 'utf8').toString('base64')}`;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    // Only our own account's recordings: the stored URL can never aim the credentials at another resource.
    this.path = new RegExp(`^/2010-04-01/Accounts/${options.accountSid.replace(/[^A-Za-z0-9]/g, (c) => `\\${c}`)}/Recordings/(RE[0-9a-fA-F]{32})(\\.(mp3|wav))?$`);
  }

  /**
   * The URL to ask for, on the configured base: the stored one when it is one of our account's recordings on Twilio's
   * (or the configured) host, else (no stored URL) built from the recording SID; null for anything else.
   */
  urlOf(recording: { url: string | null; sid: string | null }): URL | null {
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const at = (sid: string, ext: string) => new URL(`${prefix}/2010-04-01/Accounts/${this.options.accountSid}/Recordings/${sid}.${ext}`, this.base.origin);
    if (recording.url) {
      let stored: URL | null = null;
      try {
        stored = new URL(recording.url);
      } catch {
        return null;
      }
      if (stored.origin !== TWILIO_ORIGIN && stored.origin !== this.base.origin) return null;
      const path = stored.origin === this.base.origin && prefix !== '' && stored.pathname.startsWith(`${prefix}/`) ? stored.pathname.slice(prefix.length) : stored.pathname;
      const m = this.path.exec(path);
      if (!m || stored.search !== '' || stored.username !== '' || stored.password !== '') return null;
      return at(m[1] as string, (m[3] ?? 'mp3').toLowerCase());
    }
    if (recording.sid && /^RE[0-9a-fA-F]{32}$/.test(recording.sid)) return at(recording.sid, 'mp3');
    return null;
  }

  async open(recording: { url: string | null; sid: string | null }, request: RecordingRequest = {}): Promise<RecordingStream | null> {
    const url = this.urlOf(recording);
    if (!url) return null;
    const headers: Record<string, string> = { Authorization: this.authorization, Accept: 'audio/*' };
    if (request.range && RANGE.test(request.range.trim())) headers.Range = request.range.trim();
    // The timer covers the wait for the headers only: a long recording keeps streaming after it was cleared.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('Twilio did not answer in time')), this.options.headerTimeoutMs ?? 15_000);
    const leave = () => controller.abort(new Error('the reviewer left'));
    if (request.signal?.aborted) leave();
    request.signal?.addEventListener('abort', leave, { once: true });
    let res: Response;
    try {
      res = await this.fetchFn(url, { headers, signal: controller.signal });
    } catch (err) {
      request.signal?.removeEventListener('abort', leave);
      throw new RecordingUnavailableError(`TwilioRecordingSource.open(): ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
    if (res.status === 404 || !res.ok || !res.body) {
      request.signal?.removeEventListener('abort', leave);
      await res.body?.cancel().catch(() => undefined);
      if (res.status === 404) return null;
      throw new RecordingUnavailableError(`TwilioRecordingSource.open(): Twilio answered ${res.status}`, res.status);
    }
    const type = res.headers.get('content-type') ?? '';
    const length = Number(res.headers.get('content-length'));
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.once('close', () => request.signal?.removeEventListener('abort', leave));
    return {
      status: res.status === 206 ? 206 : 200,
      contentType: type.startsWith('audio/') ? type : 'audio/mpeg',
      contentLength: Number.isFinite(length) && length > 0 ? length : null,
      contentRange: res.status === 206 ? res.headers.get('content-range') : null,
      body,
    };
  }
}
