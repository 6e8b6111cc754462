import type { Impact, Urgency } from '../../services/tickets/priority';

/** The slots of the attention script. */
export type SlotName = 'unit' | 'role' | 'extension' | 'name' | 'email' | 'phone';

/** Every fact found in one answer. */
export interface ParsedSlots {
  unit?: { code: string; name: string };
  /** A unit that is probably meant, to confirm («¿Se refiere a …?»). */
  unitCandidate?: { code: string; name: string };
  /** Several units equally likely («la ESIME»): ask which one. */
  unitOptions?: Array<{ code: string; name: string }>;
  role?: string;
  extension?: string;
  noExtension?: boolean;
  name?: string;
  email?: string;
  phone?: string;
  /** An address as the person typed it that is not valid. */
  invalidEmail?: string;
  /** The address probably meant by a mistyped one («juan@gmial.com» → «juan@gmail.com»). */
  emailSuggestion?: string;
  invalidPhone?: boolean;
  /** «No tengo correo» / «no tengo teléfono». */
  noEmail?: boolean;
  noPhone?: boolean;
}

/**
 * How the attention dialogs read the person's answers. The implementation (`./understanding.impl.ts`) is built on
 * `services/script` and `services/nlu`; tests may substitute it.
 */
export interface Understanding {
  /** Facts in an answer; `expect` is the slot the question asked for (a bare «Juan Pérez» is a name then). */
  identification(text: string, expect?: SlotName | readonly SlotName[]): ParsedSlots;
  yesNo(text: string): boolean | undefined;
  /** The answer to «¿Se resolvió?». */
  resolved(text: string): boolean | undefined;
  /** The answer to «¿A cuántas personas afecta?». */
  impact(text: string): Impact | null;
  /** Urgency words in a description that raise the catalog's default. */
  urgencyCue(text: string): Urgency | null;
  /** Ticket numbers in a text, normalised (`CAU-2026-000123`). */
  ticketNumbers(text: string): string[];
  /** «¿Cómo va mi reporte?», «quiero saber el estado de mi ticket». */
  isStatusQuestion(text: string): boolean;
  /** Which of `options` the answer names («Zacatenco», «la de Culhuacán»), or null. */
  unitAmong(text: string, options: ReadonlyArray<{ code: string; name: string }>): { code: string; name: string } | null;
  /** The Spanish label of a role («docente», «personal administrativo»…). */
  roleLabel(role: string): string;
  /** The role for a suggested-action title («Docente» → `docente`). */
  roleFromOption(text: string): string | null;
}
