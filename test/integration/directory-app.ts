import { DirectoryRoutes } from '../../console/api/directory.routes';
import { DirectoryRepository } from '../../models';
import { DirectoryService } from '../../services/directory/directory.service';
import { startApp, type RunningApp } from '../support/harness';

/**
 * The whole application with the directory API: the one the container wires (`app.directory`), or — until the
 * composition root wires it — a DirectoryService over the app's database, its routes registered on the app's server.
 */
export async function startDirectoryApp(): Promise<{ running: RunningApp; directory: DirectoryService }> {
  const running = await startApp();
  const wired: unknown = Reflect.get(running.app, 'directory');
  if (wired instanceof DirectoryService) return { running, directory: wired };
  const { app } = running;
  const directory = new DirectoryService({ repo: new DirectoryRepository(app.database.db), audit: app.repositories.audit, clock: { now: () => new Date() } });
  new DirectoryRoutes({ sessions: app.sessions, directory }).register(app.server);
  return { running, directory };
}
