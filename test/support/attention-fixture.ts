import { AttentionDialog } from '../../dialogs/attention/attention.dialog';
import { ScriptUnderstanding } from '../../dialogs/attention/script-understanding';
import { createRepositories, type Database, type Repositories } from '../../models';
import { AttentionDesk } from '../../services/attention/attention-desk';
import type { CatalogFile } from '../../services/catalog/catalog-format';
import { trainingCatalog } from '../../services/catalog/catalog-router';
import { Router, type RouteDecision } from '../../services/nlu/router';
import { defaultUnits } from '../../services/script/units';
import { TicketService } from '../../services/tickets/ticket.service';
import { service, smallCatalog } from './catalog-fixture';

export const MX = 'America/Mexico_City';
/** 11:30 in Mexico City. */
export const NOW = new Date('2026-11-23T17:30:00Z');

/** The small catalog plus a printer service of kind `either` and a fault without diagnostics or self-help. */
export function attentionCatalog(): CatalogFile {
  const base = smallCatalog();
  base.services.push(
    service('IMPRESORA', 'Impresoras', 'Equipo de cómputo', {
      kind: 'either',
      resolverGroup: 'Soporte técnico',
      examples: ['la impresora no imprime', 'necesito que instalen una impresora', 'la impresora se atasca', 'configurar la impresora de red'],
      defaultUrgency: 'low',
    }),
    service('TELEFONO', 'Falla de telefonía', 'Telefonía', {
      kind: 'fault',
      resolverGroup: 'Telefonía',
      examples: ['mi teléfono no tiene tono', 'el teléfono de mi oficina no funciona', 'no puedo hacer llamadas desde mi extensión', 'el aparato telefónico está muerto'],
      defaultUrgency: 'high',
    }),
  );
  return base;
}

/** Routes with the trained model, except for texts a test pins to a decision. */
export class PinnedLookup {
  readonly pinned = new Map<string, RouteDecision>();
  readonly version = 1;
  constructor(
    readonly catalog: CatalogFile,
    private readonly router: Router,
  ) {}
  route(text: string): RouteDecision {
    return this.pinned.get(text) ?? this.router.route(text);
  }
}

export interface AttentionFixture {
  repos: Repositories;
  lookup: PinnedLookup;
  desk: AttentionDesk;
  /** A fresh attention dialog over the fixture's desk. */
  dialog(): AttentionDialog;
}

/** The attention script's services over a real database, with {@link attentionCatalog} and the shipped units. */
export function attentionFixture(database: Database, catalog: CatalogFile = attentionCatalog()): AttentionFixture {
  const repos = createRepositories(database);
  const clock = { now: () => NOW };
  const lookup = new PinnedLookup(catalog, Router.train(trainingCatalog(catalog)));
  const desk = new AttentionDesk({
    lookup,
    tickets: new TicketService(repos.tickets, clock),
    requesters: repos.requesters,
    attentions: repos.attentions,
    clock,
    ticketPrefix: 'CAU',
    timeZone: MX,
  });
  const understanding = new ScriptUnderstanding({ units: defaultUnits(), clock, timeZone: MX, ticketPrefix: 'CAU' });
  return { repos, lookup, desk, dialog: () => new AttentionDialog({ desk, understanding }) };
}
