import { simpleParser, type ParsedMail } from 'mailparser';
import { automaticReason, isAutomatic } from '../../../services/email/auto-reply';

const DEFAULTS: Record<string, string> = {
  'Return-Path': '<juan.perez@uni.mx>',
  From: 'Juan Pérez <juan.perez@uni.mx>',
  To: 'Centro de Atención a Usuarios <cau@uni.mx>',
  Subject: 'No puedo entrar a mi correo',
  Date: 'Mon, 3 Nov 2025 10:15:00 -0600',
  'Message-ID': '<CAHx1@mail.gmail.com>',
  'MIME-Version': '1.0',
  'Content-Type': 'text/plain; charset="UTF-8"',
};

const PLAIN_BODY = 'Buenos días, no puedo entrar a mi correo.\r\n';

/** Parses a message built from the defaults, `headers` replacing or adding lines (an empty value drops a default). */
function parse(headers: Record<string, string>, body = PLAIN_BODY): Promise<ParsedMail> {
  const all = { ...DEFAULTS, ...headers };
  const lines = Object.entries(all)
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${name}: ${value}`);
  return simpleParser(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

describe('isAutomatic (mailparser messages)', () => {
  it.each<[string, string, Record<string, string>]>([
    ['Auto-Submitted: auto-replied with parameters', 'auto-submitted', { 'Auto-Submitted': 'auto-replied; owner-email="cau@uni.mx"' }],
    ['Auto-Submitted: auto-generated', 'auto-submitted', { 'Auto-Submitted': 'Auto-Generated' }],
    ['Auto-Submitted: auto-notified', 'auto-submitted', { 'Auto-Submitted': 'auto-notified' }],
    ['Precedence: bulk', 'precedence', { Precedence: 'bulk' }],
    ['Precedence: list', 'precedence', { Precedence: 'list' }],
    ['Precedence: junk', 'precedence', { Precedence: 'Junk' }],
    ['Precedence: auto_reply', 'precedence', { Precedence: 'auto_reply' }],
    ['List-Id only', 'list', { 'List-Id': 'Avisos de la Dirección <avisos.uni.mx>' }],
    ['List-Unsubscribe only', 'list', { 'List-Unsubscribe': '<mailto:baja@boletin.uni.mx>, <https://boletin.uni.mx/baja?u=1>' }],
    ['List-Post only', 'list', { 'List-Post': '<mailto:docentes@listas.uni.mx>' }],
    ['X-Auto-Response-Suppress: All (Exchange)', 'auto-response', { 'X-Auto-Response-Suppress': 'All' }],
    ['X-Auto-Response-Suppress: DR, OOF, AutoReply', 'auto-response', { 'X-Auto-Response-Suppress': 'DR, OOF, AutoReply' }],
    ['X-Autoreply', 'auto-response', { 'X-Autoreply': 'yes' }],
    ['X-Autorespond', 'auto-response', { 'X-Autorespond': 'Estoy de vacaciones' }],
    ['X-Autoreply-From', 'auto-response', { 'X-Autoreply-From': 'juan.perez@uni.mx' }],
    ['X-Mail-Autoreply', 'auto-response', { 'X-Mail-Autoreply': 'yes' }],
    ['Return-Path: <>', 'bounce', { 'Return-Path': '<>' }],
    ['Return-Path: <MAILER-DAEMON>', 'robot-sender', { 'Return-Path': '<MAILER-DAEMON>' }],
    ['From MAILER-DAEMON', 'robot-sender', { From: 'Mail Delivery System <MAILER-DAEMON@mx1.uni.mx>' }],
    ['From postmaster', 'robot-sender', { From: 'postmaster@outlook.com' }],
    ['From no-reply', 'robot-sender', { From: 'Portal de Servicios <no-reply@portal.uni.mx>' }],
    ['From noreply', 'robot-sender', { From: '"Google" <noreply@google.com>' }],
    ['From no_reply', 'robot-sender', { From: 'no_reply@sat.gob.mx' }],
    ['From DoNotReply', 'robot-sender', { From: 'Microsoft <DoNotReply@microsoft.com>' }],
    ['Sender noreply', 'robot-sender', { Sender: 'noreply@calendario.uni.mx' }],
    ['a read receipt (multipart/report)', 'report', { 'Content-Type': 'multipart/report; report-type=disposition-notification; boundary="rr"' }],
    ['Outlook «Respuesta automática:»', 'out-of-office', { Subject: 'Respuesta automática: No puedo entrar a mi correo' }],
    ['«Fuera de la oficina»', 'out-of-office', { Subject: 'Fuera de la oficina hasta el 10 de noviembre' }],
    ['«Automatic reply:»', 'out-of-office', { Subject: 'Automatic reply: Password reset' }],
    ['«Out of Office:»', 'out-of-office', { Subject: 'Out of Office: Password reset' }],
    ['«Autoreply:»', 'out-of-office', { Subject: 'Autoreply: Password reset' }],
    ['an encoded «Respuesta automática:»', 'out-of-office', { Subject: '=?UTF-8?Q?Respuesta_autom=C3=A1tica=3A_Solicitud?=' }],
  ])('%s → %s', async (_name, reason, headers) => {
    expect(isAutomatic(await parse(headers))).toBe(reason);
  });

  it('flags a Postfix delivery status notification', async () => {
    const dsn = await parse(
      {
        'Return-Path': '<>',
        From: 'MAILER-DAEMON@mx1.uni.mx (Mail Delivery System)',
        Subject: 'Undelivered Mail Returned to Sender',
        'Auto-Submitted': 'auto-replied',
        'Content-Type': 'multipart/report; report-type=delivery-status; boundary="B1"',
      },
      [
        '--B1',
        'Content-Description: Notification',
        'Content-Type: text/plain; charset=us-ascii',
        '',
        'This is the mail system at host mx1.uni.mx.',
        '',
        '--B1',
        'Content-Description: Delivery report',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx1.uni.mx',
        '',
        'Final-Recipient: rfc822; nadie@uni.mx',
        'Action: failed',
        'Status: 5.1.1',
        '',
        '--B1--',
        '',
      ].join('\r\n'),
    );
    expect(isAutomatic(dsn)).toBe('auto-submitted');
    dsn.headers.delete('auto-submitted');
    expect(isAutomatic(dsn)).toBe('bounce');
    dsn.headers.delete('return-path');
    expect(isAutomatic(dsn)).toBe('robot-sender');
  });

  it('flags an Exchange out-of-office reply', async () => {
    const oof = await parse({
      From: 'Ana López <ana.lopez@uni.mx>',
      Subject: 'Respuesta automática: Solicitud de cuenta',
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'X-MS-Exchange-Inbox-Rules-Loop': 'ana.lopez@uni.mx',
    });
    expect(isAutomatic(oof)).toBe('auto-submitted');
  });

  it.each<[string, Record<string, string>, string]>([
    ['a person’s reply with Auto-Submitted: no', { 'Auto-Submitted': 'no', Subject: 'Re: Solicitud de cuenta', 'In-Reply-To': '<v1@cau.uni.mx>' }, PLAIN_BODY],
    ['a mail whose body mentions «fuera de la oficina»', {}, 'Estoy fuera de la oficina y no puedo entrar a la VPN.\r\n'],
    ['a subject that only contains «fuera de la oficina»', { Subject: 'No me conecta la VPN fuera de la oficina' }, PLAIN_BODY],
    ['Precedence: first-class', { Precedence: 'first-class' }, PLAIN_BODY],
    ['X-Auto-Response-Suppress without All or OOF (Outlook meeting mail)', { 'X-Auto-Response-Suppress': 'DR, RN, NRN' }, PLAIN_BODY],
    ['an Outlook mail with X-Priority and Importance', { 'X-Priority': '1', Importance: 'high' }, PLAIN_BODY],
    ['a sender whose name only looks robotic', { From: 'Noé Replyes <noe.replyes@uni.mx>' }, PLAIN_BODY],
    ['no Return-Path at all (it is added on delivery)', { 'Return-Path': '' }, PLAIN_BODY],
  ])('does not flag %s', async (_name, headers, body) => {
    expect(isAutomatic(await parse(headers, body))).toBeNull();
  });

  it('reads from and subject from the mail when the headers lack them', () => {
    const from = { value: [{ address: 'MAILER-DAEMON@mx1.uni.mx', name: '' }], html: '', text: 'MAILER-DAEMON@mx1.uni.mx' };
    expect(isAutomatic({ headers: new Map(), from, subject: undefined })).toBe('robot-sender');
    expect(isAutomatic({ headers: new Map(), from: undefined, subject: 'Out of office: back Monday' })).toBe('out-of-office');
    expect(isAutomatic({ headers: new Map(), from: undefined, subject: 'Solicitud' })).toBeNull();
  });
});

describe('automaticReason (raw header records and the envelope)', () => {
  it.each<[Record<string, unknown>, string | null]>([
    [{ 'Auto-Submitted': 'auto-replied' }, 'auto-submitted'],
    [{ 'AUTO-SUBMITTED': 'No' }, null],
    [{ Precedence: 'bulk' }, 'precedence'],
    [{ 'List-Unsubscribe': '<mailto:baja@boletin.uni.mx>' }, 'list'],
    [{ 'X-Auto-Response-Suppress': ['DR', 'OOF'] }, 'auto-response'],
    [{ 'Return-Path': '<>' }, 'bounce'],
    [{ 'Return-Path': '' }, 'bounce'],
    [{ From: 'Mail Delivery Subsystem <mailer-daemon@googlemail.com>' }, 'robot-sender'],
    [{ From: 'Avisos <no.reply@uni.mx>, otra@uni.mx' }, 'robot-sender'],
    [{ 'Content-Type': 'multipart/report; report-type=delivery-status' }, 'report'],
    [{ 'Content-Type': 'multipart/mixed; boundary=x' }, null],
    [{ Subject: 'Automatic reply: Password reset' }, 'out-of-office'],
    [{ From: 'Juan Pérez <juan.perez@uni.mx>', Subject: 'Solicitud de cuenta', 'Return-Path': '<juan.perez@uni.mx>' }, null],
  ])('%j → %s', (headers, reason) => {
    expect(automaticReason(headers)).toBe(reason);
  });

  it('treats an empty envelope sender as a bounce and a robot envelope sender as a robot', () => {
    const person = { From: 'Juan Pérez <juan.perez@uni.mx>' };
    expect(automaticReason(person, { from: '' })).toBe('bounce');
    expect(automaticReason(person, { from: '<>' })).toBe('bounce');
    expect(automaticReason(person, { from: 'MAILER-DAEMON@mx1.uni.mx' })).toBe('robot-sender');
    expect(automaticReason(person, { from: 'juan.perez@uni.mx' })).toBeNull();
    expect(automaticReason(person, {})).toBeNull();
  });

  it('accepts a Map like mailparser’s', () => {
    expect(automaticReason(new Map<string, unknown>([['list', { id: { id: 'avisos.uni.mx' } }]]))).toBe('list');
    expect(automaticReason(new Map<string, unknown>([['list', {}]]))).toBeNull();
    expect(automaticReason(new Map<string, unknown>([['date', new Date()]]))).toBeNull();
  });
});
