import type { CatalogFile } from '../services/catalog/catalog-format';
import type { RouteDecision } from '../services/nlu/router';
import { messages } from './messages/es-MX';
import type { RequestContext, RequestHandler, RequestReply } from './request-handler';

/** What the handler needs from the catalog router: a decision and the published catalog it came from. */
export interface CatalogLookup {
  route(text: string): RouteDecision;
  readonly catalog: CatalogFile | null;
}

/**
 * Answers a request with the published catalog: out of scope → the referral and an apology;
 * a catalog service → what was understood and its self-help steps. Ticket registration and the
 * diagnostic questions come with the attention script; until then the reply says so plainly.
 */
export class CatalogRequestHandler implements RequestHandler {
  constructor(
    private readonly lookup: CatalogLookup,
    private readonly fallback: RequestHandler,
  ) {
    if (!lookup) throw new Error('CatalogRequestHandler: lookup is required');
    if (!fallback) throw new Error('CatalogRequestHandler: fallback is required');
  }

  async handle(text: string, ctx: RequestContext): Promise<RequestReply> {
    const catalog = this.lookup.catalog;
    if (!catalog) return this.fallback.handle(text, ctx);
    const decision = this.lookup.route(text);
    const m = messages.catalogRoute;
    const byCode = (code: string | null | undefined) => catalog.services.find((s) => s.code === code);
    if (decision.decision === 'out_of_scope') {
      return { reply: [catalog.referral.message, m.referralPhone(catalog.referral.phone), m.outOfScopeApology] };
    }
    const best = byCode(decision.code);
    if (!best) return this.fallback.handle(text, ctx);
    if (decision.decision === 'ambiguous') {
      const second = byCode(decision.alternatives[0]?.code);
      return { reply: [second ? m.ambiguous(best.name, second.name) : m.understood(best.name), m.registrationPending] };
    }
    const reply = [decision.decision === 'informative' ? m.informative(best.name) : m.understood(best.name)];
    if (best.selfHelp.length > 0) reply.push([m.selfHelpIntro, ...best.selfHelp.map((step, i) => `${i + 1}. ${step}`)].join('\n'));
    reply.push(m.registrationPending);
    return { reply };
  }
}
