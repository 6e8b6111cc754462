import { escapeHtml } from '../services/http/escape-html';

/** The web chat page at `/`: the official Web Chat bundle, our small bootstrap, the organisation's look. */
export interface WebChatPageSettings {
  botName: string;
  orgName: string;
  primaryColor: string;
  accentColor: string;
}

/** JSON that is safe inside a <script type="application/json"> element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/**
 * An inline icon in the organisation's colour: without one the browser asks for /favicon.ico, which this server
 * does not have (a 404 in every visitor's console).
 */
const iconHref = (color: string) =>
  `data:image/svg+xml,${encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="${color}"/></svg>`,
  )}`;

export function renderWebChatPage(s: WebChatPageSettings): string {
  const title = `${s.orgName} — chat de atención`;
  return `<!doctype html>
<html lang="es-MX">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="${escapeHtml(iconHref(s.primaryColor))}">
<link rel="stylesheet" href="/static/webchat-page.css">
<style>:root { --primary: ${s.primaryColor}; --accent: ${s.accentColor}; }</style>
</head>
<body>
<a class="skip" href="#webchat">Ir directamente al chat</a>
<header class="banner">
  <h1>${escapeHtml(s.orgName)}</h1>
  <p>Chat de atención a usuarios · le atiende ${escapeHtml(s.botName)}</p>
</header>
<main>
  <section id="webchat" class="webchat" role="region" aria-label="Conversación con ${escapeHtml(s.botName)}" tabindex="-1"></section>
  <p id="status" class="status" role="status" aria-live="polite"></p>
  <noscript><p class="status">Para usar el chat active JavaScript en su navegador.</p></noscript>
</main>
<script id="ventanilla-config" type="application/json">${scriptJson({
    botName: s.botName,
    orgName: s.orgName,
    primaryColor: s.primaryColor,
    accentColor: s.accentColor,
  })}</script>
<script src="/static/webchat.js"></script>
<script src="/static/webchat-page.js"></script>
</body>
</html>
`;
}

/** Content-Security-Policy for the page: everything from this origin, streams over ws(s) to it. */
export const WEBCHAT_PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Web Chat injects its styles at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "font-src 'self' data:",
  // CSP3 'self' also matches ws(s):// on this same host, so streams to other hosts stay blocked.
  "connect-src 'self'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
