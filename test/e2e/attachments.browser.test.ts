import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AttachmentRoutes } from '../../console/api/attachment.routes';
import { AttachmentService } from '../../services/tickets/attachment.service';
import { launchChromium, openWatched, signIn, WAIT_MS, type Complaints } from '../support/console-driver';
import { startApp, type RunningApp } from '../support/harness';
import { defaultBackend } from '../support/test-database';

/**
 * The files a person attached to an e-mail, in the agent console's conversation view (real Chromium): each shows as
 * a download link under the person's line, nothing is rendered inline, and an HTML file downloads instead of
 * opening in the console's origin.
 */

const COORDINATOR = { email: 'coordinacion@example.mx', password: 'ContrasenaSegura123', displayName: 'Laura Méndez' };
const TEXT = 'Les mando la foto del módem y la página que me aparece';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f9e6d30000000049454e44ae426082', 'hex');
const HTML = Buffer.from('<!doctype html><script>document.title = "ejecutado"</script><p>hola</p>', 'utf8');

describe(`attachments in the agent console (database: ${defaultBackend()})`, () => {
  let browser: Browser;
  let running: RunningApp;
  let context: BrowserContext;
  let watched: Complaints;
  let page: Page;
  let handoffId: string;
  const ids: Record<'png' | 'html', string> = {} as never;

  beforeAll(async () => {
    running = await startApp();
    const { app } = running;
    if (!(Reflect.get(app, 'attachments') instanceof AttachmentService)) {
      const attachments = new AttachmentService({ email: app.repositories.email, tickets: app.repositories.tickets });
      new AttachmentRoutes({ sessions: app.sessions, attachments }).register(app.server);
    }
    await app.users.create({ ...COORDINATOR, role: 'coordinator', actor: 'test' });

    // An e-mail with two files, recorded as the e-mail channel records it, waiting for an agent.
    const messageId = `<${randomUUID()}@upiita.mx>`;
    const conversation = await app.conversations.ensure('email', `soporte@cau.mx|${messageId}`, 'ana@upiita.mx');
    const save = (filename: string, contentType: string, content: Buffer) =>
      app.repositories.email.saveAttachment(
        { conversationId: conversation.id, sourceId: messageId, filename, contentType, content, sha256: createHash('sha256').update(content).digest('hex') },
        new Date(),
      );
    ids.png = await save('foto del módem.png', 'image/png', PNG);
    ids.html = await save('página.html', 'text/html', HTML);
    await app.conversations.record(conversation.id, 'in', {
      type: 'message',
      channelId: 'email',
      from: { id: 'ana@upiita.mx', name: 'Ana López', role: 'user' },
      recipient: { id: 'ventanilla-bot', name: 'Ventanilla', role: 'bot' },
      text: TEXT,
      timestamp: new Date().toISOString(),
      attachments: [
        { contentType: 'image/png', name: 'foto del módem.png', contentUrl: `/api/attachments/${ids.png}` },
        { contentType: 'text/html', name: 'página.html', contentUrl: `/api/attachments/${ids.html}` },
      ],
      channelData: { clientActivityID: `email:soporte@cau.mx:${messageId}` },
    });
    const { handoff } = await app.repositories.handoffs.enqueue(
      { conversationId: conversation.id, channel: 'email', resolverGroup: app.config.handoff.defaultGroup, reason: 'asked', context: {} },
      new Date(),
    );
    handoffId = handoff.id;

    browser = await launchChromium();
    context = await browser.newContext({ baseURL: running.baseUrl, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    watched = await openWatched(context);
    page = watched.page;
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await running?.stop();
  });

  it('shows the person’s files as download links and downloads them without rendering them', async () => {
    await page.goto(`${running.baseUrl}/console`);
    await signIn(page, COORDINATOR.email, COORDINATOR.password);
    await page.locator('#mainnav').waitFor({ timeout: WAIT_MS });
    await page.goto(`${running.baseUrl}/console/atencion/c/${handoffId}`);
    await page.locator('.conv--loaded').waitFor({ timeout: WAIT_MS });

    const line = page.locator('.transcript .line--person').filter({ hasText: TEXT });
    await line.waitFor({ timeout: WAIT_MS });
    const links = line.locator('.line__files a');
    await links.first().waitFor({ timeout: WAIT_MS });
    expect(await links.allInnerTexts()).toEqual(['foto del módem.png', 'página.html']);
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([`/api/attachments/${ids.png}`, `/api/attachments/${ids.html}`]);
    // Nothing of the files is put in the page.
    expect(await page.locator('.transcript img, .transcript iframe, .transcript object, .transcript embed').count()).toBe(0);

    const [image] = await Promise.all([page.waitForEvent('download', { timeout: WAIT_MS }), links.nth(0).click()]);
    expect(image.suggestedFilename()).toBe('foto del módem.png');
    expect(fs.readFileSync(await image.path()).equals(PNG)).toBe(true);

    const [html] = await Promise.all([page.waitForEvent('download', { timeout: WAIT_MS }), links.nth(1).click()]);
    expect(html.suggestedFilename()).toBe('página.html');
    expect(fs.readFileSync(await html.path()).equals(HTML)).toBe(true);
    // The HTML was saved, not opened: the console is still where it was and nothing ran.
    expect(new URL(page.url()).pathname).toBe(`/console/atencion/c/${handoffId}`);
    expect(await page.title()).not.toBe('ejecutado');
    expect(context.pages()).toHaveLength(1);
    expect(watched.problems).toEqual([]);
  });
});
