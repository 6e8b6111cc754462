import { crcResponseToken, validXSignature, xWebhookSignature } from '../../../services/x/signature';

// Expected values computed by hand with OpenSSL:
//   printf '%s' "$DATA" | openssl dgst -sha256 -hmac "$SECRET" -binary | base64
const SECRET = 'x-consumer-secret-for-tests-0123456789';
const CRC_TOKEN = 'NDA3MjMxMzQtYjc4Yi00Yzc3LTk3ZjMtYzI5MTQ2MzA1NTU3';
const BODY = '{"for_user_id":"4337869213","direct_message_events":[]}';

describe('X webhook CRC and signatures', () => {
  it('answers the CRC with sha256= and the base64 HMAC-SHA256 of crc_token', () => {
    expect(crcResponseToken(SECRET, CRC_TOKEN)).toBe('sha256=io+FVgdZRUfjaE6WD32EuKpjeC/s+ZwKoGdKX9hyS2o=');
  });

  it('signs the raw body the same way, from a string or bytes', () => {
    expect(xWebhookSignature(SECRET, BODY)).toBe('sha256=EFD8hwS+LJkKJVGIFFMRXf3pcrFTqM9SrDwkmIIUS8o=');
    expect(xWebhookSignature(SECRET, Buffer.from(BODY, 'utf8'))).toBe('sha256=EFD8hwS+LJkKJVGIFFMRXf3pcrFTqM9SrDwkmIIUS8o=');
  });

  it('accepts the genuine signature', () => {
    expect(validXSignature(SECRET, 'sha256=EFD8hwS+LJkKJVGIFFMRXf3pcrFTqM9SrDwkmIIUS8o=', BODY)).toBe(true);
  });

  it.each([
    ['another secret', 'otro-secreto', BODY, xWebhookSignature(SECRET, BODY)],
    ['a changed body', SECRET, BODY.replace('4337869213', '4337869214'), xWebhookSignature(SECRET, BODY)],
    ['a truncated signature', SECRET, BODY, xWebhookSignature(SECRET, BODY).slice(0, -2)],
    ['no sha256= prefix', SECRET, BODY, xWebhookSignature(SECRET, BODY).slice(7)],
    ['no header', SECRET, BODY, undefined],
    ['an empty secret', '', BODY, xWebhookSignature('', BODY)],
  ])('refuses %s', (_name, secret, body, header) => {
    expect(validXSignature(secret, header, body)).toBe(false);
  });
});
