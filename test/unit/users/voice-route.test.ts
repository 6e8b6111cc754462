import { MAX_VOICE_ROUTE_LENGTH, parseVoiceRoute, VOICE_ROUTE_HELP } from '../../../services/users/voice-route';

/**
 * Where an agent's accepted calls ring: what agents type, and the one form the phone channel dials. Table-driven:
 * each row is what a person writes and what is stored (or what they are told).
 */
describe('parseVoiceRoute', () => {
  it.each([
    // Mexican numbers as people write them: 10 digits become E.164 with +52.
    ['5512345678', '+525512345678'],
    ['55 1234 5678', '+525512345678'],
    ['(55) 1234-5678', '+525512345678'],
    ['55.1234.5678', '+525512345678'],
    ['  222 123 4567 ', '+522221234567'],
    // Already international.
    ['+52 55 1234 5678', '+525512345678'],
    ['+525512345678', '+525512345678'],
    // The old numbering plan's prefixes, and the country code without «+».
    ['044 55 1234 5678', '+525512345678'],
    ['045 222 123 4567', '+522221234567'],
    ['01 222 123 4567', '+522221234567'],
    ['52 55 1234 5678', '+525512345678'],
    ['+1 (202) 555-0100', '+12025550100'],
    ['+44 20 7946 0958', '+442079460958'],
    // «00» is the international prefix dialled from Mexico; tel: URIs are phones too.
    ['0052 55 1234 5678', '+525512345678'],
    ['tel:+525512345678', '+525512345678'],
    // E.164 bounds: 8 and 15 digits after the «+».
    ['+12345678', '+12345678'],
    ['+123456789012345', '+123456789012345'],
  ])('reads the phone %j as %s', (input, route) => {
    expect(parseVoiceRoute(input)).toEqual({ ok: true, route, kind: 'phone' });
  });

  it.each([
    ['sip:42500@pbx.example.gob.mx', 'sip:42500@pbx.example.gob.mx'],
    ['SIP:42500@PBX.Example.gob.mx', 'sip:42500@pbx.example.gob.mx'],
    ['sip:42500@pbx.example.gob.mx:5060', 'sip:42500@pbx.example.gob.mx:5060'],
    ['sip:42500@pbx.example.gob.mx:05061;transport=tls', 'sip:42500@pbx.example.gob.mx:5061;transport=tls'],
    ['sip:agente.ruiz@10.0.0.15', 'sip:agente.ruiz@10.0.0.15'],
    ['sip:+525512345678@sip.example.mx;user=phone', 'sip:+525512345678@sip.example.mx;user=phone'],
    ['sip:ext42500@[2001:db8::10]:5060', 'sip:ext42500@[2001:db8::10]:5060'],
    ['  sip:42500@pbx.example.gob.mx  ', 'sip:42500@pbx.example.gob.mx'],
  ])('reads the SIP address %j as %s', (input, route) => {
    expect(parseVoiceRoute(input)).toEqual({ ok: true, route, kind: 'sip' });
  });

  it.each([
    // [input, a phrase the Spanish message must contain]
    ['', 'Escriba el teléfono o la dirección SIP.'],
    ['   ', 'Escriba el teléfono o la dirección SIP.'],
    ['1234 5678', 'El número tiene 8 dígitos: un teléfono de México lleva 10'],
    ['55 1234 567', 'El número tiene 9 dígitos'],
    ['046 55 1234 5678', 'El número tiene 13 dígitos'],
    ['0551234567', 'Un teléfono de México no empieza con 0'],
    ['+1234567', 'de 8 a 15 dígitos después del «+» (tiene 7)'],
    ['+1234567890123456', 'de 8 a 15 dígitos después del «+» (tiene 16)'],
    ['+052 55 1234 5678', 'La clave del país no empieza con 0.'],
    ['55 1234 5678 ext 12', 'Escriba un teléfono de 10 dígitos'],
    ['extensión 42500', 'Escriba un teléfono de 10 dígitos'],
    ['42500@pbx.example.gob.mx', 'Una dirección SIP empieza con «sip:».'],
    ['sip:pbx.example.gob.mx', 'debe tener la forma sip:usuario@servidor'],
    ['sip:42500@pbx', 'debe tener la forma sip:usuario@servidor'],
    ['sip:42500@pbx.example.gob.mx:99999', 'El puerto 99999 no es válido'],
    ['sip:42500@pbx.example.gob.mx:0', 'El puerto 0 no es válido'],
    ['sip:42500@999.1.1.1', 'La dirección IP «999.1.1.1» no es válida.'],
    ['sip:425 00@pbx.example.gob.mx', 'La dirección SIP no lleva espacios.'],
    ['sip:42500@pbx.example.gob.mx;transport=tls<script>', 'debe tener la forma sip:usuario@servidor'],
    ['sips:42500@pbx.example.gob.mx', 'Use una dirección «sip:»'],
    ['http://pbx.example.gob.mx', 'Escriba un teléfono de 10 dígitos'],
    [`sip:${'a'.repeat(MAX_VOICE_ROUTE_LENGTH)}@pbx.example.gob.mx`, `Admite hasta ${MAX_VOICE_ROUTE_LENGTH} caracteres.`],
  ])('refuses %j in Spanish, saying what to write', (input, phrase) => {
    const result = parseVoiceRoute(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain(phrase);
    // Every refusal ends with the examples of what is accepted.
    expect(result.message.endsWith(VOICE_ROUTE_HELP)).toBe(true);
  });
});
