/**
 * Where a console user's accepted phone calls ring (`users.voice_route`): a phone number in E.164 (`+525512345678`)
 * or a SIP address of the PBX (`sip:42500@pbx.example.gob.mx`). Agents type it as they know it («55 1234 5678»,
 * «+52 (55) 1234-5678», «sip:42500@pbx.example.gob.mx:5060;transport=tls»); it is stored in one canonical form, so
 * the phone channel can dial it as it is.
 */

/** Longest route stored (a SIP address with parameters fits easily). */
export const MAX_VOICE_ROUTE_LENGTH = 255;

/** What a person reads when the route cannot be understood. */
export const VOICE_ROUTE_HELP =
  'Escriba un teléfono de 10 dígitos (p. ej. 55 1234 5678), un número internacional con «+» y la clave del país ' +
  '(p. ej. +52 55 1234 5678) o una dirección SIP (p. ej. sip:42500@pbx.ejemplo.gob.mx).';

export type VoiceRouteKind = 'phone' | 'sip';

export type VoiceRouteParse = { ok: true; route: string; kind: VoiceRouteKind } | { ok: false; message: string };

/** Separators people write inside phone numbers: spaces, dashes, dots, slashes and parentheses. */
const PHONE_SEPARATORS = /[\s\-./()\u00a0\u2010-\u2015]/g;
/** E.164: a country code that does not start with 0, 8 to 15 digits in all. */
const E164 = /^\+[1-9]\d{7,14}$/;
/** A Mexican national number: 10 digits (area code and subscriber, since the 2019 numbering plan). */
const MEXICAN_NATIONAL = /^[1-9]\d{9}$/;
const OLD_MEXICAN_PREFIX = /^(?:044|045|01|52)([1-9]\d{9})$/;

/** RFC 3261 user part without escapes we do not need: unreserved characters and a few user-unreserved ones. */
const SIP_USER = String.raw`[A-Za-z0-9\-_.!~*'()&=+$,%]+`;
const SIP_LABEL = String.raw`[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?`;
/** A fully qualified host name (at least one dot: a PBX Twilio can resolve), an IPv4 address, or [IPv6]. */
const SIP_HOST = String.raw`(?:${SIP_LABEL}(?:\.${SIP_LABEL})+|\[[0-9A-Fa-f:.]+\])`;
const SIP_PARAM = String.raw`;[A-Za-z0-9\-_.!~*'%]+(?:=[A-Za-z0-9\-_.!~*'%:\[\]]+)?`;
const SIP = new RegExp(String.raw`^sip:(${SIP_USER})@(${SIP_HOST})(?::(\d{1,5}))?((?:${SIP_PARAM})*)$`, 'i');
const IPV4ISH = /^\d+(?:\.\d+){3}$/;

function failure(detail?: string): VoiceRouteParse {
  return { ok: false, message: detail ? `${detail} ${VOICE_ROUTE_HELP}` : VOICE_ROUTE_HELP };
}

function parseSip(text: string): VoiceRouteParse {
  if (/\s/.test(text)) return failure('La dirección SIP no lleva espacios.');
  const m = SIP.exec(text);
  if (!m) return failure('La dirección SIP no es válida: debe tener la forma sip:usuario@servidor.');
  const user = m[1] ?? '';
  const host = m[2] ?? '';
  const port = m[3];
  const params = m[4] ?? '';
  if (IPV4ISH.test(host) && host.split('.').some((octet) => Number(octet) > 255)) {
    return failure(`La dirección IP «${host}» no es válida.`);
  }
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    return failure(`El puerto ${port} no es válido (use de 1 a 65535).`);
  }
  // The scheme and the host are case-insensitive; the user part and the parameters are kept as written.
  const route = `sip:${user}@${host.toLowerCase()}${port !== undefined ? `:${Number(port)}` : ''}${params}`;
  return { ok: true, route, kind: 'sip' };
}

function parsePhone(text: string): VoiceRouteParse {
  let digits = text.replace(PHONE_SEPARATORS, '');
  if (/^tel:/i.test(digits)) digits = digits.slice(4);
  // «00» is how an international number is dialled from Mexico; the «+» says the same.
  if (/^00\d/.test(digits)) digits = `+${digits.slice(2)}`;
  if (MEXICAN_NATIONAL.test(digits)) return { ok: true, route: `+52${digits}`, kind: 'phone' };
  // Prefixes of the old numbering plan (044/045 mobile, 01 long distance), and the country code without «+».
  const national = OLD_MEXICAN_PREFIX.exec(digits);
  if (national) return { ok: true, route: `+52${national[1]}`, kind: 'phone' };
  if (E164.test(digits)) return { ok: true, route: digits, kind: 'phone' };
  if (/^\+?\d+$/.test(digits)) {
    const count = digits.replace('+', '').length;
    if (count === 10 && digits.startsWith('0')) {
      return failure('Un teléfono de México no empieza con 0: escriba sus 10 dígitos, lada incluida.');
    }
    if (!digits.startsWith('+')) {
      return failure(`El número tiene ${count} ${count === 1 ? 'dígito' : 'dígitos'}: un teléfono de México lleva 10; si es de otro país, empiece con «+» y la clave del país.`);
    }
    if (digits.startsWith('+0')) return failure('La clave del país no empieza con 0.');
    return failure(`Un número internacional lleva de 8 a 15 dígitos después del «+» (tiene ${count}).`);
  }
  return failure();
}

/**
 * Reads a voice route as a person typed it. Phones become E.164 (a 10-digit Mexican number gets `+52`); SIP addresses
 * keep their user part and parameters, with the scheme and host in lower case. An error says in Spanish what to write.
 */
export function parseVoiceRoute(input: string): VoiceRouteParse {
  const text = input.trim();
  if (text === '') return failure('Escriba el teléfono o la dirección SIP.');
  if (text.length > MAX_VOICE_ROUTE_LENGTH) return failure(`Admite hasta ${MAX_VOICE_ROUTE_LENGTH} caracteres.`);
  if (/^sips?:/i.test(text)) {
    if (/^sips:/i.test(text)) return failure('Use una dirección «sip:» (para cifrar, agregue «;transport=tls»).');
    return parseSip(`sip:${text.slice(4)}`);
  }
  if (text.includes('@')) return failure('Una dirección SIP empieza con «sip:».');
  return parsePhone(text);
}
