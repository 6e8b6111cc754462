import { createHmac } from 'node:crypto';
import { facebookSignature, validFacebookSignature } from '../../../services/facebook/signature';

describe('X-Hub-Signature-256', () => {
  const secret = 'app-secret';
  const body = '{"object":"page","entry":[{"id":"1","messaging":[{"message":{"text":"caf\\u00e9"}}]}]}';

  test('is sha256= and the hex HMAC-SHA256 of the raw body', () => {
    expect(facebookSignature(secret, body)).toBe(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    expect(facebookSignature(secret, Buffer.from(body))).toBe(facebookSignature(secret, body));
  });

  test('valid only for the same body and secret; missing or malformed headers are refused', () => {
    const sig = facebookSignature(secret, body);
    expect(validFacebookSignature(secret, sig, body)).toBe(true);
    expect(validFacebookSignature(secret, sig.toUpperCase().replace('SHA256=', 'sha256='), body)).toBe(true);
    expect(validFacebookSignature('other', sig, body)).toBe(false);
    expect(validFacebookSignature(secret, sig, `${body} `)).toBe(false);
    expect(validFacebookSignature(secret, undefined, body)).toBe(false);
    expect(validFacebookSignature(secret, sig.replace('sha256=', 'sha1='), body)).toBe(false);
    expect(validFacebookSignature(secret, sig.slice(0, -2), body)).toBe(false);
    expect(validFacebookSignature('', sig, body)).toBe(false);
  });
});
