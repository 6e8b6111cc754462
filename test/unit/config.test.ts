import { channelStatus, ConfigError, loadConfig } from '../../app/config';

describe('loadConfig', () => {
  it('gives the embedded defaults on an empty environment', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3978);
    expect(c.dataDir).toBe('./data');
    expect(c.database.url).toBeUndefined();
    expect(c.tz).toBe('America/Mexico_City');
    expect(c.bot.name).toBe('Ventanilla');
    expect(c.twilio).toBeNull();
    expect(c.directLine.anonymousWebChat).toBe(true);
  });

  it('reports every invalid variable at once, in Spanish, naming each', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'ochenta', DATABASE_URL: 'mysql://x', TZ: 'Marte/Olimpo', PUBLIC_BASE_URL: 'no es url', ORG_PRIMARY_COLOR: 'rojo' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    for (const name of ['PORT', 'DATABASE_URL', 'TZ', 'PUBLIC_BASE_URL', 'ORG_PRIMARY_COLOR']) {
      expect(problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
    expect((error as ConfigError).message).toMatch(/^Configuración inválida:/);
    expect(problems.find((p) => p.startsWith('TZ:'))).toMatch(/zona horaria/);
  });

  it('rejects half-configured channels instead of silently turning them off', () => {
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC123' })).toThrow(/TWILIO_AUTH_TOKEN: falta/);
    expect(() => loadConfig({ ADMIN_PASSWORD: 'una-contraseña-larga' })).toThrow(/ADMIN_EMAIL/);
  });

  it('turns a channel on only with all its credentials, and says why it is off', () => {
    const off = channelStatus(loadConfig({}));
    expect(off.find((c) => c.channel === 'twilio')).toMatchObject({ enabled: false, reason: expect.stringMatching(/TWILIO_ACCOUNT_SID/) });
    const on = loadConfig({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't' });
    expect(on.twilio).toEqual({ accountSid: 'AC1', authToken: 't', phoneNumber: undefined, apiBaseUrl: undefined });
  });

  it('parses numbers, booleans, lists and trims values', () => {
    const c = loadConfig({
      PORT: ' 8080 ',
      WEBCHAT_ANONYMOUS: 'false',
      IMAP_URL: 'imaps://mesa%40ipn.mx:s3cr%3At@x:993/INBOX, imap://b:p@y/Soporte',
      SMTP_URL: 'smtp://y:25',
      PUBLIC_BASE_URL: 'https://cau.example.mx/',
    });
    expect(c.port).toBe(8080);
    expect(c.directLine.anonymousWebChat).toBe(false);
    expect(c.imap?.mailboxes.map((m) => [m.user, m.password, m.host, m.secure, m.mailbox])).toEqual([
      ['mesa@ipn.mx', 's3cr:t', 'x', true, 'INBOX'],
      ['b', 'p', 'y', false, 'Soporte'],
    ]);
    expect(channelStatus(c).find((s) => s.channel === 'email')).toMatchObject({ enabled: true });
    expect(() => loadConfig({ IMAP_URL: 'imap://b:p@y/INBOX' })).toThrow(/SMTP_URL/);
    expect(c.publicBaseUrl).toBe('https://cau.example.mx');
  });

  it('validates BUSINESS_HOURS', () => {
    expect(loadConfig({ BUSINESS_HOURS: 'lun-vie 08:00-18:00; sab 09:00-13:00' }).businessHours).toBeDefined();
    expect(() => loadConfig({ BUSINESS_HOURS: 'siempre' })).toThrow(/BUSINESS_HOURS/);
  });

  it('parses BUSINESS_HOURS into a weekly schedule and HOLIDAYS into holiday rules', () => {
    const config = loadConfig({ BUSINESS_HOURS: 'lun-vie 08:00-14:00, 16:00-19:00; sáb 09:00-13:00', HOLIDAYS: 'oficiales; 2026-12-12' });
    expect(config.businessHours?.text).toBe('lun-vie 08:00-14:00, 16:00-19:00; sáb 09:00-13:00');
    expect(config.businessHours?.schedule.lun).toEqual([{ start: 480, end: 840 }, { start: 960, end: 1140 }]);
    expect(config.businessHours?.schedule.sab).toEqual([{ start: 540, end: 780 }]);
    expect(config.businessHours?.schedule.dom).toEqual([]);
    expect(config.holidays).toEqual({ official: true, dates: ['2026-12-12'] });
    expect(loadConfig({}).businessHours).toBeNull();
    expect(loadConfig({}).holidays).toEqual({ official: true, dates: [] });
    expect(loadConfig({ HOLIDAYS: 'ninguno' }).holidays).toEqual({ official: false, dates: [] });
  });

  it('reports every BUSINESS_HOURS and HOLIDAYS problem in Spanish, naming the part', () => {
    let error: unknown;
    try {
      loadConfig({ BUSINESS_HOURS: 'lun-vie 08:00-18:00; vie 17:00-19:00; jue 9-13', HOLIDAYS: 'oficiales, 24/12/2026' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^BUSINESS_HOURS: «jue 9-13»: horario inválido «9-13»/),
      'BUSINESS_HOURS: «lun-vie 08:00-18:00» y «vie 17:00-19:00» se traslapan (viernes)',
      expect.stringMatching(/^HOLIDAYS: «24\/12\/2026»: no es una fecha AAAA-MM-DD/),
    ]);
  });

  it('validates the ticket settings: prefix, priority matrix, group mailboxes and the webhook', () => {
    const config = loadConfig({
      TICKET_PREFIX: 'MESA',
      TICKET_PRIORITY_MATRIX: 'P1 P1 P1 P1; P2 P2 P2 P2; P3 P3 P3 P3; P4 P4 P4 P5',
      RESOLVER_GROUP_EMAILS: 'Redes=redes@ipn.mx; *=Mesa@IPN.mx',
      TICKET_WEBHOOK_URL: 'https://sai.ipn.mx/ventanilla',
      TICKET_WEBHOOK_SECRET: '0123456789abcdef',
    });
    expect(config.tickets.prefix).toBe('MESA');
    expect(config.tickets.matrix.low.minor).toBe('P5');
    expect(config.notify.groupEmails).toEqual({ Redes: 'redes@ipn.mx', '*': 'mesa@ipn.mx' });
    expect(config.notify.webhook).toEqual({ url: 'https://sai.ipn.mx/ventanilla', secret: '0123456789abcdef' });
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems;
      }
    };
    expect(problems({ TICKET_PREFIX: 'cau-1' })[0]).toMatch(/^TICKET_PREFIX: /);
    expect(problems({ RESOLVER_GROUP_EMAILS: 'Redes=no-es-correo' })[0]).toMatch(/^RESOLVER_GROUP_EMAILS: /);
    expect(problems({ TICKET_WEBHOOK_URL: 'ftp://sai.ipn.mx/x', TICKET_WEBHOOK_SECRET: '0123456789abcdef' })[0]).toMatch(/^TICKET_WEBHOOK_URL: /);
    expect(problems({ TICKET_WEBHOOK_URL: 'https://sai.ipn.mx/x' })).toEqual([expect.stringMatching(/^TICKET_WEBHOOK_SECRET: falta/)]);
  });
});
