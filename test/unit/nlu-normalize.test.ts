import { foldCase, normalizeText } from '../../services/nlu/normalize';

describe('normalizeText (es)', () => {
  it.each([
    ['No me conecta el WI-FI!!', 'no me conecta el wifi'],
    ['se cayó el guifi', 'se cayo el wifi'],
    ['no agarra el wai fai', 'no agarra el wifi'],
    ['olvidé mi contraceña del i meil', 'olvide mi contrasena del email'],
    ['mi e-mail', 'mi email'],
    ['la contrasenia', 'la contrasena'],
    ['Contraseña', 'contrasena'],
    ['el pasword', 'el contrasena'],
    ['no tengo internert', 'no tengo internet'],
    ['la compu no prende', 'la computadora no prende'],
    ['el ordenador', 'el computadora'],
    ['la impresara no imprime', 'la impresora no imprime'],
    ['¿Cómo me conecto a la ve pe ene?', 'como me conecto a la vpn'],
    ['la v p n', 'la vpn'],
    ['no puedo entrar a tims', 'no puedo entrar a teams'],
    ['la reunión de zum', 'la reunion de zoom'],
    ['no me deja entrar al mudle', 'no me deja entrar al moodle'],
    ['abrir el autluk', 'abrir el outlook'],
    ['Holaaaa, necesito ayudaaa', 'hola necesito ayuda'],
    ['zooom', 'zoom'],
    ['mi ext es 1234', 'mi extension es 0'],
    ['office 365 y el guasap', 'office y el whatsapp'],
    ['mi correo juan.perez@uni.mx no recibe', 'mi correo email no recibe'],
    ['entren a https://portal.uni.mx/x', 'entren a url'],
    ['ke onda x favor', 'que onda por favor'],
    ['   ', ''],
    ['¿?¡!', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeText(input, 'es')).toBe(expected);
  });

  it('does not rewrite inside longer words', () => {
    expect(normalizeText('computación y computadoras', 'es')).toBe('computacion y computadora');
    expect(normalizeText('la cámara web', 'es')).toBe('la camara web');
    expect(normalizeText('extensión', 'es')).toBe('extension');
  });

  it('applies the spoken-numbers hook before folding digits', () => {
    const spokenNumbers = jest.fn((text: string) => text.replace('cuatro dos', '42'));
    expect(normalizeText('mi extensión es cuatro dos', 'es', { spokenNumbers })).toBe('mi extension es 0');
    expect(spokenNumbers).toHaveBeenCalledWith('mi extensión es cuatro dos', 'es');
    expect(normalizeText('extensión 42', 'es', { foldDigits: false })).toBe('extension 42');
  });
});

describe('normalizeText (en)', () => {
  it.each([
    ["I can't log in to my e-mail", 'i can not login to my email'],
    ["what's the wi fi pasword", 'what the wifi password'],
    ["I won't be there, I'm sick", 'i will not be there i am sick'],
    ['set an alarm for 7am', 'set an alarm for 0 am'],
    ['pls help u', 'please help you'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeText(input, 'en')).toBe(expected);
  });

  it('keeps Spanish-only rules out of English', () => {
    expect(normalizeText('the pc and the lap', 'en')).toBe('the pc and the lap');
    expect(normalizeText('x marks the spot', 'en')).toBe('x marks the spot');
  });
});

describe('foldCase', () => {
  it('lower-cases and removes accents, ñ becomes n', () => {
    expect(foldCase('ÁÉÍÓÚ Ñandú Pingüino')).toBe('aeiou nandu pinguino');
  });
});
