import { simpleParser } from 'mailparser';
import { decodeEntities, extractReply, htmlToText, normalizeText, type ExtractedReply } from '../../../services/email/email-text';

interface Part {
  type: 'text/plain' | 'text/html';
  body: string;
  flowed?: boolean;
}

/** A raw RFC 5322 message (CRLF) with one part or a multipart/alternative of several. */
function message(subject: string, parts: Part[]): string {
  const header = ['From: Persona <persona@uni.mx>', 'To: Centro de Atención a Usuarios <cau@uni.mx>', `Subject: ${subject}`, 'MIME-Version: 1.0'];
  const partHeaders = (p: Part) => [
    `Content-Type: ${p.type}; charset="UTF-8"${p.flowed ? '; format=flowed' : ''}`,
    'Content-Transfer-Encoding: 8bit',
  ];
  const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');
  if (parts.length === 1) {
    const [p] = parts as [Part];
    return [...header, ...partHeaders(p), '', crlf(p.body)].join('\r\n');
  }
  const lines = [...header, 'Content-Type: multipart/alternative; boundary="alt"', ''];
  for (const p of parts) lines.push('--alt', ...partHeaders(p), '', crlf(p.body));
  lines.push('--alt--', '');
  return lines.join('\r\n');
}

/** Parses the message as the IMAP reader will (HTML is converted by us, not by mailparser) and extracts the reply. */
async function extract(subject: string, parts: Part[]): Promise<ExtractedReply> {
  const mail = await simpleParser(message(subject, parts), { skipHtmlToText: true });
  return extractReply(mail.text ?? '', mail.html ? { html: mail.html } : {});
}

const text = (body: string, flowed = false): Part => ({ type: 'text/plain', body, flowed });
const html = (body: string): Part => ({ type: 'text/html', body });

const GMAIL_TEXT = `Buenos días:

Ya intenté restablecer la contraseña y me sigue marcando error.
Mi número de empleado es 48213.

Saludos,
Juan Pérez

El lun, 3 nov 2025 a las 10:15, Centro de Atención a Usuarios (<
cau@uni.mx>) escribió:

> Buenos días, Juan:
>
> Para ayudarle necesitamos su número de empleado.
>
> Centro de Atención a Usuarios
>
`;

const GMAIL_HTML =
  '<div dir="ltr"><div>Buenos d&iacute;as:</div><div><br></div><div>Ya intent&eacute; restablecer la contrase&ntilde;a y me sigue marcando error.<br>' +
  'Mi n&uacute;mero de empleado es 48213.</div><div><br></div><div>Saludos,</div><div>Juan P&eacute;rez</div></div><br>' +
  '<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">El lun, 3 nov 2025 a las 10:15, Centro de Atención a Usuarios (&lt;' +
  '<a href="mailto:cau@uni.mx">cau@uni.mx</a>&gt;) escribió:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;' +
  'border-left:1px solid rgb(204,204,204);padding-left:1ex"><div>Buenos días, Juan:</div><div><br></div><div>Para ayudarle necesitamos su ' +
  'número de empleado.</div></blockquote></div>\n';

const GMAIL_BODY = 'Buenos días:\n\nYa intenté restablecer la contraseña y me sigue marcando error.\nMi número de empleado es 48213.\n\nSaludos,\nJuan Pérez';

describe('extractReply on real-world replies', () => {
  it('Gmail (es), text part, attribution wrapped over two lines', async () => {
    const r = await extract('Re: Contraseña', [text(GMAIL_TEXT), html(GMAIL_HTML)]);
    expect(r.body).toBe(GMAIL_BODY);
    expect(r.quoted).toBe(
      'El lun, 3 nov 2025 a las 10:15, Centro de Atención a Usuarios (<\ncau@uni.mx>) escribió:\n> Buenos días, Juan:\n>\n> Para ayudarle necesitamos su número de empleado.\n>\n> Centro de Atención a Usuarios\n>',
    );
    expect(r.signature).toBe('');
  });

  it('Gmail (es), HTML only: the gmail_quote container is dropped', async () => {
    const r = await extract('Re: Contraseña', [html(GMAIL_HTML)]);
    expect(r.body).toBe(GMAIL_BODY);
    expect(r.quoted).toContain('> > Para ayudarle necesitamos su número de empleado.');
  });

  it('Gmail (en) with an RFC 3676 "-- " signature', async () => {
    const r = await extract('Re: VPN', [
      text(`Hi,

I can't log in to the VPN since this morning. The error says "authentication failed".

Thanks,
John

-- 
John Smith
Visiting Professor, Physics Department
Ext. 4521

On Mon, Nov 3, 2025 at 10:15 AM Help Desk <helpdesk@uni.mx> wrote:

> Hello John,
> Could you tell us what error you see?
`),
    ]);
    expect(r.body).toBe('Hi,\n\nI can\'t log in to the VPN since this morning. The error says "authentication failed".\n\nThanks,\nJohn');
    expect(r.signature).toBe('--\nJohn Smith\nVisiting Professor, Physics Department\nExt. 4521');
    expect(r.quoted).toMatch(/^On Mon, Nov 3, 2025 at 10:15 AM Help Desk <helpdesk@uni.mx> wrote:\n> Hello John,/);
  });

  it('Outlook desktop (es): «De: … Enviado el: … Para: … CC: … Asunto:» block', async () => {
    const r = await extract('RE: Impresora', [
      text(`Buenos días,

Les escribo porque la impresora del tercer piso no imprime desde ayer. Ya la reinicié.

Atentamente,

Mtra. Ana López Hernández
Coordinación de Servicios Escolares
Ext. 5520

De: Centro de Atención a Usuarios <cau@uni.mx>
Enviado el: lunes, 3 de noviembre de 2025 10:15
Para: Ana López Hernández <ana.lopez@uni.mx>
CC: Soporte <soporte@uni.mx>
Asunto: RE: Impresora

Buenos días, Mtra. López:

¿La impresora muestra algún mensaje?
`),
    ]);
    expect(r.body).toBe(
      'Buenos días,\n\nLes escribo porque la impresora del tercer piso no imprime desde ayer. Ya la reinicié.\n\nAtentamente,\n\n' +
        'Mtra. Ana López Hernández\nCoordinación de Servicios Escolares\nExt. 5520',
    );
    expect(r.quoted).toMatch(/^De: Centro de Atención a Usuarios <cau@uni\.mx>\nEnviado el:/);
    expect(r.quoted).toMatch(/¿La impresora muestra algún mensaje\?$/);
  });

  it('Outlook (es): «-----Mensaje original-----» and everything after it', async () => {
    const r = await extract('RE: Solicitud CAU-2025-000123', [
      text(`Ya quedó, muchas gracias.

Pedro

-----Mensaje original-----
De: CAU [mailto:cau@uni.mx]
Enviado el: lunes, 3 de noviembre de 2025 10:15 a. m.
Para: pedro@uni.mx
Asunto: Solicitud CAU-2025-000123

Su solicitud fue atendida.
`),
    ]);
    expect(r.body).toBe('Ya quedó, muchas gracias.\n\nPedro');
    expect(r.quoted).toMatch(/^-----Mensaje original-----\nDe: CAU/);
  });

  it('Outlook (en): confidentiality notice and «-----Original Message-----»', async () => {
    const r = await extract('RE: Password', [
      text(`Please reset my password for the library system.

Regards,
Mary Johnson
Library Services

CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, is for the sole use of the intended
recipient(s) and may contain confidential and privileged information.

-----Original Message-----
From: Help Desk <helpdesk@uni.mx>
Sent: Monday, November 3, 2025 10:15 AM
To: Mary Johnson <mary.johnson@uni.mx>
Subject: RE: Password

Which system is it?
`),
    ]);
    expect(r.body).toBe('Please reset my password for the library system.\n\nRegards,\nMary Johnson\nLibrary Services');
    expect(r.signature).toBe(
      'CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, is for the sole use of the intended\n' +
        'recipient(s) and may contain confidential and privileged information.',
    );
    expect(r.quoted).toMatch(/^-----Original Message-----\nFrom: Help Desk/);
  });

  it('Outlook for Android (es): «Obtener Outlook para Android» and a «____» separator above the header block', async () => {
    const r = await extract('RE: Su solicitud CAU-2025-000123', [
      text(`Hola, ¿ya tienen respuesta de mi solicitud?

Gracias.
Luis Martínez

Obtener Outlook para Android<https://aka.ms/AAb9ysg>
________________________________
De: Centro de Atención a Usuarios <cau@uni.mx>
Enviado: lunes, 3 de noviembre de 2025 16:15
Para: Luis Martínez <luis.martinez@uni.mx>
Asunto: Su solicitud CAU-2025-000123

Buenas tardes, registramos su solicitud.
`),
    ]);
    expect(r.body).toBe('Hola, ¿ya tienen respuesta de mi solicitud?\n\nGracias.\nLuis Martínez');
    expect(r.signature).toBe('Obtener Outlook para Android<https://aka.ms/AAb9ysg>');
    expect(r.quoted).toMatch(/^_{32}\nDe: Centro/);
  });

  it('Outlook on the web (es), HTML only: <hr> and the divRplyFwdMsg header block, Mexican privacy notice', async () => {
    const owa =
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style type="text/css" style="display:none;"> P ' +
      '{margin-top:0;margin-bottom:0;} </style></head><body dir="ltr"><div class="elementToProof" style="font-family: Aptos, Calibri, ' +
      'sans-serif; font-size: 12pt;">Buenos d&iacute;as, el proyector del aula 204 no enciende &amp; el cable HDMI est&aacute; da&ntilde;ado.' +
      '</div><div class="elementToProof"><br></div><div class="elementToProof">Saludos,<br>Rosa Jim&eacute;nez</div><div><br></div>' +
      '<div>AVISO DE CONFIDENCIALIDAD: este mensaje es para uso exclusivo de su destinatario.</div>' +
      '<div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr">' +
      '<font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>De:</b> Centro de Atención a Usuarios &lt;cau@uni.mx&gt;' +
      '<br><b>Enviado:</b> lunes, 3 de noviembre de 2025 10:15<br><b>Para:</b> Rosa Jiménez &lt;rosa.jimenez@uni.mx&gt;<br>' +
      '<b>Asunto:</b> Re: Proyector</font><div>&nbsp;</div></div><div><p>¿En qué aula está el proyector?</p></div></body></html>';
    const r = await extract('RE: Proyector', [html(owa)]);
    expect(r.body).toBe('Buenos días, el proyector del aula 204 no enciende & el cable HDMI está dañado.\n\nSaludos,\nRosa Jiménez');
    expect(r.signature).toBe('AVISO DE CONFIDENCIALIDAD: este mensaje es para uso exclusivo de su destinatario.');
    expect(r.quoted).toMatch(/^_{32}\nDe: Centro de Atención a Usuarios <cau@uni\.mx>\nEnviado: lunes/);
    expect(r.quoted).not.toContain('margin-top');
  });

  it('Apple Mail (es): «El 03/11/2025, a las 10:15, … escribió:»', async () => {
    const r = await extract('Re: SIGA', [
      text(`Buenas tardes,

Adjunto la captura del error al entrar al SIGA.

Saludos
Carlos Ruiz

El 03/11/2025, a las 10:15, Centro de Atención a Usuarios <cau@uni.mx> escribió:

> Buenos días, Carlos:
> ¿Nos envía una captura del error?
`),
    ]);
    expect(r.body).toBe('Buenas tardes,\n\nAdjunto la captura del error al entrar al SIGA.\n\nSaludos\nCarlos Ruiz');
  });

  it('iPhone (es): «Enviado desde mi iPhone» above a quoted attribution', async () => {
    const r = await extract('Re: Código de verificación', [
      text(`No me llega el código de verificación al celular.

Enviado desde mi iPhone

> El 3 nov 2025, a las 10:15, Centro de Atención a Usuarios <cau@uni.mx> escribió:
> 
> \uFEFFBuenos días:
> ¿Recibió el código?
`),
    ]);
    expect(r.body).toBe('No me llega el código de verificación al celular.');
    expect(r.signature).toBe('Enviado desde mi iPhone');
  });

  it('iPhone (en), a new mail: «Sent from my iPhone»', async () => {
    const r = await extract('Wifi', [text("My laptop won't connect to the campus wifi (eduroam).\n\nSent from my iPhone\n")]);
    expect(r).toEqual({ body: "My laptop won't connect to the campus wifi (eduroam).", quoted: '', signature: 'Sent from my iPhone' });
  });

  it('Thunderbird (es), format=flowed, reply below the quote, with a "-- " signature', async () => {
    const r = await extract('Re: Inventario', [
      text(
        `El 03/11/25 a las 10:15, Centro de Atención a Usuarios escribió:
> Buenos días: 
> ¿Nos indica el número de inventario del 
> equipo?
>
> -- 
> Centro de Atención a Usuarios

Sí, es el equipo de la sala de lectura, 
inventario 77812.

-- 
Dra. Laura Sánchez
Biblioteca Central
`,
        true,
      ),
    ]);
    expect(r.body).toBe('Sí, es el equipo de la sala de lectura, inventario 77812.');
    expect(r.signature).toBe('--\nDra. Laura Sánchez\nBiblioteca Central');
    expect(r.quoted).toBe(
      'El 03/11/25 a las 10:15, Centro de Atención a Usuarios escribió:\n> Buenos días: ¿Nos indica el número de inventario del equipo?\n>\n> --\n> Centro de Atención a Usuarios',
    );
  });

  it('Thunderbird (en), reply above the quote: «On 11/3/25 10:15 AM, Help Desk wrote:»', async () => {
    const r = await extract('Re: Projector', [
      text(`Room 204, second floor.

On 11/3/25 10:15 AM, Help Desk wrote:
> Which room is the projector in?
`),
    ]);
    expect(r.body).toBe('Room 204, second floor.');
  });

  it('interleaved answers keep the person’s lines between the quoted questions', async () => {
    const r = await extract('Re: Datos', [
      text(`El lun, 3 nov 2025 a las 10:15, CAU <cau@uni.mx> escribió:
> ¿Cuál es su número de empleado?
48213
> ¿Y su extensión?
5520
`),
    ]);
    expect(r.body).toBe('48213\n5520');
  });

  it('a mobile sign-off with a legal disclaimer after it (Samsung, government mail)', async () => {
    const r = await extract('Falla de internet', [
      text(`Desde hoy no hay internet en la Dirección de Finanzas, edificio B.

Lic. Marco Díaz

Enviado desde mi dispositivo Samsung
______________________________________
La información contenida en este correo es confidencial y para uso exclusivo de la persona a quien va dirigida.
Este correo electrónico y sus anexos pueden contener información reservada.
`),
    ]);
    expect(r.body).toBe('Desde hoy no hay internet en la Dirección de Finanzas, edificio B.\n\nLic. Marco Díaz');
    expect(r.signature).toMatch(/^Enviado desde mi dispositivo Samsung\n_{38}\nLa información contenida/);
  });

  it('Outlook for iOS (es): «Enviado desde Outlook para iOS»', async () => {
    const r = await extract('Correo', [text('Ya puedo entrar, gracias.\n\nEnviado desde Outlook para iOS<https://aka.ms/o0ukef>\n')]);
    expect(r.body).toBe('Ya puedo entrar, gracias.');
    expect(r.signature).toBe('Enviado desde Outlook para iOS<https://aka.ms/o0ukef>');
  });

  it('a Yahoo-style attribution followed by an unquoted original: everything from it is the quote', async () => {
    const r = await extract('Re: Cuenta', [
      text(`Mi usuario es mgarcia.

El lunes, 3 de noviembre de 2025, 10:15:00 CST, Centro de Atención a Usuarios <cau@uni.mx> escribió:

Buenos días, ¿cuál es su usuario?
`),
    ]);
    expect(r.body).toBe('Mi usuario es mgarcia.');
    expect(r.quoted).toMatch(/^El lunes, 3 de noviembre.*escribió:\n\nBuenos días, ¿cuál es su usuario\?$/);
  });

  it('a mail that is only a forwarded message has an empty body', async () => {
    const r = await extract('Fwd: Falla', [
      text(`---------- Forwarded message ---------
De: Juan Pérez <juan.perez@uni.mx>
Date: lun, 3 nov 2025 a las 10:15
Subject: Falla
To: <jefe@uni.mx>

No sirve la impresora.
`),
    ]);
    expect(r.body).toBe('');
    expect(r.quoted).toContain('No sirve la impresora.');
  });

  it('keeps sentences that only look like quote markers', async () => {
    const body = `El lunes 3 de noviembre se apagó el servidor del laboratorio.
De: lunes a viernes tenemos clases ahí.
Para: mañana necesitamos que funcione.
Para: el jueves hay examen.

Saludos, Juan Pérez`;
    const r = await extract('Servidor', [text(`${body}\n`)]);
    expect(r).toEqual({ body, quoted: '', signature: '' });
  });

  it('a «Sent from my iPhone» sentence in the middle is the person’s text', async () => {
    const r = await extract('Correo', [text('Sent from my iPhone the mail bounced.\nCan you check it?\n')]);
    expect(r.body).toBe('Sent from my iPhone the mail bounced.\nCan you check it?');
  });
});

describe('extractReply normalization', () => {
  it('converts CRLF, drops trailing spaces, collapses blank lines and trims', () => {
    expect(extractReply('\r\n\r\n  Hola,   \r\n\r\n\r\n\r\nno tengo internet.\t\r\n\r\n').body).toBe('Hola,\n\nno tengo internet.');
  });

  it('returns an empty body for a mail that is only a quote', () => {
    expect(extractReply('> Buenos días\n> ¿Sigue la falla?\n')).toEqual({ body: '', quoted: '> Buenos días\n> ¿Sigue la falla?', signature: '' });
  });

  it('uses the HTML only when the text is empty', () => {
    expect(extractReply('Texto plano', { html: '<p>HTML</p>' }).body).toBe('Texto plano');
    expect(extractReply(' \n', { html: '<p>HTML</p>' }).body).toBe('HTML');
  });

  it('normalizeText collapses any run of blank lines to one', () => {
    expect(normalizeText('a\n\n\nb\n\n\n\n\nc  \n')).toBe('a\n\nb\n\nc');
  });
});

describe('htmlToText', () => {
  it('decodes entities, Spanish accents included', () => {
    expect(htmlToText('&iquest;Qu&eacute; pas&oacute;? &iexcl;Ma&ntilde;ana! &lt;b&gt; &amp; &quot;x&quot; &#39;y&#39; &#241; &#xF1; &#XD1; &Aacute;')).toBe(
      '¿Qué pasó? ¡Mañana! <b> & "x" \'y\' ñ ñ Ñ Á',
    );
    expect(htmlToText('a&nbsp;&nbsp;b')).toBe('a  b');
  });

  it('leaves unknown entities and replaces invalid code points', () => {
    expect(decodeEntities('&foo; &#0; &#xD800; &#1114112; &amp')).toBe('&foo; \ufffd \ufffd \ufffd &amp');
    expect(decodeEntities('&constructor; &toString; &__proto__;')).toBe('&constructor; &toString; &__proto__;');
  });

  it('drops <head>, <style>, <script> and comments, and never turns escaped text into tags', () => {
    const out = htmlToText(
      '<html><head><title>T</title><style>p{color:red}</style></head><body><!-- nota --><script>alert(1)</script>' +
        '<p>&lt;script&gt;alert(2)&lt;/script&gt;</p><SCRIPT type="text/javascript">alert(3)</SCRIPT >fin</body></html>',
    );
    expect(out).toBe('<script>alert(2)</script>\n\nfin');
  });

  it('turns block tags and <br> into lines and collapses HTML whitespace', () => {
    expect(htmlToText('<div>uno\n   dos</div><div>tres<br>cuatro</div><p>cinco</p><h2>seis</h2>siete')).toBe('uno dos\ntres\ncuatro\n\ncinco\n\nseis\n\nsiete');
  });

  it('writes Outlook’s one-paragraph-per-line as lines', () => {
    expect(htmlToText('<p class=MsoNormal>Buenos días:<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>No hay red.<o:p></o:p></p>')).toBe(
      'Buenos días:\n\nNo hay red.',
    );
  });

  it('writes lists as "1. " and "- " lines', () => {
    expect(htmlToText('<ol><li>Abra el navegador</li><li>Entre al portal<ul><li>usuario</li><li>contraseña</li></ul></li></ol>')).toBe(
      '1. Abra el navegador\n2. Entre al portal\n  - usuario\n  - contraseña',
    );
  });

  it('quotes <blockquote> and Gmail’s quote container with "> ", nested ones twice', () => {
    expect(htmlToText('<p>Respuesta</p><blockquote type="cite">Pregunta<blockquote>Anterior</blockquote>Más</blockquote>Después')).toBe(
      'Respuesta\n\n> Pregunta\n> > Anterior\n> Más\nDespués',
    );
    expect(htmlToText('Hola<div class="gmail_quote"><div class="gmail_attr">El lun escribió:</div><div>cita</div></div>fin')).toBe(
      'Hola\n> El lun escribió:\n> cita\nfin',
    );
  });

  it('keeps <pre> whitespace and a literal "<" in text', () => {
    expect(htmlToText('<pre>a  b\n  c</pre>1 < 2 y 3 > 2')).toBe('a  b\n  c\n1 < 2 y 3 > 2');
  });

  it('survives malformed HTML', () => {
    expect(htmlToText('texto <!-- sin cierre')).toBe('texto');
    expect(htmlToText('<style>sin cierre')).toBe('');
    expect(htmlToText('<head><p>sin cierre de head</p>')).toBe('sin cierre de head');
    expect(htmlToText('</blockquote></div>a<b')).toBe('a<b');
    expect(htmlToText('<<<<'.repeat(50_000) + 'x')).toBe(`${'<'.repeat(200_000)}x`);
    expect(htmlToText('<head>'.repeat(50_000) + 'y')).toBe('y');
  });
});
