import { farewell, greeting, messages } from '../../../dialogs/messages/es-MX';
import { hintsFor, inputToText, normalizeSpoken, speakable, spokenMenu } from '../../../services/twilio/speech';

const a = messages.attention;
const h = messages.handoff;

/** What Polly must never read aloud. */
const SYMBOLS = /[«»"“”•*#_|~<>[\]{}@;()]|https?:|www\./;

describe('speakable: the real bot texts', () => {
  it.each<[string, string, string]>([
    ['main menu: bullets, «», parentheses, escribirme', messages.mainMenu,
      'Menú principal. Puede decirme con sus propias palabras: el problema o la falla que tiene, por ejemplo, no puedo entrar a mi correo ' +
      'institucional, o el servicio que necesita, por ejemplo, necesito que instalen un programa en mi equipo. ¿En qué puedo ayudarle?'],
    ['help: puede escribir «menú»', messages.help,
      'Con gusto le explico. Soy el asistente virtual de la Mesa de Ayuda: recibo la descripción de su problema o del servicio que ' +
      'necesita y le oriento. En cualquier momento puede decir menú para volver al inicio o cancelar para dejar lo que estemos haciendo.'],
    ['escríbame', messages.askRequestRetry,
      'Para poder ayudarle, por favor dígame con sus propias palabras el problema que tiene o el servicio que necesita.'],
    ['numbered list', a.didYouMean(['Correo institucional', 'Red inalámbrica (Wi-Fi)']),
      '¿Se refiere a alguna de estas opciones? Opción 1, Correo institucional. Opción 2, Red inalámbrica, Wi-Fi.'],
    ['escriba su número (of an option)', a.didYouMeanRetry,
      'Disculpe, no le entendí. Elija una de las opciones, diga su número, o ninguna de estas.'],
    ['ticket registered: ticket number, «group», semicolon', a.ticketRegistered('CAU-2026-000123', 'Correo institucional'),
      'Registré su reporte con el número C A U, 2026, guion, 1 2 3. Lo atenderá el grupo Correo institucional. Un resolutor se pondrá en ' +
      'contacto con usted por correo electrónico o por teléfono.'],
    ['informative record: underscores', a.informativeRegistered('CAU-2026-000045'),
      'Su solicitud quedó registrada bajo el concepto CAU INFORMATIVO 04A con el número C A U, 2026, guion, 4 5. El área correspondiente ' +
      'le dará seguimiento por correo electrónico o por teléfono.'],
    ['e-mail example, escríbalo', a.emailRetry,
      'Disculpe, no identifiqué un correo electrónico. Dígalo completo, por ejemplo, nombre arroba ipn punto mx, o diga no tengo.'],
    ['me lo puede escribir', a.emailInvalid,
      'Ese correo electrónico no parece válido. ¿Me lo puede decir de nuevo? Por ejemplo: nombre arroba ipn punto mx.'],
    ['phone example in pairs', a.phoneRetry,
      'Disculpe, no identifiqué el teléfono. Dígalo con sus 10 dígitos, por ejemplo, 55, 57, 29, 60, 0 0, o diga no tengo.'],
    ['escríbala con números', a.extensionRetry,
      'Disculpe, no identifiqué la extensión. Dígala número por número, por ejemplo, 52030, o diga no tengo.'],
    ['en un solo mensaje', a.askContactAll,
      'Para registrar su solicitud necesito su nombre completo, un correo electrónico y un teléfono de contacto de 10 dígitos. Puede decirlos de una vez.'],
    ['known data: e-mail and extension', a.knownData('Ana López, ana.lopez@ipn.mx, extensión 42500'),
      'Tengo estos datos suyos: Ana López, ana punto lopez arroba ipn punto mx, extensión 4 2 5 0 0. ¿Son correctos?'],
    ['queued: semicolon, escribir «cancelar»', h.queued(3, 200),
      'Está en el lugar 3 de la fila. El tiempo estimado de espera es de unos 3 minutos. Puede decir cancelar para salir de la fila.'],
    ['callback stored: phone and parentheses', h.callbackStored('5512345678', 'mañana a las 10:00'),
      'Listo: un agente le llamará al 55, 12, 34, 56, 78, mañana a las 10:00. Le sugiero tener su teléfono a la mano.'],
    ['«le podemos escribir» is about us writing: unchanged', a.askEmail, '¿A qué correo electrónico le podemos escribir?'],
    ['farewell', farewell({ botName: 'Ventanilla', closing: 'que tenga buen día', summary: [a.summaryTicket('CAU-2026-000123', 'Correo')] }),
      'Fue un gusto atenderle. En resumen, registramos su reporte C A U, 2026, guion, 1 2 3 de Correo. Le recuerdo que le atendió Ventanilla. ' +
      'Hasta luego, que tenga buen día.'],
  ])('%s', (_what, text, expected) => {
    expect(speakable(text)).toBe(expected);
  });

  it('leaves no symbol Polly would read in any fixed message', () => {
    const texts: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') texts.push(value);
      else if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === 'object' && value !== null) Object.values(value).forEach(collect);
    };
    collect(messages);
    texts.push(greeting({ timeOfDay: 'Buenas tardes', botName: 'Ventanilla', orgName: 'la Mesa de Ayuda', ask: true }));
    expect(texts.length).toBeGreaterThan(60);
    for (const text of texts) {
      const spoken = speakable(text);
      expect(spoken).not.toMatch(SYMBOLS);
      expect(spoken).toMatch(/[.!?]$/);
      expect(spoken).not.toMatch(/[,.]\s*[,.]|\s[,.]/);
    }
  });
});

describe('speakable: markdown, links, symbols', () => {
  it.each<[string, string]>([
    ['Entre a https://www.ipn.mx/correo y elija «Olvidé mi contraseña».', 'Entre a la página de internet correspondiente y elija Olvidé mi contraseña.'],
    ['Consulte la página https://x.ipn.mx/a?b=1&c=2 para más detalles.', 'Consulte la página correspondiente para más detalles.'],
    ['Revise el siguiente enlace: https://x.ipn.mx/a', 'Revise el enlace correspondiente.'],
    ['Más información: https://www.ipn.mx/dae.', 'Más información.'],
    ['Visite dae.ipn.mx para más detalles.', 'Visite la página de internet correspondiente para más detalles.'],
    ['Descargue el formato del portal (https://x.mx/f.pdf).', 'Descargue el formato del portal.'],
    ['Lea [la guía](https://x.mx/guia) antes de empezar.', 'Lea la guía antes de empezar.'],
    ['**Importante:** reinicie su equipo 🙂👍🏽; luego pruebe de nuevo.', 'Importante: reinicie su equipo. Luego pruebe de nuevo.'],
    ['## Pasos\n- Apague el equipo\n- Espere 10 segundos\n* Enciéndalo', 'Pasos. Apague el equipo. Espere 10 segundos. Enciéndalo.'],
    ['Elija «Informar» → «Informar de phishing» (o «Correo no deseado»).', 'Elija Informar, Informar de phishing, o Correo no deseado.'],
    ['Use `Ctrl + Alt + Supr` y _luego_ elija *Cambiar contraseña*.', 'Use Ctrl + Alt + Supr y luego elija Cambiar contraseña.'],
    ['Docente/administrativo: al 100% & sin costo…', 'Docente o administrativo: al 100 por ciento y sin costo.'],
    ['Escriba a soporte_cau-1@ipn.mx hoy', 'Escriba a soporte guion bajo cau guion 1 arroba ipn punto mx hoy.'],
    ['Llame al +52 55 5729 6000 ext. 51234', 'Llame al 55, 57, 29, 60, 0 0 extensión 5 1 2 3 4.'],
    ['Llame al (55) 5729-6005', 'Llame al 55, 57, 29, 60, 0 5.'],
    ['Escriba su número de boleta sin espacios; no escriba su NIP en el sitio.',
      'Escriba su número de boleta sin espacios. No escriba su NIP en el sitio.'],
    ['', ''],
  ])('%j → %j', (text, expected) => {
    expect(speakable(text)).toBe(expected);
  });
});

describe('spokenMenu', () => {
  it('reads yes/no as the issue asks', () => {
    expect(spokenMenu(['Sí', 'No'])).toEqual({
      text: 'Para Sí, diga sí o marque 1. Para No, diga no o marque 2.',
      dtmf: { 1: 'Sí', 2: 'No' },
      hints: ['sí', 'no'],
    });
  });

  it('keeps the options as given for the dialog, speaks them without commas, and shortens long ones', () => {
    const menu = spokenMenu([h.optionTicket, h.optionCallback, h.optionNone, 'A toda la escuela o unidad']);
    expect(menu.text).toBe(
      'Para Registrar un reporte, diga registrar un reporte o marque 1. Para Que me llamen, diga que me llamen o marque 2. ' +
        'Para Ninguna gracias, diga ninguna gracias o marque 3. Para A toda la escuela o unidad, marque 4.',
    );
    expect(menu.dtmf).toEqual({ 1: 'Registrar un reporte', 2: 'Que me llamen', 3: 'Ninguna, gracias', 4: 'A toda la escuela o unidad' });
    expect(menu.hints).toEqual(['registrar un reporte', 'que me llamen', 'ninguna gracias', 'a toda la escuela o unidad']);
  });

  it('gives keys to nine options at most; the rest can only be said', () => {
    const options = Array.from({ length: 11 }, (_v, i) => `Opción ${String.fromCharCode(65 + i)}`);
    const menu = spokenMenu(options);
    expect(Object.keys(menu.dtmf)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(menu.text).toContain('Para Opción I, diga opción i o marque 9.');
    expect(menu.text).toContain('Para Opción J, diga opción j.');
    expect(menu.text).not.toContain('marque 10');
    expect(menu.hints).toHaveLength(11);
  });

  it('skips empty options', () => {
    expect(spokenMenu(['', 'Sí']).dtmf).toEqual({ 1: 'Sí' });
  });
});

describe('inputToText', () => {
  const yesNo = spokenMenu(['Sí', 'No']).dtmf;
  const impact = spokenMenu(a.impactOptions).dtmf;

  it.each<[string, { speech?: string; digits?: string }, Record<string, string> | undefined, string]>([
    ['a key of the menu', { digits: '2' }, yesNo, 'No'],
    ['a key outside the menu', { digits: '7' }, yesNo, '7'],
    ['digits without a menu, # removed', { digits: '42500#' }, undefined, '42500'],
    ['keys win over speech', { digits: '1', speech: 'no' }, yesNo, 'Sí'],
    ['the label said, with Twilio punctuation', { speech: 'Sí.' }, yesNo, 'Sí'],
    ['the label said without accents', { speech: 'a mi area' }, impact, 'A mi área'],
    ['the number of an option', { speech: 'uno' }, yesNo, 'Sí'],
    ['«la dos»', { speech: 'La dos.' }, yesNo, 'No'],
    ['«opción 4»', { speech: 'opción 4' }, impact, 'A toda la escuela o unidad'],
    ['«la tercera»', { speech: 'la tercera' }, impact, 'A varias áreas'],
    ['an answer that is not an option', { speech: 'sí, claro' }, yesNo, 'sí, claro'],
    ['an extension digit by digit', { speech: 'cuatro dos cinco cero cero' }, undefined, '42500'],
    ['an extension in groups, in a sentence', { speech: 'Mi extensión es cuarenta y dos quinientos.' }, undefined, 'Mi extensión es 42500'],
    ['a phone dictated in pairs as digits', { speech: '55 12 34 56 78' }, undefined, '5512345678'],
    ['a phone in words', { speech: 'cincuenta y cinco doce treinta y cuatro cincuenta y seis setenta y ocho' }, undefined, '5512345678'],
    ['a ticket number', { speech: 'CAU dos mil veintiséis ciento veintitrés' }, undefined, 'CAU 2026123'],
    ['free speech with a number keeps its words', { speech: 'tengo dos computadoras que no prenden' }, undefined, 'tengo dos computadoras que no prenden'],
    ['a menu does not stop numbers being read', { speech: 'la cuarenta y dos quinientos' }, yesNo, 'la 42500'],
    ['silence', {}, yesNo, ''],
    ['empty values', { speech: ' ', digits: '' }, undefined, ''],
  ])('%s', (_what, input, menu, expected) => {
    expect(inputToText(input, menu)).toBe(expected);
  });
});

describe('hintsFor', () => {
  it('joins phrases with commas, without punctuation or repeats', () => {
    expect(hintsFor(['Sí', 'sí', 'Si', 'No, gracias', '«Correo institucional»', '¿Ayuda?', ''])).toBe('sí, no gracias, correo institucional, ayuda');
  });

  it('cuts phrases at 100 characters, on a word', () => {
    const long = `${'palabra '.repeat(20)}final`;
    const [phrase = ''] = hintsFor([long]).split(', ');
    expect(phrase.length).toBeLessThanOrEqual(100);
    expect(phrase.endsWith('palabra')).toBe(true);
    expect(hintsFor(['x'.repeat(150)])).toHaveLength(100);
  });

  it('keeps at most 100 phrases', () => {
    expect(hintsFor(Array.from({ length: 150 }, (_v, i) => `frase ${i}`)).split(', ')).toHaveLength(100);
  });
});

describe('normalizeSpoken', () => {
  it('lower-cases and drops accents and punctuation', () => {
    expect(normalizeSpoken('¡Sí, Señor Pérez!')).toBe('si senor perez');
  });
});

describe('speakable: numbered self-help steps', () => {
  it('reads numbered sentences as ordered steps, not options', () => {
    const text = [
      a.selfHelpIntro,
      '1. Entre a https://cuenta.ipn.mx y elija «¿Olvidó su contraseña?»; el código le llegará al celular de recuperación.',
      '2. Revise que la fecha y la hora de su equipo sean correctas.',
      '3. SAES: use un navegador actualizado.',
    ].join('\n');
    expect(speakable(text)).toBe(
      'Le propongo intentar lo siguiente: Primero, entre a la página de internet correspondiente y elija ¿Olvidó su contraseña? ' +
        'El código le llegará al celular de recuperación. Segundo, revise que la fecha y la hora de su equipo sean correctas. ' +
        'Tercero, SAES: use un navegador actualizado.',
    );
  });
});
