// The console shell: session (login/logout), header and main navigation, and the router that maps
// /console/… addresses to views. Each section of the nav is one entry of SECTIONS.
import { ApiClient } from './api.js';
import { CatalogView } from './catalog-view.js';
import { focusElement, h, replaceChildren, toast } from './dom.js';
import { messageOf } from './errors.js';
import { ROLE_LABELS, label } from './labels.js';
import { LoginView } from './login.js';
import { confirmDialog } from './modal.js';

const BASE = '/console';
const APP_TITLE = 'Consola Ventanilla';

/**
 * The sections of the main navigation. A later section («Agentes», «Indicadores») is one more entry:
 * `path` is its address prefix, `create(ctx)` returns a view with `show(subpath)`, and optionally
 * `canLeave()` (resolves false to stay, e.g. with unsaved changes).
 */
const SECTIONS = [{ id: 'catalog', path: `${BASE}/catalogo`, label: 'Catálogo de servicios', create: (ctx) => new CatalogView(ctx) }];

class ConsoleApp {
  constructor() {
    this.main = document.getElementById('main');
    this.topbar = document.getElementById('topbar');
    this.nav = document.getElementById('mainnav');
    this.api = new ApiClient({ onUnauthenticated: () => this.sessionEnded() });
    this.user = null;
    this.section = null;
    this.view = null;
    this.currentUrl = location.pathname + location.search;
  }

  async start() {
    document.addEventListener('click', (event) => this.interceptLink(event));
    window.addEventListener('popstate', () => this.onPopState());
    window.addEventListener('beforeunload', (event) => {
      if (this.view?.isDirty?.()) event.preventDefault();
    });
    document.getElementById('logout').addEventListener('click', () => this.logout());
    let user = null;
    try {
      user = await this.api.me();
    } catch (error) {
      this.showLogin(messageOf(error));
      return;
    }
    if (user) this.enter(user, { focusHeading: false });
    else this.showLogin();
  }

  // --- session ------------------------------------------------------------------------------------------
  showLogin(message) {
    this.user = null;
    this.view = null;
    this.section = null;
    this.topbar.hidden = true;
    // A dialog left open by the view that found the session gone has nothing left to act on.
    const modal = document.getElementById('modal');
    if (modal.open) modal.close();
    replaceChildren(modal);
    document.title = `Iniciar sesión — ${APP_TITLE}`;
    const login = new LoginView({ api: this.api, onLoggedIn: (user) => this.enter(user, { focusHeading: true }) });
    replaceChildren(this.main, login.render(message));
    login.focus();
  }

  enter(user, { focusHeading }) {
    this.user = user;
    document.getElementById('session-name').textContent = user.displayName || user.email;
    document.getElementById('session-role').textContent = label(ROLE_LABELS, user.role);
    this.topbar.hidden = false;
    this.route({ focusHeading });
  }

  sessionEnded() {
    if (!this.user) return;
    this.showLogin('Su sesión terminó. Vuelva a iniciar sesión para continuar.');
  }

  async logout() {
    if (this.view?.canLeave && !(await this.view.canLeave())) return;
    try {
      await this.api.logout();
    } catch (error) {
      toast(messageOf(error), 'error');
    }
    history.replaceState(null, '', BASE);
    this.currentUrl = BASE;
    this.showLogin('Cerró su sesión.');
  }

  // --- navigation ---------------------------------------------------------------------------------------
  interceptLink(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || link.hasAttribute('download') || link.target) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || !(url.pathname === BASE || url.pathname.startsWith(`${BASE}/`))) return;
    event.preventDefault();
    this.navigate(url.pathname + url.search);
  }

  /** Goes to `url` inside the console (after asking the current view whether it may be left). */
  async navigate(url, { replace = false, force = false } = {}) {
    if (!force && this.view?.canLeave && !(await this.view.canLeave())) return;
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.currentUrl = url;
    this.route({ focusHeading: true });
  }

  async onPopState() {
    const target = location.pathname + location.search;
    if (this.view?.canLeave && !(await this.view.canLeave())) {
      history.pushState(null, '', this.currentUrl);
      return;
    }
    this.currentUrl = target;
    if (this.user) this.route({ focusHeading: true });
  }

  route({ focusHeading }) {
    const pathname = location.pathname.replace(/\/+$/, '') || BASE;
    if (pathname === BASE) {
      history.replaceState(null, '', SECTIONS[0].path);
      this.currentUrl = SECTIONS[0].path;
      return this.route({ focusHeading });
    }
    const section = SECTIONS.find((s) => pathname === s.path || pathname.startsWith(`${s.path}/`));
    this.renderNav(section);
    if (!section) {
      this.section = null;
      this.view = null;
      document.title = `Página no encontrada — ${APP_TITLE}`;
      const heading = h('h1', { tabindex: '-1' }, 'Página no encontrada');
      replaceChildren(
        this.main,
        h('div', { class: 'page' }, heading, h('p', {}, 'La dirección no corresponde a ninguna sección de la consola. '), h('p', {}, h('a', { href: SECTIONS[0].path }, `Ir a ${SECTIONS[0].label}`))),
      );
      if (focusHeading) focusElement(heading);
      return undefined;
    }
    if (this.section !== section || !this.view) {
      this.section = section;
      this.view = section.create({
        api: this.api,
        user: this.user,
        main: this.main,
        basePath: section.path,
        navigate: (url, options) => this.navigate(url, options),
        setTitle: (title) => {
          document.title = `${title} — ${APP_TITLE}`;
        },
        confirm: confirmDialog,
      });
    }
    const subpath = pathname.slice(section.path.length).replace(/^\//, '');
    return this.view.show(subpath, { focusHeading, search: new URLSearchParams(location.search) });
  }

  renderNav(active) {
    replaceChildren(
      this.nav,
      h(
        'ul',
        { class: 'mainnav__list' },
        SECTIONS.map((s) => h('li', {}, h('a', { href: s.path, class: 'mainnav__link', 'aria-current': s === active ? 'page' : false }, s.label))),
      ),
    );
  }
}

new ConsoleApp().start();
