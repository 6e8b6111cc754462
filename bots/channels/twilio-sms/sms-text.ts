/**
 * The bot's messages as plain text for SMS and WhatsApp: no markdown, suggested actions as a numbered list the
 * person answers with a digit, and long replies split for Twilio's 1,600-character limit per message.
 */

/** Twilio's limit for one message body. */
export const SMS_MAX_CHARS = 1600;

/** Markdown and layout to plain text (links keep their address: a text message can show it). */
export function plainText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/!\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g, '$1 $2')
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_m, label: string, url: string) => (label.trim() === url.trim() ? url : `${label} (${url})`))
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/^\s*>\s?/gm, '')
    .replace(/^\s*[-*+]\s+/gm, '- ')
    .replace(/```[a-z]*\n?([\s\S]*?)```/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])[*_]([^*_\n]+)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/~~(.+?)~~/g, '$1')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * «Responda 1 para Sí, 2 para No o 3 para No estoy seguro.» (at most 9 options get a digit). Options the message
 * already lists with their number («1. Correo») are not repeated: «Responda con el número de su opción, o 4 para
 * Ninguna de estas.»
 */
export function numberedMenu(titles: readonly string[], text = ''): { text: string; digits: Record<string, string> } {
  const digits: Record<string, string> = {};
  const parts: string[] = [];
  let listed = 0;
  titles
    .filter((t) => t.trim() !== '')
    .slice(0, 9)
    .forEach((title, i) => {
      digits[String(i + 1)] = title;
      if (text.includes(`${i + 1}. ${title}`)) listed += 1;
      else parts.push(`${i + 1} para ${plainText(title)}`);
    });
  const join = (list: string[]) => (list.length === 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} o ${list[list.length - 1]}`);
  if (listed > 0) return { text: `Responda con el número de su opción${parts.length > 0 ? `, o ${join(parts)}` : ''}.`, digits };
  if (parts.length === 0) return { text: '', digits };
  return { text: `Responda ${join(parts)}.`, digits };
}

/**
 * Splits `text` into parts of at most `max` characters: at paragraph ends, then sentence ends, then spaces; a word
 * longer than `max` (a long link) is cut.
 */
export function splitMessage(text: string, max = SMS_MAX_CHARS): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const cut =
      lastBreak(window, /\n\s*\n/g, max) ??
      lastBreak(window, /[.!?…](?:["»)]*)\s+/g, max) ??
      lastBreak(window, /\n/g, max) ??
      lastBreak(window, /[,;:]\s+/g, max) ??
      lastBreak(window, /\s+/g, max) ??
      max;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest !== '') parts.push(rest);
  return parts.filter((p) => p !== '');
}

/** The end of the last match of `pattern` that ends within `max` (not at the very start), or null. */
function lastBreak(window: string, pattern: RegExp, max: number): number | null {
  let best: number | null = null;
  for (const m of window.matchAll(pattern)) {
    const end = (m.index ?? 0) + m[0].length;
    const textEnd = (m.index ?? 0) + m[0].trimEnd().length;
    if (textEnd <= max && textEnd > max / 4) best = Math.min(end, max);
  }
  return best;
}
