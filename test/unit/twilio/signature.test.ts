import twilio from 'twilio';
import { twilioSignature, validTwilioSignature, type TwilioParams } from '../../../services/twilio/signature';

// twilio-node's documented example ("Validating requests"): the signature Twilio sends for this request.
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
const EXPECTED = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';

describe('twilioSignature', () => {
  it("reproduces twilio-node's documented test vector", () => {
    expect(twilioSignature(TOKEN, URL, PARAMS)).toBe(EXPECTED);
  });

  it('does not depend on the order the parameters were posted in', () => {
    const reversed = Object.fromEntries(Object.entries(PARAMS).reverse());
    expect(twilioSignature(TOKEN, URL, reversed)).toBe(EXPECTED);
  });

  it('signs a repeated parameter once per distinct value, values sorted', () => {
    const a = twilioSignature(TOKEN, URL, { StatusCallbackEvent: ['ringing', 'answered', 'answered'] });
    expect(a).toBe(twilioSignature(TOKEN, URL, { StatusCallbackEvent: ['answered', 'ringing'] }));
    expect(a).not.toBe(twilioSignature(TOKEN, URL, { StatusCallbackEvent: 'answered' }));
  });

  it.each<[string, TwilioParams]>([
    ['the vector', PARAMS],
    ['no parameters (GET)', {}],
    ['Spanish speech and symbols', { SpeechResult: 'Quiero hablar con la licenciada Pérez, extensión 42500.', Confidence: '0.91' }],
    ['an array', { Digits: '1', Tag: ['b', 'a'] }],
  ])('agrees with twilio.getExpectedTwilioSignature for %s', (_what, params) => {
    expect(twilioSignature(TOKEN, URL, params)).toBe(twilio.getExpectedTwilioSignature(TOKEN, URL, params));
  });
});

describe('validTwilioSignature', () => {
  it('accepts the documented request', () => {
    expect(validTwilioSignature(TOKEN, EXPECTED, URL, PARAMS)).toBe(true);
  });

  it.each<[string, string, string | undefined, string, TwilioParams]>([
    ['another token', '54321', EXPECTED, URL, PARAMS],
    ['a changed parameter', TOKEN, EXPECTED, URL, { ...PARAMS, Digits: '1235' }],
    ['an added parameter', TOKEN, EXPECTED, URL, { ...PARAMS, SpeechResult: 'hola' }],
    ['a changed query string', TOKEN, EXPECTED, 'https://mycompany.com/myapp.php?foo=2&bar=2', PARAMS],
    ['another path', TOKEN, EXPECTED, 'https://mycompany.com/other.php?foo=1&bar=2', PARAMS],
    ['http instead of https', TOKEN, EXPECTED, URL.replace('https:', 'http:'), PARAMS],
    ['a truncated signature', TOKEN, EXPECTED.slice(0, -2), URL, PARAMS],
    ['no signature', TOKEN, undefined, URL, PARAMS],
    ['an empty signature', TOKEN, '', URL, PARAMS],
    ['an empty token', '', twilioSignature('', URL, PARAMS), URL, PARAMS],
  ])('refuses %s', (_what, token, signature, url, params) => {
    expect(validTwilioSignature(token, signature, url, params)).toBe(false);
  });

  it('accepts the URL with or without the default port, like twilio-node', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    expect(validTwilioSignature(TOKEN, EXPECTED, withPort, PARAMS)).toBe(true);
    const signedWithPort = twilioSignature(TOKEN, withPort, PARAMS);
    expect(validTwilioSignature(TOKEN, signedWithPort, URL, PARAMS)).toBe(true);
    const http = 'http://localhost/api/twilio/voice';
    expect(validTwilioSignature(TOKEN, twilioSignature(TOKEN, 'http://localhost:80/api/twilio/voice', {}), http, {})).toBe(true);
  });

  it.each<[string, string, TwilioParams]>([
    ['the vector', URL, PARAMS],
    ['the vector, received with :443', 'https://mycompany.com:443/myapp.php?foo=1&bar=2', PARAMS],
    ['a local test server', 'http://127.0.0.1:38123/api/twilio/voice/gather?turn=3', { CallSid: 'CA1', SpeechResult: 'sí' }],
  ])('gives the same verdict as twilio.validateRequest for %s', (_what, url, params) => {
    const genuine = twilioSignature(TOKEN, url, params);
    const forged = twilioSignature('not-the-token', url, params);
    for (const signature of [genuine, forged, EXPECTED]) {
      expect(validTwilioSignature(TOKEN, signature, url, params)).toBe(twilio.validateRequest(TOKEN, signature, url, params));
    }
    expect(validTwilioSignature(TOKEN, genuine, url, params)).toBe(true);
  });
});
