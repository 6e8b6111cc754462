import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { MessagingTwiml, TWIML_CONTENT_TYPE, VoiceTwiml, escapeXmlAttribute, escapeXmlText } from '../../../services/twilio/twiml';

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, processEntities: true, htmlEntities: false });

function parse(xml: string): Record<string, unknown> {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as Record<string, unknown>;
}

describe('VoiceTwiml', () => {
  it('answers text/xml', () => {
    expect(TWIML_CONTENT_TYPE).toBe('text/xml');
  });

  it('renders an empty response with the XML declaration', () => {
    expect(new VoiceTwiml().toString()).toBe(`${DECLARATION}<Response/>`);
  });

  it('says with Polly.Mia in es-MX by default, and with the given voice and language', () => {
    expect(new VoiceTwiml().say('Buenos días').toString()).toBe(
      `${DECLARATION}<Response><Say voice="Polly.Mia" language="es-MX">Buenos días</Say></Response>`,
    );
    expect(new VoiceTwiml({ voice: 'Polly.Andres-Neural' }).say('Hola').say('Hi', { voice: 'Polly.Joanna', language: 'en-US' }).toString()).toBe(
      `${DECLARATION}<Response><Say voice="Polly.Andres-Neural" language="es-MX">Hola</Say><Say voice="Polly.Joanna" language="en-US">Hi</Say></Response>`,
    );
  });

  it('escapes text and drops characters XML forbids', () => {
    const xml = new VoiceTwiml().say('Pérez & <Hijos> "S.A." l\'área \u0007fin').toString();
    expect(xml).toContain('<Say voice="Polly.Mia" language="es-MX">Pérez &amp; &lt;Hijos&gt; "S.A." l\'área fin</Say>');
    const doc = parse(xml) as { Response: { Say: { '#text': string } } };
    expect(doc.Response.Say['#text']).toBe('Pérez & <Hijos> "S.A." l\'área fin');
  });

  it('escapes attribute values (URLs with & and quotes)', () => {
    const action = 'https://bot.example.mx/api/twilio/voice/gather?turn=2&q="x"&n=\'y\'';
    const xml = new VoiceTwiml().gather({ action }).toString();
    expect(xml).toContain('action="https://bot.example.mx/api/twilio/voice/gather?turn=2&amp;q=&quot;x&quot;&amp;n=&apos;y&apos;"');
    const doc = parse(xml) as { Response: { Gather: { action: string } } };
    expect(doc.Response.Gather.action).toBe(action);
  });

  it('renders Gather with Twilio attribute names, booleans as true/false, and nested Say/Pause', () => {
    const xml = new VoiceTwiml()
      .gather(
        { action: '/g', input: 'speech dtmf', language: 'es-MX', speechTimeout: 'auto', timeout: 6, hints: 'sí, no', numDigits: 1,
          finishOnKey: '#', actionOnEmptyResult: true, speechModel: 'phone_call' },
        (g) => g.say('¿Sí o no?').pause(1),
      )
      .toString();
    expect(xml).toBe(
      `${DECLARATION}<Response><Gather action="/g" method="POST" input="speech dtmf" language="es-MX" speechTimeout="auto" timeout="6" ` +
        'hints="sí, no" numDigits="1" finishOnKey="#" actionOnEmptyResult="true" speechModel="phone_call">' +
        '<Say voice="Polly.Mia" language="es-MX">¿Sí o no?</Say><Pause length="1"/></Gather></Response>',
    );
  });

  it('defaults Gather to speech dtmf, es-MX, speechTimeout auto and actionOnEmptyResult true', () => {
    const doc = parse(new VoiceTwiml().gather({ action: '/g', actionOnEmptyResult: false }).toString()) as { Response: { Gather: Record<string, string> } };
    expect(doc.Response.Gather).toEqual({ action: '/g', method: 'POST', input: 'speech dtmf', language: 'es-MX', speechTimeout: 'auto', actionOnEmptyResult: 'false' });
  });

  it('renders Dial to a number with sendDigits, a SIP URI, and a queue', () => {
    const number = new VoiceTwiml().dial({ action: '/d?x=1&y=2', timeout: 20, callerId: '+525512345678', answerOnBridge: true, record: true },
      { number: '+525557296000', sendDigits: 'wwww42500' }).toString();
    expect(number).toBe(
      `${DECLARATION}<Response><Dial action="/d?x=1&amp;y=2" method="POST" timeout="20" callerId="+525512345678" record="record-from-answer-dual" ` +
        'answerOnBridge="true"><Number sendDigits="wwww42500">+525557296000</Number></Dial></Response>',
    );
    expect(new VoiceTwiml().dial({ action: '/d', timeout: 25, answerOnBridge: false }, { sip: 'sip:42500@pbx.ipn.mx;transport=tcp' }).toString())
      .toContain('<Dial action="/d" method="POST" timeout="25" answerOnBridge="false"><Sip>sip:42500@pbx.ipn.mx;transport=tcp</Sip></Dial>');
    expect(new VoiceTwiml().dial({ action: '/d', timeout: 30 }, { queue: 'Mesa de Ayuda', url: '/agent-whisper' }).toString())
      .toContain('<Dial action="/d" method="POST" timeout="30"><Queue url="/agent-whisper">Mesa de Ayuda</Queue></Dial>');
  });

  it('renders Enqueue, Leave, Redirect, Hangup, Pause and Record', () => {
    const xml = new VoiceTwiml()
      .enqueue('Correo institucional', { waitUrl: '/wait?g=1&h=2', action: '/exit' })
      .leave()
      .redirect('/next?a=1&b=2')
      .pause(25)
      .record({ action: '/rec', maxLength: 120, playBeep: true, finishOnKey: '#', timeout: 5 })
      .hangup()
      .toString();
    expect(xml).toBe(
      `${DECLARATION}<Response>` +
        '<Enqueue action="/exit" method="POST" waitUrl="/wait?g=1&amp;h=2" waitUrlMethod="POST">Correo institucional</Enqueue>' +
        '<Leave/><Redirect method="POST">/next?a=1&amp;b=2</Redirect><Pause length="25"/>' +
        '<Record action="/rec" method="POST" maxLength="120" playBeep="true" finishOnKey="#" timeout="5"/>' +
        '<Hangup/></Response>',
    );
    parse(xml);
  });

  it('refuses a queue name Twilio would refuse and negative pauses', () => {
    expect(() => new VoiceTwiml().enqueue('x'.repeat(65), { waitUrl: '/w', action: '/a' })).toThrow(/1-64/);
    expect(() => new VoiceTwiml().pause(-1)).toThrow(/seconds/);
  });

  it('adds nothing for an empty Say', () => {
    const twiml = new VoiceTwiml().say('  ');
    expect(twiml.empty).toBe(true);
    expect(twiml.toString()).toBe(`${DECLARATION}<Response/>`);
  });
});

describe('MessagingTwiml', () => {
  it('renders one Message per part, escaped', () => {
    const xml = new MessagingTwiml().message('Su reporte CAU-2026-000123 <registrado> & listo.').message('Parte 2').toString();
    expect(xml).toBe(`${DECLARATION}<Response><Message>Su reporte CAU-2026-000123 &lt;registrado&gt; &amp; listo.</Message><Message>Parte 2</Message></Response>`);
    parse(xml);
  });

  it('renders an empty Response when there is nothing to send', () => {
    expect(new MessagingTwiml().message('').toString()).toBe(`${DECLARATION}<Response/>`);
  });
});

describe('escaping helpers', () => {
  it('escape what XML needs', () => {
    expect(escapeXmlText('a & b < c > d')).toBe('a &amp; b &lt; c &gt; d');
    expect(escapeXmlAttribute('"a" & \'b\'\n')).toBe('&quot;a&quot; &amp; &apos;b&apos;&#10;');
  });
});
