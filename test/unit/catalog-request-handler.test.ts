import { CatalogRequestHandler, type CatalogLookup } from '../../dialogs/catalog-request-handler';
import type { RequestHandler } from '../../dialogs/request-handler';
import type { RouteDecision } from '../../services/nlu/router';
import { smallCatalog } from '../support/catalog-fixture';

const ctx = { conversationId: 'c1', channel: 'webchat', userId: 'u1' };

function lookupReturning(decision: Omit<RouteDecision, 'text'>, catalog = smallCatalog()): CatalogLookup {
  return { catalog, route: (text: string) => ({ text, ...decision }) };
}

const fallback: RequestHandler = { handle: async () => ({ reply: ['respaldo'] }) };

describe('CatalogRequestHandler', () => {
  it.each<[string, Omit<RouteDecision, 'text'>, RegExp[]]>([
    ['out of scope → referral, phone and apology', { decision: 'out_of_scope', code: null, confidence: 0.2, alternatives: [] }, [/Servicios Escolares/, /^Teléfono: 55 5729 6000\.$/, /Lamentamos/]],
    ['service with self-help → name and numbered steps', { decision: 'service', code: 'RED-WIFI', confidence: 0.9, alternatives: [] }, [/«Falla de conexión a la red inalámbrica»/, /^Mientras tanto.*\n1\. Olvide la red/, /registro de tickets/]],
    ['informative → says so', { decision: 'informative', code: 'HORARIO-CAU', confidence: 0.8, alternatives: [] }, [/de manera informativa/, /registro de tickets/]],
    [
      'ambiguous → both names',
      { decision: 'ambiguous', code: 'CORREO-CONTRASENA', confidence: 0.5, alternatives: [{ code: 'RED-WIFI', confidence: 0.45 }] },
      [/«Restablecimiento de contraseña de correo» o a «Falla de conexión a la red inalámbrica»/, /registro de tickets/],
    ],
  ])('%s', async (_name, decision, expected) => {
    const { reply } = await new CatalogRequestHandler(lookupReturning(decision), fallback).handle('texto', ctx);
    expect(reply).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(reply[i]).toMatch(re));
  });

  it('falls back when nothing is published or the code is unknown', async () => {
    const none: CatalogLookup = { catalog: null, route: () => { throw new Error('must not route'); } };
    expect((await new CatalogRequestHandler(none, fallback).handle('x', ctx)).reply).toEqual(['respaldo']);
    const unknown = lookupReturning({ decision: 'service', code: 'NO-EXISTE', confidence: 0.9, alternatives: [] });
    expect((await new CatalogRequestHandler(unknown, fallback).handle('x', ctx)).reply).toEqual(['respaldo']);
  });
});
