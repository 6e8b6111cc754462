import type { DialogInstance } from 'botbuilder-dialogs';
import type { CatalogServiceDef } from '../../services/catalog/catalog-format';
import type { HandoffContext } from '../../services/handoff/handoff-types';
import type { Impact, Urgency } from '../../services/tickets/priority';
import { componentStack, type TicketDraft } from '../handoff/handoff.dialog';
import type { RequestSnapshot } from '../main.dialog';
import { type Case, isProfile, type Profile, UNCLASSIFIED_GROUP } from './case';

/** The person as the agent sees it: the identification slots the script knows. */
export function personOf(profile: Profile): HandoffContext['person'] {
  return { ...profile.slots };
}

/** The case of an attention dialog instance on a stack (its active waterfall's options), if it is running. */
export function caseOf(instance: DialogInstance | undefined): Case | undefined {
  const options: unknown = componentStack(instance)[0]?.state?.options;
  if (typeof options !== 'object' || options === null) return undefined;
  if (!('request' in options) || typeof options.request !== 'string' || !('profile' in options) || !isProfile(options.profile)) return undefined;
  if (!('diagnostics' in options) || !Array.isArray(options.diagnostics) || !('tries' in options)) return undefined;
  return options as Case;
}

/** Only a profile (no request running): who the person is, for the agent. */
export function profileSnapshot(profile: unknown): RequestSnapshot | undefined {
  if (!isProfile(profile)) return undefined;
  return { context: { person: personOf(profile), requesterId: profile.requesterId }, profile };
}

/**
 * What the attention script knew about the request, for the agent (the {@link HandoffContext}) and for the ticket
 * offered when no agent can attend (the {@link TicketDraft}, as the script would have registered it).
 */
export function snapshotOf(c: Case, service: CatalogServiceDef | undefined, urgency: Urgency, impact: Impact): RequestSnapshot {
  const route =
    service || c.route
      ? {
          decision: c.route?.decision ?? 'service',
          code: service?.code ?? c.route?.code ?? null,
          name: service?.name ?? null,
          confidence: c.route?.confidence ?? 0,
        }
      : undefined;
  const context: HandoffContext = {
    ...(c.request !== '' ? { request: c.request } : {}),
    person: personOf(c.profile),
    requesterId: c.profile.requesterId,
    ...(route ? { route } : {}),
    diagnostics: c.diagnostics.map(({ question, answer }) => ({ question, answer })),
    urgency,
  };
  const kind: TicketDraft['kind'] =
    c.kind ?? (service?.scope === 'informative' ? 'informative' : service?.kind === 'fault' ? 'incident' : 'request');
  const ticket: TicketDraft | undefined =
    c.request === ''
      ? undefined
      : {
          kind,
          serviceCode: service?.code ?? null,
          serviceName: service?.name ?? null,
          resolverGroup: service?.resolverGroup ?? UNCLASSIFIED_GROUP,
          description: c.request,
          diagnostics: c.diagnostics.map((d) => ({ ...d })),
          urgency: kind === 'informative' ? 'low' : urgency,
          impact: kind === 'informative' ? 'minor' : impact,
        };
  return {
    context,
    resolverGroup: service?.resolverGroup ?? null,
    ...(ticket ? { ticket } : {}),
    profile: c.profile,
  };
}
