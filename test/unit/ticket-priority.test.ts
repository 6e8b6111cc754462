import { DEFAULT_PRIORITY_MATRIX, parsePriorityMatrix, priorityOf, type Impact, type Urgency } from '../../services/tickets/priority';

describe('priority matrix', () => {
  it.each<[Urgency, Impact, string]>([
    ['critical', 'extensive', 'P1'],
    ['critical', 'minor', 'P2'],
    ['high', 'significant', 'P2'],
    ['high', 'minor', 'P3'],
    ['medium', 'extensive', 'P2'],
    ['medium', 'minor', 'P4'],
    ['low', 'extensive', 'P3'],
    ['low', 'minor', 'P5'],
  ])('default: urgency %s × impact %s → %s', (urgency, impact, expected) => {
    expect(priorityOf(DEFAULT_PRIORITY_MATRIX, urgency, impact)).toBe(expected);
  });

  it('parses the written form of the default matrix to the same matrix, and a custom one', () => {
    expect(parsePriorityMatrix('P1 P1 P2 P2; P1 P2 P2 P3; P2 P3 P3 P4; P3 P4 P4 P5')).toEqual(DEFAULT_PRIORITY_MATRIX);
    const custom = parsePriorityMatrix('p1,p1,p1,p1; p2 p2 p2 p2; p3 p3 p3 p3; p5 p5 p5 p4');
    expect(priorityOf(custom, 'low', 'minor')).toBe('P4');
    expect(priorityOf(custom, 'critical', 'minor')).toBe('P1');
  });

  it.each(['P1 P1 P2; P1 P2 P2 P3; P2 P3 P3 P4; P3 P4 P4 P5', 'P1 P1 P2 P2; P1 P2 P2 P3; P2 P3 P3 P4', 'P0 P1 P2 P2; P1 P2 P2 P3; P2 P3 P3 P4; P3 P4 P4 P5'])('refuses a malformed matrix: %s', (text) => {
    expect(() => parsePriorityMatrix(text)).toThrow(/4 filas de 4 prioridades/);
  });
});
