import { composeEmail } from '../../../services/email/reply';
import { extractReply, htmlToText } from '../../../services/email/email-text';

const SIGNATURE = ['Ventanilla', 'Centro de Atención a Usuarios', 'Ext. 1000'];
/** 3 Nov 2025 16:15 UTC, 10:15 in Mexico City. */
const DATE = new Date('2025-11-03T16:15:00Z');

describe('composeEmail', () => {
  it('writes paragraphs apart by blank lines, then the signature, as plain text', () => {
    const { text } = composeEmail({
      greeting: 'Buenos días, Juan:',
      paragraphs: ['Registramos su solicitud con el número **CAU-2025-000123**.', 'Un resolutor se comunicará con usted.'],
      signature: SIGNATURE,
    });
    expect(text).toBe(
      'Buenos días, Juan:\n\nRegistramos su solicitud con el número CAU-2025-000123.\n\nUn resolutor se comunicará con usted.\n\n' +
        'Ventanilla\nCentro de Atención a Usuarios\nExt. 1000\n',
    );
  });

  it('keeps "1. " and "- " lines as lists in the text and writes <ol>/<ul> in the HTML', () => {
    const { text, html } = composeEmail({
      paragraphs: ['Para registrarla necesitamos:\n1. Su número de empleado\n2. Su extensión', 'Puede enviar:\n- una captura\n- el mensaje de error'],
      signature: SIGNATURE,
    });
    expect(text).toContain('Para registrarla necesitamos:\n1. Su número de empleado\n2. Su extensión\n\nPuede enviar:\n- una captura\n- el mensaje de error');
    expect(html).toContain('<p style="margin:0 0 1em">Para registrarla necesitamos:</p>');
    expect(html).toMatch(/<ol style="[^"]*"><li>Su número de empleado<\/li><li>Su extensión<\/li><\/ol>/);
    expect(html).toMatch(/<ul style="[^"]*"><li>una captura<\/li><li>el mensaje de error<\/li><\/ul>/);
  });

  it('keeps the first number of a list that does not start at 1', () => {
    const { html } = composeEmail({ paragraphs: ['3. Reinicie el equipo\n4. Vuelva a intentar'], signature: [] });
    expect(html).toMatch(/<ol start="3" style="[^"]*"><li>Reinicie el equipo<\/li><li>Vuelva a intentar<\/li><\/ol>/);
  });

  it('escapes every piece of text in the HTML and turns **bold** into <strong>', () => {
    const { html, text } = composeEmail({
      greeting: 'Hola <b>Juan</b>:',
      paragraphs: ['Escribió <script>alert("x")</script> & **R&D <urgente>**', '- <img src=x onerror=alert(1)>'],
      signature: ['Área de Soporte & Redes'],
      quote: { from: 'Juan <juan@uni.mx>', date: DATE, text: '<script>robar()</script> & "comillas"', timeZone: 'America/Mexico_City' },
    });
    expect(html).not.toMatch(/<script|<img|<b>/i);
    expect(html).toContain('Hola &lt;b&gt;Juan&lt;/b&gt;:');
    expect(html).toContain('Escribió &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <strong>R&amp;D &lt;urgente&gt;</strong>');
    expect(html).toContain('<li>&lt;img src=x onerror=alert(1)&gt;</li>');
    expect(html).toContain('Área de Soporte &amp; Redes');
    expect(html).toContain('Juan &lt;juan@uni.mx&gt; escribió:');
    expect(html).toContain('&lt;script&gt;robar()&lt;/script&gt; &amp; &quot;comillas&quot;');
    expect(text).toContain('Escribió <script>alert("x")</script> & R&D <urgente>');
  });

  it('is a whole es-MX document with inline styles only', () => {
    const { html } = composeEmail({ paragraphs: ['Hola.'], signature: SIGNATURE });
    expect(html.startsWith('<!doctype html>\n<html lang="es-MX">\n<head><meta charset="utf-8">')).toBe(true);
    expect(html).toMatch(/<body style="[^"]+">/);
    expect(html).not.toMatch(/<style|<link|class=/);
    expect(html.trimEnd().endsWith('</body>\n</html>')).toBe(true);
  });

  it('quotes the original mail at the end under «El {fecha}, {remitente} escribió:» in the given time zone', () => {
    const quote = { from: 'Juan Pérez <juan.perez@uni.mx>', date: DATE, text: 'No puedo entrar a mi correo.\r\n\r\nSaludos,\r\nJuan', timeZone: 'America/Mexico_City' };
    const { text, html } = composeEmail({ paragraphs: ['¿Qué mensaje de error aparece?'], signature: ['Ventanilla'], quote });
    expect(text).toBe(
      '¿Qué mensaje de error aparece?\n\nVentanilla\n\n' +
        'El 3 de noviembre de 2025 a las 10:15, Juan Pérez <juan.perez@uni.mx> escribió:\n' +
        '> No puedo entrar a mi correo.\n>\n> Saludos,\n> Juan\n',
    );
    expect(html).toContain('El 3 de noviembre de 2025 a las 10:15, Juan Pérez &lt;juan.perez@uni.mx&gt; escribió:</p>');
    expect(html).toMatch(/<blockquote style="[^"]*">No puedo entrar a mi correo\.<br>\n<br>\nSaludos,<br>\nJuan<\/blockquote>/);
    const inTijuana = composeEmail({ paragraphs: ['x'], signature: [], quote: { ...quote, timeZone: 'America/Tijuana' } });
    expect(inTijuana.text).toContain('El 3 de noviembre de 2025 a las 08:15, Juan Pérez');
  });

  it('can be read back: our own reply, quoted by the person, is stripped by extractReply', () => {
    const quote = { from: 'Juan Pérez <juan.perez@uni.mx>', date: DATE, text: 'No puedo entrar.', timeZone: 'America/Mexico_City' };
    const { html } = composeEmail({ greeting: 'Buenos días, Juan:', paragraphs: ['¿Qué error aparece?'], signature: SIGNATURE, quote });
    expect(htmlToText(html)).toContain('> No puedo entrar.');
    const personReply = `Dice "contraseña incorrecta".\n\n${htmlToText(html).split('\n').map((l) => `> ${l}`).join('\n')}`;
    expect(extractReply(personReply).body).toBe('Dice "contraseña incorrecta".');
  });

  it('leaves out an empty greeting, empty paragraphs and an empty signature', () => {
    expect(composeEmail({ greeting: '', paragraphs: ['Uno', '  ', '', 'Dos'], signature: [] }).text).toBe('Uno\n\nDos\n');
  });
});
