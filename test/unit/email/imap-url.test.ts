import { parseImapUrls, type MailboxConfig } from '../../../services/email/imap-url';

const SECRET = 'S3creto-no-se-ve';

/** The error message of parsing `value`, failing the test when it parses. */
function errorOf(value: string): string {
  try {
    parseImapUrls(value);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`parsed without error: ${value}`);
}

describe('parseImapUrls', () => {
  it('gives no mailboxes for an unset or blank IMAP_URL', () => {
    expect(parseImapUrls(undefined)).toEqual([]);
    expect(parseImapUrls('')).toEqual([]);
    expect(parseImapUrls('   ')).toEqual([]);
  });

  it('reads a plain imap:// URL: STARTTLS when offered, certificate checked', () => {
    expect(parseImapUrls('imap://mesa:clave@mail.ipn.mx:143/INBOX')).toEqual<MailboxConfig[]>([
      {
        name: 'mesa@mail.ipn.mx/INBOX',
        host: 'mail.ipn.mx',
        port: 143,
        secure: false,
        starttls: true,
        user: 'mesa',
        password: 'clave',
        mailbox: 'INBOX',
        rejectUnauthorized: true,
      },
    ]);
  });

  it('reads an imaps:// URL with its folder and the default port 993', () => {
    const [config] = parseImapUrls('imaps://soporte:clave@imap.ipn.mx/Carpeta');
    expect(config).toMatchObject({ host: 'imap.ipn.mx', port: 993, secure: true, starttls: false, mailbox: 'Carpeta', name: 'soporte@imap.ipn.mx/Carpeta' });
  });

  it('defaults the port to 143 and the mailbox to INBOX', () => {
    expect(parseImapUrls('imap://u:p@mail.ipn.mx')[0]).toMatchObject({ port: 143, mailbox: 'INBOX' });
    expect(parseImapUrls('imap://u:p@mail.ipn.mx/')[0]).toMatchObject({ port: 143, mailbox: 'INBOX' });
  });

  it('URL-decodes the user, the password and the mailbox', () => {
    const [config] = parseImapUrls('imap://mesa%40ipn.mx:p%40s%3As%2Cw%25rd@mail.ipn.mx/Atenci%C3%B3n%20Usuarios');
    expect(config.user).toBe('mesa@ipn.mx');
    expect(config.password).toBe('p@s:s,w%rd');
    expect(config.mailbox).toBe('Atención Usuarios');
    expect(config.name).toBe('mesa@ipn.mx@mail.ipn.mx/Atención Usuarios');
  });

  it('keeps a nested mailbox path and lower-cases the host', () => {
    expect(parseImapUrls('imap://u:p@Mail.IPN.MX/INBOX/Soporte')[0]).toMatchObject({ host: 'mail.ipn.mx', mailbox: 'INBOX/Soporte' });
  });

  it('takes an IPv6 literal host without brackets', () => {
    expect(parseImapUrls('imap://u:p@[::1]:1143/INBOX')[0]).toMatchObject({ host: '::1', port: 1143 });
  });

  it('turns STARTTLS off with ?starttls=off and accepts self-signed certificates with ?tls_reject_unauthorized=false', () => {
    expect(parseImapUrls('imap://u:p@h/INBOX?starttls=off')[0]).toMatchObject({ starttls: false, rejectUnauthorized: true });
    expect(parseImapUrls('imap://u:p@h/INBOX?starttls=on')[0]).toMatchObject({ starttls: true });
    expect(parseImapUrls('imaps://u:p@h/INBOX?tls_reject_unauthorized=false')[0]).toMatchObject({ secure: true, rejectUnauthorized: false });
    expect(parseImapUrls('imaps://u:p@h/INBOX?tls_reject_unauthorized=true')[0]).toMatchObject({ rejectUnauthorized: true });
  });

  it('reads several comma-separated mailboxes in order, spaces allowed', () => {
    const configs = parseImapUrls(' imap://mesa%40ipn.mx:a@mail.ipn.mx/INBOX , imaps://cau%40ipn.mx:b@mail.ipn.mx/Quejas ');
    expect(configs.map((c) => c.name)).toEqual(['mesa@ipn.mx@mail.ipn.mx/INBOX', 'cau@ipn.mx@mail.ipn.mx/Quejas']);
    expect(configs.map((c) => c.password)).toEqual(['a', 'b']);
  });

  it.each([
    ['a scheme other than imap/imaps', `http://u:${SECRET}@h/INBOX`, /entry 1 of 1: must start with imap:\/\/ or imaps:\/\/ \(found http:\)/],
    ['no scheme', `u:${SECRET}@h`, /entry 1 of 1: must start with imap:\/\/ or imaps:\/\//],
    ['no // after the scheme', `imap:u:${SECRET}@h`, /entry 1 of 1: must start with imap:\/\//],
    ['no user', `imap://:${SECRET}@h/INBOX`, /entry 1 of 1: has no user/],
    ['no password', 'imap://mesa@h/INBOX', /entry 1 of 1: has no password/],
    ['no host', `imap://u:${SECRET}@/INBOX`, /entry 1 of 1: not a valid URL/],
    ['a port out of range', `imap://u:${SECRET}@h:70000/INBOX`, /entry 1 of 1: not a valid URL \(check the host and port/],
    ['a broken %-escape in the password', 'imap://u:abc%zz@h/INBOX', /entry 1 of 1: the password has a broken %-escape/],
    ['an unknown parameter', `imap://u:${SECRET}@h/INBOX?tls=yes`, /entry 1 of 1: unknown parameter tls/],
    ['a bad starttls value', `imap://u:${SECRET}@h/INBOX?starttls=maybe`, /entry 1 of 1: starttls must be on or off/],
    ['starttls on imaps', `imaps://u:${SECRET}@h/INBOX?starttls=off`, /entry 1 of 1: starttls applies to imap:\/\/ only/],
    ['a bad tls_reject_unauthorized', `imaps://u:${SECRET}@h/?tls_reject_unauthorized=no`, /tls_reject_unauthorized must be true or false/],
    ['RFC 5092 parameters', `imap://u:${SECRET}@h/INBOX;UIDVALIDITY=385759045`, /;UIDVALIDITY are not supported/],
    ['a fragment', `imap://u:${SECRET}@h/INBOX#x`, /must not have a #fragment/],
  ])('rejects %s with a message naming the position', (_what, value, expected) => {
    const message = errorOf(value);
    expect(message).toMatch(/^IMAP_URL entry 1 of 1/);
    expect(message).toMatch(expected);
    expect(message).not.toContain(SECRET);
  });

  it('names the position of the bad entry among several and never the password', () => {
    const message = errorOf(`imap://a:${SECRET}@h/INBOX,imap://b:${SECRET}@h:99999/INBOX,imap://c:${SECRET}@h/INBOX`);
    expect(message).toMatch(/^IMAP_URL entry 2 of 3: not a valid URL/);
    expect(message).not.toContain(SECRET);
  });

  it('rejects an empty entry (a stray comma)', () => {
    expect(errorOf(`imap://a:${SECRET}@h/INBOX,`)).toBe('IMAP_URL entry 2 of 2 is empty (check for a stray comma)');
    expect(errorOf(`imap://a:${SECRET}@h/INBOX,,imap://b:${SECRET}@h/INBOX`)).toMatch(/^IMAP_URL entry 2 of 3 is empty/);
  });

  it('rejects the same mailbox twice, since the name is the lock key', () => {
    const message = errorOf(`imap://mesa:${SECRET}@h/INBOX,imap://mesa:otra@H:1143/INBOX`);
    expect(message).toBe('IMAP_URL entry 2 of 2: repeats mailbox mesa@h/INBOX of entry 1');
  });
});
