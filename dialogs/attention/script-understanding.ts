import { extractEntities } from '../../services/nlu/entities';
import { foldCase } from '../../services/nlu/normalize';
import { parseImpact, parseUrgencyCue } from '../../services/script/impact';
import {
  parseIdentification,
  parseResolved,
  parseRole,
  parseYesNo,
  ROLE_LABELS,
  type IdentificationSlot,
  type RequesterRole,
} from '../../services/script/identification';
import { UnitMatcher, type Unit } from '../../services/script/units';
import type { Impact, Urgency } from '../../services/tickets/priority';
import type { ParsedSlots, SlotName, Understanding } from './understanding';

export interface ScriptUnderstandingOptions {
  /** The units the desk serves (`UNITS_FILE`, or the shipped list). */
  units: readonly Unit[];
  clock: { now(): Date };
  timeZone: string;
  ticketPrefix: string;
}

// «¿Cómo va mi reporte?», «quiero saber el estado de mi ticket», «seguimiento a mi folio».
const STATUS_WORDS = /\b(como va|como van|como vamos|estado|estatus|status|seguimiento|avance|en que va|que paso con|ya quedo|ya atendieron)\b/;
const NO_EMAIL = /\bno (?:tengo|cuento con|uso)(?: un| ningun)? (?:correo|e-?mail|mail)\b/;
const NO_PHONE = /\bno (?:tengo|cuento con|uso)(?: un| ningun)? (?:telefono|celular|cel|numero|tel)\b/;
const TICKET_WORDS = /\b(reporte|ticket|tiket|folio|solicitud|caso|numero)\b/;

/** {@link Understanding} on the attention-script parsers of `services/script` and the entities of `services/nlu`. */
export class ScriptUnderstanding implements Understanding {
  private readonly units: UnitMatcher;

  constructor(private readonly options: ScriptUnderstandingOptions) {
    if (!options?.units?.length) throw new Error('ScriptUnderstanding: units are required');
    this.units = new UnitMatcher(options.units);
  }

  identification(text: string, expect?: SlotName | readonly SlotName[]): ParsedSlots {
    const found = parseIdentification(text, {
      units: this.units,
      now: this.options.clock.now(),
      timeZone: this.options.timeZone,
      ticketPrefix: this.options.ticketPrefix,
      ...(expect !== undefined ? { expect: expect as IdentificationSlot | readonly IdentificationSlot[] } : {}),
    });
    const out: ParsedSlots = {};
    if (found.unit) out.unit = { code: found.unit.code, name: found.unit.name };
    else if (found.unitCandidate) out.unitCandidate = { code: found.unitCandidate.code, name: found.unitCandidate.name };
    else if (found.unitOptions?.length) out.unitOptions = found.unitOptions.map((u) => ({ code: u.code, name: u.name }));
    if (found.role) out.role = found.role;
    if (found.extension) out.extension = found.extension;
    if (found.noExtension) out.noExtension = true;
    if (found.name) out.name = found.name;
    if (found.email) out.email = found.email;
    if (found.phone) out.phone = found.phone;
    if (found.invalidEmail !== undefined) out.invalidEmail = found.invalidEmail;
    if (found.emailSuggestion !== undefined) out.emailSuggestion = found.emailSuggestion;
    if (found.invalidPhone !== undefined) out.invalidPhone = true;
    const folded = foldCase(text);
    if (NO_EMAIL.test(folded)) out.noEmail = true;
    if (NO_PHONE.test(folded)) out.noPhone = true;
    return out;
  }

  yesNo(text: string): boolean | undefined {
    return parseYesNo(text);
  }

  resolved(text: string): boolean | undefined {
    return parseResolved(text);
  }

  impact(text: string): Impact | null {
    return parseImpact(text);
  }

  urgencyCue(text: string): Urgency | null {
    return parseUrgencyCue(text);
  }

  ticketNumbers(text: string): string[] {
    return extractEntities(text, {
      language: 'es',
      now: this.options.clock.now(),
      timeZone: this.options.timeZone,
      ticketPrefix: this.options.ticketPrefix,
    }).tickets;
  }

  isStatusQuestion(text: string): boolean {
    const folded = foldCase(text);
    return STATUS_WORDS.test(folded) && TICKET_WORDS.test(folded);
  }

  unitAmong(text: string, options: ReadonlyArray<{ code: string; name: string }>): { code: string; name: string } | null {
    const subset = this.options.units.filter((u) => options.some((o) => o.code === u.code));
    if (subset.length === 0) return null;
    // Among a few units, the words that tell them apart («Zacatenco») are enough.
    const analysis = new UnitMatcher(subset).analyze(text);
    const best = analysis.match ?? analysis.candidates[0];
    if (best && !analysis.ambiguous) return { code: best.unit.code, name: best.unit.name };
    const folded = foldCase(text).trim();
    const hits = subset.filter((u) => folded.length >= 4 && foldCase(u.name).includes(folded));
    return hits.length === 1 && hits[0] ? { code: hits[0].code, name: hits[0].name } : null;
  }

  roleLabel(role: string): string {
    return (ROLE_LABELS[role as RequesterRole] ?? role).toLowerCase();
  }

  roleFromOption(text: string): string | null {
    return parseRole(text);
  }
}
