import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** Browser helpers for the e2e tests (Debian chromium through playwright-core), and for driving the console (`/console`). */

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
export const WAIT_MS = 20_000;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** What the page complained about: script errors, CSP violations, console errors other than expected HTTP errors. */
export interface Complaints {
  page: Page;
  problems: string[];
}

/**
 * Opens a page and records its problems. Chromium logs every 4xx answer to fetch as a console error
 * («Failed to load resource»); those are part of the flows under test (wrong password, invalid service) and are
 * checked by the tests themselves, so only other errors count here.
 */
export async function openWatched(context: BrowserContext): Promise<Complaints> {
  const page = await context.newPage();
  const watched: Complaints = { page, problems: [] };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    watched.problems.push(`console.error: ${text} (${message.location().url})`);
  });
  page.on('pageerror', (error) => watched.problems.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'failed';
    if (reason !== 'net::ERR_ABORTED') watched.problems.push(`requestfailed: ${request.url()} ${reason}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500) watched.problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return watched;
}

/** Signs in through the login form (the page must show it). */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel(/^Contraseña/).fill(password);
  await page.getByRole('button', { name: 'Iniciar sesión' }).click();
}

/** A GET of the console API with the page's session cookie (for checking what the UI did). */
export async function apiGet<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path);
  if (!response.ok()) throw new Error(`GET ${path}: ${response.status()} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Lower-case, accents removed, like the console's search. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** The services table's rows, by their `data-code`. */
export async function shownCodes(page: Page): Promise<string[]> {
  return page.locator('table.services-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code') ?? ''));
}

/** The focused element's description, for readable failures. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}`;
  });
}

export const toastWith = (page: Page, text: string | RegExp): Locator => page.locator('#toasts .toast').filter({ hasText: text });
