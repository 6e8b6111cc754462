import { spokenNumbersToDigits } from '../../services/nlu/spoken-numbers';

describe('spokenNumbersToDigits (es)', () => {
  it.each([
    // Digit by digit, as extensions and phones are dictated.
    ['cuatro dos cinco cero cero', '42500'],
    ['extensión cuatro dos cinco cero cero por favor', 'extensión 42500 por favor'],
    // Spoken extension groups, common in Mexico.
    ['cuarenta y dos quinientos', '42500'],
    ['la cuarenta y dos quinientos uno', 'la 42501'],
    ['cuarenta y dos mil quinientos', '42500'],
    // One number.
    ['mil doscientos treinta y cuatro', '1234'],
    ['dos mil veintiséis', '2026'],
    ['quinientos dos', '502'],
    ['cien', '100'],
    ['ciento veintitrés', '123'],
    ['dieciséis', '16'],
    ['Veintitrés', '23'],
    ['veintiún días', '21 días'],
    ['treinta y un días', '31 días'],
    // Phone numbers said in pairs, with or without commas.
    ['cero cincuenta y cinco', '055'],
    ['cincuenta y cinco, doce, treinta y cuatro, cincuenta y seis, setenta y ocho', '5512345678'],
    ['cincuenta y cinco doce treinta y cuatro cincuenta y seis setenta y ocho', '5512345678'],
    ['ext. cuatro, dos, cinco, cero, cero', 'ext. 42500'],
    // Repeats.
    ['doble cero', '00'],
    ['cuatro dos cinco doble cero', '42500'],
    ['triple cinco uno dos', '55512'],
    ['haga doble clic', 'haga doble clic'],
    // Articles and weak words stay words unless they sit inside a number.
    ['tengo un problema con una impresora', 'tengo un problema con una impresora'],
    ['uno de ellos no sirve', 'uno de ellos no sirve'],
    ['mil gracias', 'mil gracias'],
    ['al cien por ciento', 'al 100 por ciento'],
    ['uno dos tres', '123'],
    ['mil quinientos', '1500'],
    ['a las dos, uno de ellos', 'a las 2, uno de ellos'],
    // Numbers inside sentences; other words and punctuation untouched.
    ['a las diez y media', 'a las 10 y media'],
    // An hour and its minutes after "las" are a clock time, not one number.
    ['a las diez treinta', 'a las 10:30'],
    ['a las dos cincuenta y cinco', 'a las 2:55'],
    ['a la doce treinta y cuatro', 'a la 1234'],
    ['el tres de diciembre a las nueve', 'el 3 de diciembre a las 9'],
    [
      'extensión cuarenta y dos quinientos, mi cel es cincuenta y cinco doce treinta y cuatro cincuenta y seis setenta y ocho',
      'extensión 42500, mi cel es 5512345678',
    ],
    ['CAU dos mil veintiséis cero cero cero ciento veintitrés', 'CAU 2026000123'],
    ['Mi número: CUATRO DOS cinco', 'Mi número: 425'],
    ['no puedo entrar a mi correo', 'no puedo entrar a mi correo'],
    ['se trabó la impresora 3 veces', 'se trabó la impresora 3 veces'],
    // Limitation: a comma does not join a pair to a three-digit group.
    ['cuarenta y dos, quinientos', '42, 500'],
  ])('%s → %s', (input, expected) => {
    expect(spokenNumbersToDigits(input, 'es')).toBe(expected);
  });

  it('reads decomposed accents (NFD) as well as composed ones', () => {
    expect(spokenNumbersToDigits('veintitre\u0301s', 'es')).toBe('23');
  });

  it('returns the same text when there is no number word', () => {
    const text = 'Buenas tardes, ¿me ayuda con la VPN?';
    expect(spokenNumbersToDigits(text, 'es')).toBe(text);
  });
});

describe('spokenNumbersToDigits (en)', () => {
  it.each([
    ['four two five oh oh', '42500'],
    ['forty two five hundred', '42500'],
    ['one hundred and twenty three', '123'],
    ['twenty-one', '21'],
    ['twelve hundred', '1200'],
    ['double zero seven', '007'],
    ['five five, twelve, thirty four, fifty six, seventy eight', '5512345678'],
    ['I have one problem', 'I have one problem'],
    ['a thousand thanks', 'a thousand thanks'],
    ['oh no, my printer', 'oh no, my printer'],
    ['call me at ten thirty', 'call me at 10:30'],
    ['extension twelve thirty four', 'extension 1234'],
    // Spanish words are not read in English, nor English words in Spanish.
    ['cuatro dos', 'cuatro dos'],
  ])('%s → %s', (input, expected) => {
    expect(spokenNumbersToDigits(input, 'en')).toBe(expected);
  });

  it('does not read English words in Spanish', () => {
    expect(spokenNumbersToDigits('four two', 'es')).toBe('four two');
  });
});

describe('spokenNumbersToDigits speed', () => {
  it('takes well under 0.1 ms per typical utterance', () => {
    const utterances = [
      'hola buenas tardes, no puedo entrar a mi correo institucional',
      'mi extensión es cuarenta y dos quinientos y mi celular cincuenta y cinco doce treinta y cuatro',
      'la impresora del tercer piso no imprime desde ayer, ya la reinicié y sigue igual',
    ];
    for (const u of utterances) spokenNumbersToDigits(u, 'es');
    const rounds = 2000;
    const started = performance.now();
    for (let i = 0; i < rounds; i += 1) for (const u of utterances) spokenNumbersToDigits(u, 'es');
    const perCall = (performance.now() - started) / (rounds * utterances.length);
    expect(perCall).toBeLessThan(0.1);
  });
});
