/** Urgency as the catalog and the person give it (Crítica, Alta, Media, Baja). */
export const URGENCY_LEVELS = ['critical', 'high', 'medium', 'low'] as const;
/** Impact by share of people affected: Extenso (100 %), Significativo (60 %), Moderado (30 %), Menor (5 %). */
export const IMPACT_LEVELS = ['extensive', 'significant', 'moderate', 'minor'] as const;
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;

export type Urgency = (typeof URGENCY_LEVELS)[number];
export type Impact = (typeof IMPACT_LEVELS)[number];
export type Priority = (typeof PRIORITIES)[number];
/** Rows by urgency, columns by impact, in the orders above. */
export type PriorityMatrix = Record<Urgency, Record<Impact, Priority>>;

function row(extensive: Priority, significant: Priority, moderate: Priority, minor: Priority): Record<Impact, Priority> {
  return { extensive, significant, moderate, minor };
}

/** The default matrix of the attention procedure (urgency rows × impact Extenso/Significativo/Moderado/Menor). */
export const DEFAULT_PRIORITY_MATRIX: PriorityMatrix = {
  critical: row('P1', 'P1', 'P2', 'P2'),
  high: row('P1', 'P2', 'P2', 'P3'),
  medium: row('P2', 'P3', 'P3', 'P4'),
  low: row('P3', 'P4', 'P4', 'P5'),
};

export const URGENCY_LABELS: Record<Urgency, string> = { critical: 'Crítica', high: 'Alta', medium: 'Media', low: 'Baja' };
export const IMPACT_LABELS: Record<Impact, string> = { extensive: 'Extenso', significant: 'Significativo', moderate: 'Moderado', minor: 'Menor' };

/**
 * Parses a matrix written as four rows of four priorities, urgency Crítica → Baja and impact Extenso → Menor,
 * e.g. "P1 P1 P2 P2; P1 P2 P2 P3; P2 P3 P3 P4; P3 P4 P4 P5" (the format of TICKET_PRIORITY_MATRIX).
 */
export function parsePriorityMatrix(text: string): PriorityMatrix {
  const rows = text.split(';').map((r) => r.trim().split(/[\s,]+/).filter(Boolean));
  const valid = rows.length === 4 && rows.every((r) => r.length === 4 && r.every((p) => (PRIORITIES as readonly string[]).includes(p.toUpperCase())));
  if (!valid) throw new Error(`parsePriorityMatrix(): se esperaban 4 filas de 4 prioridades P1–P5 separadas por «;» (recibido: "${text}")`);
  const [c, h, m, l] = rows.map((r) => row(...(r.map((p) => p.toUpperCase()) as [Priority, Priority, Priority, Priority])));
  return { critical: c!, high: h!, medium: m!, low: l! };
}

export function priorityOf(matrix: PriorityMatrix, urgency: Urgency, impact: Impact): Priority {
  return matrix[urgency][impact];
}
