import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RecordingUnavailableError, TwilioRecordingSource } from '../../services/quality/recording-source';

const SID = `AC${'1'.repeat(32)}`;
const RE = `RE${'b'.repeat(32)}`;

describe('TwilioRecordingSource', () => {
  const source = new TwilioRecordingSource({ accountSid: SID, authToken: 'tok', baseUrl: 'http://127.0.0.1:9999' });

  it("asks the configured base for Twilio's stored URL (as .mp3), and builds it from the SID otherwise", () => {
    expect(source.urlOf({ url: `https://api.twilio.com/2010-04-01/Accounts/${SID}/Recordings/${RE}`, sid: null })?.href).toBe(
      `http://127.0.0.1:9999/2010-04-01/Accounts/${SID}/Recordings/${RE}.mp3`,
    );
    expect(source.urlOf({ url: null, sid: RE })?.href).toBe(`http://127.0.0.1:9999/2010-04-01/Accounts/${SID}/Recordings/${RE}.mp3`);
  });

  it('never sends the credentials to another host, nor builds a URL from a malformed SID', () => {
    expect(source.urlOf({ url: `https://evil.example/2010-04-01/Accounts/${SID}/Recordings/${RE}`, sid: null })).toBeNull();
    expect(source.urlOf({ url: 'no es una URL', sid: '../../Calls' })).toBeNull();
    expect(source.urlOf({ url: null, sid: '../../Calls' })).toBeNull();
    // A stored URL that is not one of our recordings is refused, not replaced by the SID.
    expect(source.urlOf({ url: `https://evil.example/x/Recordings/y`, sid: RE })).toBeNull();
  });

  it("accepts only our account's recordings (RE + 32 hex digits, optionally .mp3/.wav) on Twilio's or the configured host", () => {
    const ok = (url: string) => source.urlOf({ url, sid: null })?.href ?? null;
    expect(ok(`http://127.0.0.1:9999/2010-04-01/Accounts/${SID}/Recordings/${RE}.wav`)).toBe(`http://127.0.0.1:9999/2010-04-01/Accounts/${SID}/Recordings/${RE}.wav`);
    expect(ok(`https://api.twilio.com/2010-04-01/Accounts/${SID}/Recordings/${RE}.mp3`)).toBe(`http://127.0.0.1:9999/2010-04-01/Accounts/${SID}/Recordings/${RE}.mp3`);
    for (const bad of [
      `https://api.twilio.com/2010-04-01/Accounts/AC${'9'.repeat(32)}/Recordings/${RE}`,
      `https://api.twilio.com/2010-04-01/Accounts/${SID}/Calls/CA${'1'.repeat(32)}`,
      `https://api.twilio.com/2010-04-01/Accounts/${SID}/Recordings/${RE}/Transcriptions`,
      `https://api.twilio.com/2010-04-01/Accounts/${SID}/Recordings/RE${'z'.repeat(32)}`,
      `https://api.twilio.com/2010-04-01/Accounts/${SID}/Recordings/${RE}.ogg`,
      `https://api.twilio.com/2010-04-01/Accounts/${SID}/Recordings/${RE}?x=1`,
      `https://api.twilio.com/x/2010-04-01/Accounts/${SID}/Recordings/${RE}`,
    ]) {
      expect([bad, ok(bad)]).toEqual([bad, null]);
    }
  });

  it('streams a slow recording whole (the timer covers the headers only) and forwards Range as 206', async () => {
    const audio = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
    const server = http.createServer((req, res) => {
      const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (range) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        res.writeHead(206, { 'content-type': 'audio/mpeg', 'content-length': String(to - from + 1), 'content-range': `bytes ${from}-${to}/${audio.length}`, 'accept-ranges': 'bytes' });
        res.end(audio.subarray(from, to + 1));
        return;
      }
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(audio.length) });
      // Three chunks a second apart, far beyond the header timeout below.
      res.write(audio.subarray(0, 1000));
      setTimeout(() => res.write(audio.subarray(1000, 2000)), 1000);
      setTimeout(() => res.end(audio.subarray(2000)), 2000);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = server.address() as AddressInfo;
      const slow = new TwilioRecordingSource({ accountSid: SID, authToken: 'tok', baseUrl: `http://127.0.0.1:${port}`, headerTimeoutMs: 300 });
      const whole = await slow.open({ url: null, sid: RE });
      expect(whole).toMatchObject({ status: 200, contentLength: audio.length, contentRange: null });
      const chunks: Buffer[] = [];
      for await (const chunk of whole?.body ?? []) chunks.push(Buffer.from(chunk as Uint8Array));
      expect(chunks.length).toBeGreaterThanOrEqual(3);
      expect(Buffer.concat(chunks).equals(audio)).toBe(true);

      const part = await slow.open({ url: null, sid: RE }, { range: 'bytes=100-199' });
      expect(part).toMatchObject({ status: 206, contentLength: 100, contentRange: `bytes 100-199/${audio.length}` });
      const got: Buffer[] = [];
      for await (const chunk of part?.body ?? []) got.push(Buffer.from(chunk as Uint8Array));
      expect(Buffer.concat(got).equals(audio.subarray(100, 200))).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }, 20_000);

  it('gives up when Twilio sends no headers in time, with the status unknown', async () => {
    const hanging = new TwilioRecordingSource({
      accountSid: SID,
      authToken: 'tok',
      headerTimeoutMs: 50,
      fetch: ((_url: URL, init: RequestInit) =>
        new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))))) as unknown as typeof fetch,
    });
    const failure = await hanging.open({ url: null, sid: RE }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(RecordingUnavailableError);
    expect((failure as RecordingUnavailableError).status).toBeNull();
  });

  it('sends Basic auth; 404 means no recording, other failures throw', async () => {
    const asked: Array<{ url: string; auth: string | null }> = [];
    const answer = (status: number) =>
      new TwilioRecordingSource({
        accountSid: SID,
        authToken: 'tok',
        fetch: (async (url: URL, init: RequestInit) => {
          asked.push({ url: String(url), auth: new Headers(init.headers).get('authorization') });
          return new Response(status === 200 ? new Uint8Array([1, 2, 3]) : '{}', { status, headers: { 'content-type': status === 200 ? 'audio/wav' : 'application/json' } });
        }) as unknown as typeof fetch,
      });
    const ok = await answer(200).open({ url: null, sid: RE });
    expect(ok?.contentType).toBe('audio/wav');
    const chunks: Buffer[] = [];
    for await (const chunk of ok?.body ?? []) chunks.push(Buffer.from(chunk as Uint8Array));
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([1, 2, 3]));
    expect(asked[0]).toEqual({ url: `https://api.twilio.com/2010-04-01/Accounts/${SID}/Recordings/${RE}.mp3`, auth: `Basic ${Buffer.from(`${SID}:tok`).toString('base64')}` });
    expect(await answer(404).open({ url: null, sid: RE })).toBeNull();
    const failed = await answer(503).open({ url: null, sid: RE }).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(RecordingUnavailableError);
    expect((failed as RecordingUnavailableError).status).toBe(503);
    expect(String((failed as Error).message)).not.toContain('tok');
  });
});
