/**
 * The switchboard directory as the rest of the application sees it: people and areas callers ask for, how to reach
 * them, and what a lookup answers. Stored rows stay in models/; these types carry no database detail (the PIN hash
 * never leaves the service).
 */
import type { VoiceRoute } from '../voice/voice-types';

export type { VoiceRoute };

export const DIRECTORY_KINDS = ['person', 'area'] as const;
export type DirectoryKind = (typeof DIRECTORY_KINDS)[number];

export const DIRECTORY_AVAILABILITY = ['available', 'away', 'unavailable'] as const;
export type DirectoryAvailability = (typeof DIRECTORY_AVAILABILITY)[number];

export type DirectoryGender = 'f' | 'm';

/** One person or area of the directory. */
export interface DirectoryEntry {
  id: string;
  kind: DirectoryKind;
  /** «María Pérez Gómez» (person) or «Recursos Humanos» (area). */
  name: string;
  /** Honorific said before a person's name: «Lic.», «Ing.», «Dra.». */
  title: string | null;
  /** 'f' | 'm' for «la Lic.» / «el Ing.»; null = neither article. */
  gender: DirectoryGender | null;
  /** The area a person belongs to (for an area, its parent area). */
  area: string | null;
  position: string | null;
  /** Other names callers use: «RH», «personal», «Lupita». */
  aliases: string[];
  extension: string | null;
  phone: string | null;
  email: string | null;
  availability: DirectoryAvailability;
  /** Said when not available: «está de vacaciones hasta el 3 de diciembre». */
  availabilityNote: string | null;
  /** How a call reaches them (null: the extension can only be given, not dialled). */
  route: VoiceRoute | null;
  /** Internal staff who may ask the desk for outbound calls (after their PIN). */
  outboundAllowed: boolean;
  /** A PIN is set (the hash itself never leaves the service). */
  hasPin: boolean;
  active: boolean;
  updatedAt: Date;
}

/** What part of an entry a lookup matched. */
export type MatchedOn = 'name' | 'alias' | 'area' | 'extension' | 'position';

/** A lookup result: the entry, how sure (0..1, see {@link LOOKUP_THRESHOLDS}) and on what it matched. */
export interface DirectoryMatch {
  entry: DirectoryEntry;
  score: number;
  matchedOn: MatchedOn;
}

/**
 * How to read a lookup's scores: at or above `confident` the best match can be used after a plain confirmation of
 * the transfer; between `confirm` and `confident` ask «¿Se refiere a …?»; below `confirm` it is not a match. When the
 * best two are within `ambiguityMargin` of each other, offer both.
 */
export const LOOKUP_THRESHOLDS = { confident: 0.85, confirm: 0.6, ambiguityMargin: 0.06 } as const;

/** A lookup read with {@link LOOKUP_THRESHOLDS}. */
export type LookupOutcome =
  | { kind: 'none' }
  | { kind: 'confident'; match: DirectoryMatch }
  | { kind: 'confirm'; match: DirectoryMatch }
  | { kind: 'ambiguous'; candidates: DirectoryMatch[] };

/** A new entry or the fields of an update, as they come from the console, the CSV or the CLI (validated). */
export interface DirectoryInput {
  kind?: DirectoryKind;
  name?: string;
  title?: string | null;
  gender?: DirectoryGender | null;
  area?: string | null;
  position?: string | null;
  aliases?: string[];
  extension?: string | null;
  phone?: string | null;
  email?: string | null;
  availability?: DirectoryAvailability;
  availabilityNote?: string | null;
  route?: VoiceRoute | null;
  outboundAllowed?: boolean;
  /** A new PIN (4–8 digits), or null to remove it; absent keeps the current one. */
  pin?: string | null;
  active?: boolean;
}

export type DirectoryErrorCode =
  | 'directory/not_found'
  | 'directory/invalid_input'
  | 'directory/duplicate_extension'
  | 'directory/duplicate_name'
  | 'directory/invalid_csv';

/** A directory operation refused for a domain reason; `message` is Spanish, for the person. */
export class DirectoryError extends Error {
  constructor(
    readonly code: DirectoryErrorCode,
    message: string,
    /** Field- or line-level problems: `{ path: 'extension' | 'línea 7', message }`. */
    readonly problems: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'DirectoryError';
  }
}
