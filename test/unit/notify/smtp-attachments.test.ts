import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, parseEmailPayload, SmtpTransport } from '../../../services/notify/smtp-transport';
import { PermanentDeliveryError } from '../../../services/notify/outbox-worker';

/** The `attachments` of an e-mail outbox payload: bare file names, base64 content, a few and not too big. */

const base = { to: ['coordinacion@cau.mx'], subject: 'Reporte mensual', text: 'Se adjunta.' };
const file = (over: Partial<{ filename: string; contentType: string; contentBase64: string }> = {}) => ({
  filename: 'reporte-general-2026-11.xlsx',
  contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  contentBase64: Buffer.from('PK\u0003\u0004 hoja').toString('base64'),
  ...over,
});

describe('e-mail attachments in the outbox payload', () => {
  it('accepts up to three attachments with bare names and base64 content', () => {
    const parsed = parseEmailPayload({ ...base, attachments: [file(), file({ filename: 'b.csv', contentType: 'text/csv' }), file({ filename: 'c.txt' })] });
    expect(parsed.attachments?.map((a) => a.filename)).toEqual(['reporte-general-2026-11.xlsx', 'b.csv', 'c.txt']);
  });

  it('accepts an attachment of exactly the limit, decoded', () => {
    const exact = Buffer.alloc(MAX_ATTACHMENT_BYTES, 7).toString('base64');
    expect(parseEmailPayload({ ...base, attachments: [file({ contentBase64: exact })] }).attachments).toHaveLength(1);
  });

  it.each([
    ['a path', file({ filename: '../../etc/passwd' })],
    ['a Windows path', file({ filename: 'C:\\reportes\\a.xlsx' })],
    ['a line break (header injection)', file({ filename: 'a.xlsx\r\nBcc: x@y.z' })],
    ['an empty name', file({ filename: '' })],
    ['content that is not base64', file({ contentBase64: 'no es base64!' })],
    ['a content type with a line break', file({ contentType: 'text/plain\r\nX: y' })],
    ['one byte over 10 MB', file({ contentBase64: Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 7).toString('base64') })],
    ['a path instead of content', { filename: 'a.xlsx', contentType: 'text/plain', path: '/etc/passwd' }],
  ])('refuses %s', (_why, attachment) => {
    expect(() => parseEmailPayload({ ...base, attachments: [attachment] })).toThrow(PermanentDeliveryError);
  });

  it(`refuses more than ${MAX_ATTACHMENTS} attachments`, () => {
    expect(() => parseEmailPayload({ ...base, attachments: Array.from({ length: MAX_ATTACHMENTS + 1 }, () => file()) })).toThrow(PermanentDeliveryError);
  });

  it('the transport gives up on such a payload without connecting (PermanentDeliveryError: never retried)', async () => {
    // Port 9 (discard) on loopback: nobody answers there, and a connection attempt would fail with another error.
    const transport = new SmtpTransport({ url: 'smtp://127.0.0.1:9', from: 'cau@ipn.mx', timeouts: { connectionMs: 500 } });
    try {
      const big = Buffer.alloc(MAX_ATTACHMENT_BYTES + 3, 1).toString('base64');
      await expect(transport.send({ id: 1, kind: 'email', attempts: 0, payload: { ...base, attachments: [file({ contentBase64: big })] } })).rejects.toThrow(PermanentDeliveryError);
      await expect(transport.send({ id: 2, kind: 'email', attempts: 0, payload: { ...base, attachments: [file({ filename: 'x/y.xlsx' })] } })).rejects.toThrow(/attachments\.0\.filename/);
    } finally {
      await transport.close();
    }
  });
});
