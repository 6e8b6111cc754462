import { simpleParser } from 'mailparser';
import { DEFAULT_REPLY_SUBJECT, messageIds, newMessageId, replyHeaders, replySubject, threadIds } from '../../../services/email/threading';

/** A minimal RFC 5322 message with the given extra header lines. */
function raw(...headers: string[]): string {
  return [
    'From: Juan Pérez <juan.perez@uni.mx>',
    'To: cau@uni.mx',
    'Subject: Re: Solicitud',
    'Date: Mon, 3 Nov 2025 10:15:00 -0600',
    ...headers,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Gracias.',
    '',
  ].join('\r\n');
}

describe('messageIds', () => {
  it.each<[string, unknown, string[]]>([
    ['one id', '<a1@uni.mx>', ['<a1@uni.mx>']],
    ['brackets added, whitespace removed', '  a1@uni.mx \r\n', ['<a1@uni.mx>']],
    ['several ids in one string, spaces and folding', '<a1@uni.mx>\r\n <b2@gmail.com>\t<c3@x.mx>', ['<a1@uni.mx>', '<b2@gmail.com>', '<c3@x.mx>']],
    ['comma-separated', '<a1@uni.mx>,<b2@gmail.com>, c3@x.mx', ['<a1@uni.mx>', '<b2@gmail.com>', '<c3@x.mx>']],
    ['ids written together', '<a1@uni.mx><b2@gmail.com>', ['<a1@uni.mx>', '<b2@gmail.com>']],
    ['an array of such strings', ['<a1@uni.mx> <b2@gmail.com>', '<c3@x.mx>,<d4@x.mx>'], ['<a1@uni.mx>', '<b2@gmail.com>', '<c3@x.mx>', '<d4@x.mx>']],
    ['duplicates removed, first place kept', ['<a1@uni.mx>', '<b2@gmail.com> <a1@uni.mx>', 'b2@gmail.com'], ['<a1@uni.mx>', '<b2@gmail.com>']],
    ['tokens without @ and comments dropped', '<a1@uni.mx> (mensaje de Juan) <sin-arroba> <>', ['<a1@uni.mx>']],
    ['nothing usable', undefined, []],
    ['not a string', 42, []],
  ])('%s', (_name, value, expected) => {
    expect(messageIds(value)).toEqual(expected);
  });

  it('drops ids longer than 998 characters and keeps the others', () => {
    const long = `${'x'.repeat(1000)}@uni.mx`;
    expect(messageIds(`<${long}> <ok@uni.mx>`)).toEqual(['<ok@uni.mx>']);
    const limit = `${'y'.repeat(998 - 2 - '@uni.mx'.length)}@uni.mx`;
    expect(messageIds(limit)).toEqual([`<${limit}>`]);
  });
});

describe('threadIds', () => {
  it('gives References then In-Reply-To, oldest first, without repeating the parent', async () => {
    const mail = await simpleParser(raw('Message-ID: <m3@uni.mx>', 'In-Reply-To: <m2@uni.mx>', 'References: <m1@uni.mx> <m2@uni.mx>'));
    expect(threadIds(mail)).toEqual(['<m1@uni.mx>', '<m2@uni.mx>']);
  });

  it('reads a comma-separated References, which mailparser leaves as one token', async () => {
    const mail = await simpleParser(raw('In-Reply-To: <m3@uni.mx>', 'References: <m1@uni.mx>,<m2@uni.mx>'));
    expect(mail.references).toBe('<m1@uni.mx>,<m2@uni.mx>');
    expect(threadIds(mail)).toEqual(['<m1@uni.mx>', '<m2@uni.mx>', '<m3@uni.mx>']);
  });

  it('reads ids written without brackets and separated by ", "', async () => {
    const mail = await simpleParser(raw('References: m1@uni.mx, m2@uni.mx'));
    expect(threadIds(mail)).toEqual(['<m1@uni.mx>', '<m2@uni.mx>']);
  });

  it('reads an In-Reply-To with two ids in one string', async () => {
    const mail = await simpleParser(raw('In-Reply-To: <m1@uni.mx> <m2@uni.mx>'));
    expect(threadIds(mail)).toEqual(['<m1@uni.mx>', '<m2@uni.mx>']);
  });

  it('is empty for the first mail of a thread', async () => {
    expect(threadIds(await simpleParser(raw('Message-ID: <m1@uni.mx>')))).toEqual([]);
  });
});

describe('replyHeaders', () => {
  it('answers the parent and appends it to its references', () => {
    expect(replyHeaders({ messageId: '<m2@uni.mx>', references: ['<m1@uni.mx>'] })).toEqual({
      'In-Reply-To': '<m2@uni.mx>',
      References: '<m1@uni.mx> <m2@uni.mx>',
    });
  });

  it('normalizes the parent id and does not repeat it', () => {
    expect(replyHeaders({ messageId: ' m2@uni.mx ', references: ['<m1@uni.mx>', '<m2@uni.mx>'] })).toEqual({
      'In-Reply-To': '<m2@uni.mx>',
      References: '<m1@uni.mx> <m2@uni.mx>',
    });
  });

  it('keeps the first id and the newest ones when the header would be too long', () => {
    const refs = Array.from({ length: 60 }, (_, i) => `<mensaje-${String(i).padStart(3, '0')}.abcdef@uni.mx>`);
    const { References } = replyHeaders({ messageId: '<padre@uni.mx>', references: refs });
    const ids = References.split(' ');
    expect(References.length).toBeLessThanOrEqual(900);
    expect(ids[0]).toBe(refs[0]);
    expect(ids[ids.length - 1]).toBe('<padre@uni.mx>');
    expect(ids[ids.length - 2]).toBe(refs[59]);
    expect(ids.length).toBeLessThan(refs.length);
    const kept = ids.slice(1, -1);
    expect(kept).toEqual(refs.slice(refs.length - kept.length));
  });

  it('gives an empty In-Reply-To when the parent has no valid id', () => {
    expect(replyHeaders({ messageId: '', references: ['<m1@uni.mx>'] })).toEqual({ 'In-Reply-To': '', References: '<m1@uni.mx>' });
  });
});

describe('newMessageId', () => {
  it('is <ventanilla.{random}@{domain}>', () => {
    expect(newMessageId('cau.uni.mx', () => 'f3a9c2')).toBe('<ventanilla.f3a9c2@cau.uni.mx>');
    expect(messageIds(newMessageId('cau.uni.mx', () => 'f3a9c2'))).toEqual(['<ventanilla.f3a9c2@cau.uni.mx>']);
  });

  it('refuses a domain or random part that would break the header', () => {
    expect(() => newMessageId('cau.uni.mx>\r\nBcc: x@y.z', () => 'a')).toThrow(/domain/);
    expect(() => newMessageId('cau.uni.mx', () => 'a b')).toThrow(/random/);
    expect(() => newMessageId('cau.uni.mx', () => '')).toThrow(/random/);
  });
});

describe('replySubject', () => {
  it.each<[string | undefined, string]>([
    ['Solicitud de cuenta', 'Re: Solicitud de cuenta'],
    ['Re: Solicitud de cuenta', 'Re: Solicitud de cuenta'],
    ['RE: Solicitud de cuenta', 'Re: Solicitud de cuenta'],
    ['Re: RE: re:Solicitud de cuenta', 'Re: Solicitud de cuenta'],
    ['Re[2]: Solicitud de cuenta', 'Re: Solicitud de cuenta'],
    ['RV: Solicitud de cuenta', 'Re: RV: Solicitud de cuenta'],
    ['Fwd: Solicitud de cuenta', 'Re: Fwd: Solicitud de cuenta'],
    ['FW: Solicitud de cuenta', 'Re: FW: Solicitud de cuenta'],
    ['Re: FW: Solicitud de cuenta', 'Re: FW: Solicitud de cuenta'],
    ['  Solicitud\r\n de cuenta  ', 'Re: Solicitud de cuenta'],
    ['Resultados del examen', 'Re: Resultados del examen'],
    ['', DEFAULT_REPLY_SUBJECT],
    ['   ', DEFAULT_REPLY_SUBJECT],
    ['Re:', DEFAULT_REPLY_SUBJECT],
    [undefined, DEFAULT_REPLY_SUBJECT],
  ])('%j → %j', (subject, expected) => {
    expect(replySubject(subject)).toBe(expected);
  });

  it('the default subject is the Spanish one', () => {
    expect(DEFAULT_REPLY_SUBJECT).toBe('Re: Su solicitud al Centro de Atención a Usuarios');
  });
});
