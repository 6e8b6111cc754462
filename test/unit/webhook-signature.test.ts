import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from '../../services/notify/webhook-transport';

describe('webhook signatures', () => {
  const secret = 'un-secreto-de-prueba-0123456789';
  const body = '{"event":"ticket.created","ticket":{"number":"CAU-2026-000123","description":"Sin señal"}}';
  const ts = '1795190400';
  const now = new Date(Number(ts) * 1000 + 30_000);

  it('is sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">', () => {
    const expected = createHmac('sha256', secret).update(`${ts}.${body}`, 'utf8').digest('hex');
    expect(signWebhook(secret, ts, body)).toBe(`sha256=${expected}`);
    expect(signWebhook(secret, Number(ts), Buffer.from(body, 'utf8'))).toBe(`sha256=${expected}`);
  });

  it('verifies a genuine signature, from a string or the raw bytes', () => {
    const header = signWebhook(secret, ts, body);
    expect(verifyWebhookSignature(secret, ts, body, header, { now })).toBe(true);
    expect(verifyWebhookSignature(secret, ts, Buffer.from(body, 'utf8'), header, { now })).toBe(true);
  });

  it.each([
    ['another secret', { secret: 'otro-secreto-de-prueba-987654321' }],
    ['a changed body', { body: body.replace('123', '124') }],
    ['a changed timestamp', { ts: String(Number(ts) + 1) }],
    ['a truncated signature', { header: signWebhook(secret, ts, body).slice(0, -2) }],
    ['an uppercase digest', { header: `sha256=${signWebhook(secret, ts, body).slice(7).toUpperCase()}` }],
    ['no sha256= prefix', { header: signWebhook(secret, ts, body).slice(7) }],
    ['no header', { header: undefined }],
    ['no timestamp', { ts: undefined }],
    ['a non-numeric timestamp', { ts: '17951904OO' }],
  ])('refuses %s', (_what, over: { secret?: string; body?: string; ts?: string | undefined; header?: string | undefined }) => {
    const header = 'header' in over ? over.header : signWebhook(secret, ts, body);
    const timestamp = 'ts' in over ? over.ts : ts;
    expect(verifyWebhookSignature(over.secret ?? secret, timestamp, over.body ?? body, header, { now })).toBe(false);
  });

  it('refuses a request replayed outside the tolerance window', () => {
    const header = signWebhook(secret, ts, body);
    const later = new Date(Number(ts) * 1000 + 301_000);
    expect(verifyWebhookSignature(secret, ts, body, header, { now: later })).toBe(false);
    expect(verifyWebhookSignature(secret, ts, body, header, { now: later, toleranceSeconds: 600 })).toBe(true);
  });
});
