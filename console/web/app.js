// The console shell: session (login/logout), header and main navigation, and the router that maps
// /console/… addresses to views. Each section of the nav is one entry of SECTIONS.
import { AgentDesk } from './agent-desk.js';
import { ATTENTION_ROLES, AgentView } from './agent-view.js';
import { ApiClient } from './api.js';
import { CatalogView } from './catalog-view.js';
import { DIRECTORY_ROLES, DirectoryView } from './directory-view.js';
import { focusElement, h, replaceChildren, toast } from './dom.js';
import { messageOf } from './errors.js';
import { ROLE_LABELS, label } from './labels.js';
import { LoginView } from './login.js';
import { confirmDialog } from './modal.js';
import { REPORT_ROLES, ReportsView } from './reports.js';
import { REQUESTER_ROLES, RequestersView } from './requesters.js';

const BASE = '/console';
const APP_TITLE = 'Consola Ventanilla';
/** The title while queued conversations wait unseen: «(2) Ventanilla — consola». */
const BADGE_TITLE = 'Ventanilla — consola';

/**
 * The sections of the main navigation. A later section («Agentes», «Indicadores») is one more entry:
 * `path` is its address prefix, `create(ctx)` returns a view with `show(subpath)`, and optionally
 * `canLeave()` (resolves false to stay, e.g. with unsaved changes) and `dispose()` (when left).
 * `roles`: who sees it in the navigation (its address still works for everyone, and the view says what is not
 * allowed); `landing`: the roles that start on it.
 */
const SECTIONS = [
  {
    id: 'attention',
    path: `${BASE}/atencion`,
    label: 'Atención',
    roles: ATTENTION_ROLES,
    landing: ['agent'],
    create: (ctx) => new AgentView(ctx),
  },
  {
    id: 'catalog',
    path: `${BASE}/catalogo`,
    label: 'Catálogo de servicios',
    roles: ['coordinator', 'admin', 'resolver'],
    landing: ['coordinator', 'admin', 'resolver'],
    create: (ctx) => new CatalogView(ctx),
  },
  {
    id: 'directory',
    path: `${BASE}/directorio`,
    label: 'Directorio',
    roles: DIRECTORY_ROLES,
    landing: [],
    create: (ctx) => new DirectoryView(ctx),
  },
  {
    id: 'requesters',
    path: `${BASE}/solicitantes`,
    label: 'Solicitantes',
    roles: REQUESTER_ROLES,
    landing: [],
    create: (ctx) => new RequestersView(ctx),
  },
  {
    id: 'reports',
    path: `${BASE}/reportes`,
    label: 'Indicadores',
    roles: REPORT_ROLES,
    landing: [],
    create: (ctx) => new ReportsView(ctx),
  },
];

class ConsoleApp {
  constructor() {
    this.main = document.getElementById('main');
    this.topbar = document.getElementById('topbar');
    this.nav = document.getElementById('mainnav');
    this.api = new ApiClient({ onUnauthenticated: () => this.sessionEnded() });
    this.user = null;
    this.section = null;
    this.view = null;
    this.desk = null;
    this.baseTitle = document.title;
    this.badge = 0;
    this.currentUrl = location.pathname + location.search;
  }

  /** The section a role starts on. */
  landing() {
    const role = this.user?.role;
    return SECTIONS.find((s) => s.landing.includes(role)) ?? SECTIONS.find((s) => s.id === 'catalog');
  }

  setTitle(title) {
    this.baseTitle = title;
    this.applyTitle();
  }

  applyTitle() {
    document.title = this.badge > 0 ? `(${this.badge}) ${BADGE_TITLE}` : this.baseTitle;
  }

  leaveView() {
    this.view?.dispose?.();
    this.view = null;
    this.section = null;
  }

  stopDesk() {
    this.desk?.stop();
    this.desk = null;
    this.badge = 0;
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
    this.leaveView();
    this.stopDesk();
    this.topbar.hidden = true;
    // A dialog left open by the view that found the session gone has nothing left to act on.
    const modal = document.getElementById('modal');
    if (modal.open) modal.close();
    replaceChildren(modal);
    this.setTitle(`Iniciar sesión — ${APP_TITLE}`);
    const login = new LoginView({ api: this.api, onLoggedIn: (user) => this.enter(user, { focusHeading: true }) });
    replaceChildren(this.main, login.render(message));
    login.focus();
  }

  enter(user, { focusHeading }) {
    this.user = user;
    document.getElementById('session-name').textContent = user.displayName || user.email;
    document.getElementById('session-role').textContent = label(ROLE_LABELS, user.role);
    this.topbar.hidden = false;
    // The live channel of the agent console lives as long as the session: alerts reach other sections too.
    this.stopDesk();
    if (ATTENTION_ROLES.includes(user.role)) {
      this.desk = new AgentDesk({
        api: this.api,
        user,
        onSessionEnded: () => this.sessionEnded(),
        onBadge: (n) => {
          this.badge = n;
          this.applyTitle();
        },
      });
      this.desk.start();
    }
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
    const landing = this.landing();
    if (pathname === BASE) {
      history.replaceState(null, '', landing.path);
      this.currentUrl = landing.path;
      return this.route({ focusHeading });
    }
    const section = SECTIONS.find((s) => pathname === s.path || pathname.startsWith(`${s.path}/`));
    this.renderNav(section);
    this.desk?.setViewActive(section?.id === 'attention');
    if (!section) {
      this.leaveView();
      this.setTitle(`Página no encontrada — ${APP_TITLE}`);
      const heading = h('h1', { tabindex: '-1' }, 'Página no encontrada');
      replaceChildren(
        this.main,
        h('div', { class: 'page' }, heading, h('p', {}, 'La dirección no corresponde a ninguna sección de la consola. '), h('p', {}, h('a', { href: landing.path }, `Ir a ${landing.label}`))),
      );
      if (focusHeading) focusElement(heading);
      return undefined;
    }
    if (this.section !== section || !this.view) {
      this.leaveView();
      this.section = section;
      this.view = section.create({
        api: this.api,
        user: this.user,
        main: this.main,
        basePath: section.path,
        desk: this.desk,
        navigate: (url, options) => this.navigate(url, options),
        setTitle: (title) => this.setTitle(`${title} — ${APP_TITLE}`),
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
        SECTIONS.filter((s) => s.roles.includes(this.user?.role)).map((s) =>
          h('li', {}, h('a', { href: s.path, class: 'mainnav__link', 'aria-current': s === active ? 'page' : false }, s.label)),
        ),
      ),
    );
  }
}

new ConsoleApp().start();
