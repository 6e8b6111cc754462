import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Request, Response, Server } from 'restify';
import { errorBody } from '../services/http/api-error';

/** Content-Security-Policy of the console: nothing inline, nothing from another origin, no framing. */
export const CONSOLE_PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** The only names `/console/static/:file` serves: one flat folder, no dots but the extension, no slashes. */
const STATIC_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*\.(?:js|css)$/;
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Third-party browser bundles the console loads, each served from node_modules (no CDN, nothing fetched at run
 * time) under `/console/vendor/<name>`: only the names listed here answer.
 */
const VENDOR_FILES: Record<string, () => string> = {
  'chart.umd.js': () => path.join(packageDir('chart.js'), 'dist', 'chart.umd.js'),
};

/** A package's folder in node_modules (its exports map does not list dist/, so walk up from its main file). */
function packageDir(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** `console/web/`, both when running the TypeScript sources and the compiled `dist/console/`. */
function webDir(): string {
  const candidates = [path.resolve(__dirname, 'web'), path.resolve(__dirname, '..', '..', 'console', 'web')];
  return candidates.find((c) => fs.existsSync(path.join(c, 'index.html'))) ?? (candidates[0] as string);
}

export interface ConsolePageOptions {
  logger: { error(obj: object, msg: string): void };
}

/**
 * The coordinators' console, a browser app of plain ES modules: `GET /console` (and its deep links, such as
 * `/console/catalogo/servicios/CORREO-CONTRASENA`) answer the same page; `GET /console/static/:file` its
 * scripts and styles; `GET /console/vendor/:file` the charting library from node_modules. Everything it shows
 * comes from `/api/…` on this same origin.
 */
export class ConsolePage {
  private readonly logger: ConsolePageOptions['logger'];
  private readonly dir: string;
  /** The files are part of the release: read and hashed once, then served from memory. */
  private readonly files = new Map<string, { body: Buffer; etag: string }>();

  constructor(opts: ConsolePageOptions) {
    if (!opts?.logger) throw new Error('ConsolePage: logger is required');
    this.logger = opts.logger;
    this.dir = webDir();
  }

  register(server: Server): void {
    const page = async (req: Request, res: Response): Promise<void> => this.sendPage(req, res);
    server.get('/console', page);
    server.get('/console/static/:file', async (req: Request, res: Response): Promise<void> => this.sendStatic(req, res));
    server.get('/console/vendor/:file', async (req: Request, res: Response): Promise<void> => this.sendVendor(req, res));
    server.get('/console/*', page);
  }

  private async sendPage(req: Request, res: Response): Promise<void> {
    // A deep link is a path of the app; anything with a dot is a file that does not exist.
    const pathname = (req.getPath?.() ?? req.url ?? '').split('?')[0] ?? '';
    if (pathname.includes('.') || /^\/console\/static(?:\/|$)/.test(pathname)) {
      this.notFound(res);
      return;
    }
    const file = await this.read('index.html', res);
    if (file === null) return;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', CONSOLE_PAGE_CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Frame-Options', 'DENY');
    res.sendRaw(200, file.body);
  }

  private async sendStatic(req: Request, res: Response): Promise<void> {
    const name = String(req.params?.file ?? '');
    if (!STATIC_NAME.test(name)) {
      this.notFound(res);
      return;
    }
    const file = await this.read(name, res);
    if (file === null) return;
    // No version in the names: the browser revalidates every time and gets a 304 while the file is the same.
    const { body, etag } = file;
    res.setHeader('Content-Type', CONTENT_TYPES[path.extname(name)] as string);
    res.setHeader('Content-Security-Policy', CONSOLE_PAGE_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304);
      res.end();
    } else {
      res.sendRaw(200, body);
    }
  }

  /**
   * A vendor bundle (`VENDOR_FILES`): versioned by the lockfile, so the browser may keep it an hour (as the web chat's
   * bundle) and revalidates it by ETag after that.
   */
  private async sendVendor(req: Request, res: Response): Promise<void> {
    const name = String(req.params?.file ?? '');
    const locate = Object.prototype.hasOwnProperty.call(VENDOR_FILES, name) ? VENDOR_FILES[name] : undefined;
    if (!locate) {
      this.notFound(res);
      return;
    }
    let file: { body: Buffer; etag: string } | null;
    try {
      file = await this.read(`vendor/${name}`, res, locate());
    } catch (err) {
      // require.resolve() failed: the package is not installed.
      this.logger.error({ err, file: name }, 'console vendor file missing');
      this.notFound(res);
      return;
    }
    if (file === null) return;
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.setHeader('ETag', file.etag);
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304);
      res.end();
    } else {
      res.sendRaw(200, file.body);
    }
  }

  /** The file's bytes and ETag, or null after answering 404 (missing) or 500 (unreadable). */
  private async read(name: string, res: Response, fullPath = path.join(this.dir, name)): Promise<{ body: Buffer; etag: string } | null> {
    const cached = this.files.get(name);
    if (cached) return cached;
    try {
      const body = await fs.promises.readFile(fullPath);
      const file = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
      this.files.set(name, file);
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.notFound(res);
      } else {
        this.logger.error({ err, file: name }, 'console file unreadable');
        res.send(500, errorBody('InternalError', 'Ocurrió un error interno; ya quedó registrado.'));
      }
      return null;
    }
  }

  private notFound(res: Response): void {
    res.send(404, errorBody('NotFound', 'La ruta solicitada no existe.'));
  }
}
