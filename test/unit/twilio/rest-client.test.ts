import { HttpTwilioRestClient, TwilioApiError } from '../../../services/twilio/rest-client';
import { TwilioFakeApi } from '../../support/twilio-fake-api';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'a-secret-auth-token-0123456789ab';

describe('HttpTwilioRestClient against the fake Twilio API', () => {
  let api: TwilioFakeApi;
  let sleeps: number[];
  let logged: Array<{ obj: object; msg?: string }>;
  let client: HttpTwilioRestClient;

  beforeAll(async () => {
    api = await TwilioFakeApi.start({ accountSid: ACCOUNT, authToken: TOKEN });
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(() => {
    api.reset();
    sleeps = [];
    logged = [];
    client = new HttpTwilioRestClient({
      accountSid: ACCOUNT, authToken: TOKEN, baseUrl: `${api.baseUrl}/`,
      sleep: async (ms) => { sleeps.push(ms); },
      logger: { warn: (obj, msg) => logged.push({ obj, msg }) },
    });
  });

  it('places a call with a form-encoded POST, Basic auth and every parameter', async () => {
    const call = await client.createCall({
      to: '+525512345678', from: '+525500000000', url: 'https://bot.example.mx/api/twilio/voice/callback?id=7',
      statusCallback: 'https://bot.example.mx/api/twilio/voice/callback-status?id=7',
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'], timeout: 25, sendDigits: 'ww42500', record: false,
    });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call.status).toBe('queued');
    const [request] = api.requests;
    expect(request).toMatchObject({
      method: 'POST', path: `/2010-04-01/Accounts/${ACCOUNT}/Calls.json`, kind: 'createCall', status: 201,
      auth: { username: ACCOUNT, password: TOKEN },
      form: {
        To: '+525512345678', From: '+525500000000', Url: 'https://bot.example.mx/api/twilio/voice/callback?id=7', Method: 'POST',
        StatusCallback: 'https://bot.example.mx/api/twilio/voice/callback-status?id=7', StatusCallbackMethod: 'POST',
        StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'], Timeout: '25', SendDigits: 'ww42500', Record: 'false',
      },
    });
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`);
    expect(api.calls.get(call.sid)?.to).toBe('+525512345678');
  });

  it('updates a call with new TwiML or ends it', async () => {
    const { sid } = await client.createCall({ to: '+525512345678', from: '+525500000000', url: 'https://x/a' });
    await expect(client.updateCall(sid, { twiml: '<Response><Hangup/></Response>' })).resolves.toEqual({ sid, status: 'in-progress' });
    await expect(client.updateCall(sid, { status: 'completed' })).resolves.toEqual({ sid, status: 'completed' });
    await expect(client.updateCall(sid, { url: 'https://x/b' })).resolves.toMatchObject({ sid });
    expect(api.requestsOf('updateCall').map((r) => [r.path, r.form])).toEqual([
      [`/2010-04-01/Accounts/${ACCOUNT}/Calls/${sid}.json`, { Twiml: '<Response><Hangup/></Response>' }],
      [`/2010-04-01/Accounts/${ACCOUNT}/Calls/${sid}.json`, { Status: 'completed' }],
      [`/2010-04-01/Accounts/${ACCOUNT}/Calls/${sid}.json`, { Url: 'https://x/b', Method: 'POST' }],
    ]);
    await expect(client.updateCall(sid, {})).rejects.toThrow(/nothing to update/);
  });

  it('starts a recording and sends a message', async () => {
    const recording = await client.startRecording('CA11112222333344445555666677778888', { recordingStatusCallback: 'https://x/rec' });
    expect(recording.sid).toMatch(/^RE[0-9a-f]{32}$/);
    const message = await client.sendMessage({ to: 'whatsapp:+5215512345678', from: 'whatsapp:+14155238886', body: 'Su reporte es CAU-2026-000123.' });
    expect(message).toEqual({ sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: 'queued' });
    expect(api.requests.map((r) => [r.path, r.form])).toEqual([
      [`/2010-04-01/Accounts/${ACCOUNT}/Calls/CA11112222333344445555666677778888/Recordings.json`,
        { RecordingStatusCallback: 'https://x/rec', RecordingStatusCallbackMethod: 'POST' }],
      [`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`,
        { To: 'whatsapp:+5215512345678', From: 'whatsapp:+14155238886', Body: 'Su reporte es CAU-2026-000123.' }],
    ]);
  });

  it('retries an update after a 503 twice with backoff, then succeeds', async () => {
    api.failNext(2, 503);
    const call = await client.updateCall('CA11112222333344445555666677778888', { url: 'https://x/b' });
    expect(call.sid).toMatch(/^CA/);
    expect(api.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(sleeps).toEqual([250, 500]);
    expect(logged).toHaveLength(2);
  });

  it('does not repeat a new call or message after a 5xx (one may exist already)', async () => {
    api.failNext(1, 503);
    await expect(client.createCall({ to: '+525512345678', from: '+525500000000', url: 'https://x/a' })).rejects.toMatchObject({ status: 503 });
    api.failNext(1, 502);
    await expect(client.sendMessage({ to: '+525512345678', from: '+525500000000', body: 'Hola' })).rejects.toMatchObject({ status: 502 });
    expect(api.requests).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it('honours Retry-After on 429', async () => {
    api.failNext(1, 429, {}, { 'Retry-After': '2' });
    await client.sendMessage({ to: '+525512345678', from: '+525500000000', body: 'Hola' });
    expect(sleeps).toEqual([2000]);
  });

  it('gives up after three 5xx answers with TwilioApiError', async () => {
    api.failNext(3, 500);
    const error = await client.updateCall('CA11112222333344445555666677778888', { status: 'completed' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({ status: 500, code: 20500 });
    expect(api.requests).toHaveLength(3);
  });

  it('throws TwilioApiError with Twilio code on 400, without retrying', async () => {
    const error = await client.createCall({ to: '', from: '+525500000000', url: 'https://x/a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({ status: 400, code: 21201, message: expect.stringContaining("No 'To' number is specified") });
    expect(api.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('reports wrong credentials as 401 / 20003', async () => {
    const wrong = new HttpTwilioRestClient({ accountSid: ACCOUNT, authToken: 'not-the-token', baseUrl: api.baseUrl });
    await expect(wrong.sendMessage({ to: '+525512345678', from: '+525500000000', body: 'x' })).rejects.toMatchObject({ status: 401, code: 20003 });
  });

  it('never logs the token, the Authorization header or phone numbers', async () => {
    api.failNext(1, 429);
    api.failNext(1, 400);
    await client.sendMessage({ to: '+525512345678', from: '+525500000000', body: 'secreto' }).catch(() => undefined);
    const text = JSON.stringify(logged);
    expect(logged.length).toBe(2);
    for (const secret of [TOKEN, Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64'), '+525512345678', 'secreto']) {
      expect(text).not.toContain(secret);
    }
  });

  it('reports a server that does not answer as TwilioApiError status 0, not retried', async () => {
    const down = new HttpTwilioRestClient({ accountSid: ACCOUNT, authToken: TOKEN, baseUrl: 'http://127.0.0.1:9', sleep: async () => undefined });
    await expect(down.createCall({ to: '+525512345678', from: '+525500000000', url: 'https://x/a' })).rejects.toMatchObject({ status: 0, code: null });
  });

  it('times out a request that hangs', async () => {
    const hanging: typeof fetch = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(new Error('The operation was aborted due to timeout'))));
    const slow = new HttpTwilioRestClient({ accountSid: ACCOUNT, authToken: TOKEN, fetch: hanging, timeoutMs: 50 });
    await expect(slow.sendMessage({ to: '+525512345678', from: '+525500000000', body: 'x' })).rejects.toThrow(/timeout/);
  });

  it('fails fast without credentials', () => {
    expect(() => new HttpTwilioRestClient({ accountSid: '', authToken: TOKEN })).toThrow(/accountSid/);
    expect(() => new HttpTwilioRestClient({ accountSid: ACCOUNT, authToken: '' })).toThrow(/authToken/);
  });
});
