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
    const c = loadConfig({ PORT: ' 8080 ', WEBCHAT_ANONYMOUS: 'false', IMAP_URL: 'imaps://a@x/INBOX, imap://b@y', PUBLIC_BASE_URL: 'https://cau.example.mx/' });
    expect(c.port).toBe(8080);
    expect(c.directLine.anonymousWebChat).toBe(false);
    expect(c.imap?.urls).toEqual(['imaps://a@x/INBOX', 'imap://b@y']);
    expect(c.publicBaseUrl).toBe('https://cau.example.mx');
  });

  it('validates BUSINESS_HOURS', () => {
    expect(loadConfig({ BUSINESS_HOURS: 'lun-vie 08:00-18:00; sab 09:00-13:00' }).businessHours).toBeDefined();
    expect(() => loadConfig({ BUSINESS_HOURS: 'siempre' })).toThrow(/BUSINESS_HOURS/);
  });
});
