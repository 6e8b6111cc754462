// The console shell: session (login/logout), header and main navigation, and the router that maps
// /console/… addresses to views. Each section of the nav is one entry of SECTIONS; its view module is imported
// (import()) when the section is first shown, so a first load fetches the shell and one section, not every view.
import { AgentDesk } from './agent-desk.js';
import { ApiClient } from './api.js';
import { focusElement, h, replaceChildren, toast } from './dom.js';
import { messageOf } from './errors.js';
import { ROLE_LABELS, label } from './labels.js';
import { LoginView } from './login.js';
import { confirmDialog } from './modal.js';
import { ATTENTION_ROLES, CATALOG_ROLES, DIRECTORY_ROLES, HEALTH_ROLES, QUALITY_ROLES, REPORT_ROLES, REQUESTER_ROLES } from './roles.js';

const BASE = '/console';
const APP_TITLE = 'Consola Ventanilla';
/** The title while queued conversations wait unseen: «(2) Ventanilla — consola». */
const BADGE_TITLE = 'Ventanilla — consola';

/** A month in an address (`?month=YYYY-MM`). */
const MONTH_PARAM = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * The sections of the main navigation. A later section («Agentes», «Indicadores») is one more entry:
 * `path` is its address prefix, `load()` imports its module and resolves to `create(ctx)`, which returns a view with
 * `show(subpath)`, and optionally `canLeave()` (resolves false to stay, e.g. with unsaved changes) and `dispose()`
 * (when left). `roles`: who sees it in the navigation (its address still works for everyone, and the view says what
 * is not allowed); `landing`: the roles that start on it. `early(search)`: the API address the view reads first, which
 * a page load starts fetching at once, beside the session check and the module (the view takes it via `ctx.early`).
 */
const SECTIONS = [
  {
    id: 'attention',
    path: `${BASE}/atencion`,
    label: 'Atención',
    roles: ATTENTION_ROLES,
    landing: ['agent'],
    load: () => import('./agent-view.js').then((m) => (ctx) => new m.AgentView(ctx)),
  },
  {
    id: 'catalog',
    path: `${BASE}/catalogo`,
    label: 'Catálogo de servicios',
    roles: CATALOG_ROLES,
    landing: ['coordinator', 'admin', 'resolver'],
    load: () => import('./catalog-view.js').then((m) => (ctx) => new m.CatalogView(ctx)),
  },
  {
    id: 'directory',
    path: `${BASE}/directorio`,
    label: 'Directorio',
    roles: DIRECTORY_ROLES,
    landing: [],
    load: () => import('./directory-view.js').then((m) => (ctx) => new m.DirectoryView(ctx)),
  },
  {
    id: 'requesters',
    path: `${BASE}/solicitantes`,
    label: 'Solicitantes',
    roles: REQUESTER_ROLES,
    landing: [],
    load: () => import('./requesters.js').then((m) => (ctx) => new m.RequestersView(ctx)),
  },
  {
    id: 'reports',
    path: `${BASE}/reportes`,
    label: 'Indicadores',
    roles: REPORT_ROLES,
    landing: [],
    load: () => import('./reports.js').then((m) => (ctx) => new m.ReportsView(ctx)),
    early: (search) => (MONTH_PARAM.test(search.get('month') ?? '') ? `/api/reports/monthly?month=${search.get('month')}` : null),
  },
  {
    id: 'quality',
    path: `${BASE}/calidad`,
    label: 'Calidad',
    roles: QUALITY_ROLES,
    landing: [],
    load: () => import('./quality.js').then((m) => (ctx) => new m.QualityView(ctx)),
  },
  {
    id: 'health',
    path: `${BASE}/salud`,
    label: 'Salud del sistema',
    roles: HEALTH_ROLES,
    landing: [],
    load: () => import('./health.js').then((m) => (ctx) => new m.HealthView(ctx)),
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
    /** Each section's `create`, once its module is loaded, and the imports under way (by section id). */
    this.factories = new Map();
    this.imports = new Map();
    /** Each routing has a number: a section that finishes loading after the address changed again is not shown. */
    this.routeId = 0;
    /** The first view's first API read, started with the page (`{ url, promise }`), until that view takes it. */
    this.early = null;
  }

  /** The section of an address, or undefined. */
  sectionAt(pathname) {
    const path = pathname.replace(/\/+$/, '') || BASE;
    return SECTIONS.find((s) => path === s.path || path.startsWith(`${s.path}/`));
  }

  /** Imports a section's module once; resolves to its `create(ctx)`. */
  loadSection(section) {
    if (!this.imports.has(section.id)) {
      const loading = section.load().then(
        (create) => {
          this.factories.set(section.id, create);
          return create;
        },
        (error) => {
          // A failed import (network) is tried again the next time the section is shown.
          this.imports.delete(section.id);
          throw error;
        },
      );
      this.imports.set(section.id, loading);
    }
    return this.imports.get(section.id);
  }

  /**
   * The early read of `url`, when the page load started it (once; null otherwise). A 401 (the session ended in between)
   * is asked again the ordinary way, so the console reacts to it as to any other request.
   */
  takeEarly(url) {
    const early = this.early;
    this.early = null;
    if (!early || early.url !== url) return null;
    return early.promise.catch((error) => {
      if (error?.status === 401) return this.api.request('GET', url);
      throw error;
    });
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
    // While the session is checked: fetch the module of the section in the address and the first thing it reads.
    const first = this.sectionAt(location.pathname);
    if (first) {
      this.loadSection(first).catch(() => {});
      const url = first.early?.(new URLSearchParams(location.search));
      if (url) {
        const promise = this.api.request('GET', url, undefined, { quietAuth: true });
        promise.catch(() => {});
        this.early = { url, promise };
      }
    }
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
    this.early = null;
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
    const routeId = ++this.routeId;
    const pathname = location.pathname.replace(/\/+$/, '') || BASE;
    const landing = this.landing();
    if (pathname === BASE) {
      history.replaceState(null, '', landing.path);
      this.currentUrl = landing.path;
      return this.route({ focusHeading });
    }
    const section = this.sectionAt(pathname);
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
      const create = this.factories.get(section.id);
      if (!create) return this.routeWhenLoaded(section, routeId, { focusHeading });
      this.view = create({
        api: this.api,
        user: this.user,
        main: this.main,
        basePath: section.path,
        desk: this.desk,
        navigate: (url, options) => this.navigate(url, options),
        setTitle: (title) => this.setTitle(`${title} — ${APP_TITLE}`),
        confirm: confirmDialog,
        early: (url) => this.takeEarly(url),
      });
    }
    const subpath = pathname.slice(section.path.length).replace(/^\//, '');
    const shown = this.view.show(subpath, { focusHeading, search: new URLSearchParams(location.search) });
    // The view asked for what it reads first (or never will): an early read not taken by now is not used.
    this.early = null;
    return shown;
  }

  /** Shows «Cargando…» while the section's module loads, then routes again (unless the address changed meanwhile). */
  async routeWhenLoaded(section, routeId, { focusHeading }) {
    replaceChildren(this.main, h('p', { class: 'loading', role: 'status' }, 'Cargando…'));
    try {
      await this.loadSection(section);
    } catch {
      if (routeId !== this.routeId || this.section !== section) return undefined;
      const heading = h('h1', { tabindex: '-1' }, section.label);
      replaceChildren(
        this.main,
        h('div', { class: 'page' }, heading, h('div', { role: 'alert' }, h('p', { class: 'notice notice--error' }, 'No se pudo cargar esta sección. Revise su conexión e intente de nuevo.'))),
      );
      if (focusHeading) focusElement(heading);
      return undefined;
    }
    if (routeId !== this.routeId || this.section !== section || !this.user) return undefined;
    return this.route({ focusHeading });
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
