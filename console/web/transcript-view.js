// A conversation's transcript as a read-only list: one item per message, each with a visible label of who wrote it
// (Persona, Bot, the agent's name, Mensaje automático) — not colour alone — its time and its text (text nodes only).
// Used by the quality review's item page and by the conversation opened from «Indicadores».
import { h } from './dom.js';
import { TRANSCRIPT_FROM_LABELS, label } from './labels.js';

const timeFormat = new Intl.DateTimeFormat('es-MX', { timeZone: 'America/Mexico_City', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const timeOf = (iso) => (iso ? timeFormat.format(new Date(iso)) : '');

/** Who wrote a line, as the label shows it. */
export function speakerOf(line) {
  if (line.automatic) return label(TRANSCRIPT_FROM_LABELS, 'system');
  if (line.from === 'agent') return line.name || 'Agente';
  return label(TRANSCRIPT_FROM_LABELS, line.from);
}

/** The files of a line as download links (only the console's own download route is linked). */
function files(line) {
  const list = (line.attachments ?? []).filter((a) => typeof a.url === 'string' && a.url.startsWith('/api/attachments/'));
  if (list.length === 0) return null;
  return h(
    'ul',
    { class: 'line__files', 'aria-label': 'Archivos adjuntos' },
    list.map((a) => h('li', { class: 'line__file' }, h('a', { href: a.url, download: a.name || true }, `Adjunto: ${a.name || 'archivo'}`))),
  );
}

/**
 * The `<ol>` of `lines` ({ seq, at, from: 'person'|'bot'|'agent', name?, automatic?, text, attachments? }), labelled by
 * the heading `labelledBy`; `className` adds classes to the list. Scrollable, so it takes the keyboard focus.
 */
export function transcriptList(lines, { labelledBy, className = '' } = {}) {
  return h(
    'ol',
    { class: `transcript ${className}`.trim(), 'aria-labelledby': labelledBy, tabindex: '0' },
    lines.length === 0
      ? h('li', { class: 'transcript__empty muted' }, 'La conversación no tiene mensajes.')
      : lines.map((line) =>
          h(
            'li',
            { class: `line line--${line.automatic ? 'system' : line.from}`, 'data-seq': String(line.seq) },
            h('p', { class: 'line__meta' }, h('span', { class: 'line__who' }, speakerOf(line)), ' ', h('time', { datetime: line.at }, timeOf(line.at))),
            line.text ? h('p', { class: 'line__text' }, line.text) : null,
            files(line),
          ),
        ),
  );
}
