// «Calidad»: the monthly protocol-quality review of seeds 001 (stage 2) and 004 (stage 4) — a random sample of the
// month's conversations and calls, each checked against the attention protocol (the automatic pre-checks confirmed or
// overridden by a reviewer), tabulated by kind of non-compliance, agent and channel, sent to the coordinator who
// approves or returns it, and the corrective actions with their follow-up — plus the weekly summary per agent of seed
// 000 step 09. Agents see only their own corrective actions here.
//
// Addresses under /console/calidad: `` (reviews and «Nueva muestra»), `acciones` (corrective actions), `semanal?week=`
// (weekly summary), `YYYY-MM` (one review), `YYYY-MM/elementos/<id>` (one sampled item).
import { focusElement, h, replaceChildren, tabList } from './dom.js';
import { QUALITY_ROLES, REVIEWERS, errorNotice } from './quality-format.js';
import { ActionsPage, MyActionsPage } from './quality-actions.js';
import { ItemPage } from './quality-item.js';
import { ReviewListPage } from './quality-list.js';
import { ReviewPage } from './quality-review.js';
import { WeeklyPage } from './quality-weekly.js';

export { QUALITY_ROLES };

const TABS = [
  { sub: '', label: 'Revisiones mensuales', match: (s) => s === '' || /^\d{4}-\d{2}(\/|$)/.test(s) },
  { sub: 'acciones', label: 'Acciones correctivas' },
  { sub: 'semanal', label: 'Resumen semanal por agente' },
];
const ITEM = /^(\d{4}-\d{2})\/elementos\/([0-9a-f-]{36})$/i;

export class QualityView {
  constructor(ctx) {
    this.ctx = ctx;
    /** The page on screen (it may have unsaved changes). */
    this.page = null;
  }

  /** Reviewers use the whole section; agents only their corrective actions. */
  get reviewer() {
    return REVIEWERS.includes(this.ctx.user?.role);
  }

  async show(subpath, { focusHeading, search }) {
    this.page?.dispose?.();
    const content = h('div', { class: 'quality__content' });
    const sub = subpath.replace(/\/+$/, '');
    const root = h('div', { class: 'page quality' });
    replaceChildren(this.ctx.main, root);
    if (!QUALITY_ROLES.includes(this.ctx.user?.role)) {
      this.ctx.setTitle('Calidad');
      const heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Calidad');
      replaceChildren(root, heading, h('div', { role: 'alert' }, errorNotice('Su cuenta no tiene permiso para ver la revisión de calidad.')));
      if (focusHeading) focusElement(heading);
      return;
    }
    if (!this.reviewer) {
      this.page = new MyActionsPage(this.ctx);
      replaceChildren(root, content);
      await this.page.render(content, { focusHeading });
      return;
    }
    replaceChildren(root, h('nav', { class: 'tabs quality__tabs', 'aria-label': 'Partes de Calidad' }, tabList(TABS, sub, (s) => (s ? `${this.ctx.basePath}/${s}` : this.ctx.basePath))), content);
    const item = ITEM.exec(sub);
    if (sub === '') this.page = new ReviewListPage(this.ctx);
    else if (sub === 'acciones') this.page = new ActionsPage(this.ctx);
    else if (sub === 'semanal') this.page = new WeeklyPage(this.ctx);
    else if (/^\d{4}-\d{2}$/.test(sub)) this.page = new ReviewPage(this.ctx, sub);
    else if (item) this.page = new ItemPage(this.ctx, item[1], item[2].toLowerCase());
    else {
      this.page = null;
      this.ctx.setTitle('Calidad');
      const heading = h('h1', { class: 'page__title', tabindex: '-1' }, 'Página no encontrada');
      replaceChildren(content, heading, h('p', {}, 'La dirección no corresponde a ninguna parte de «Calidad». '), h('p', {}, h('a', { href: this.ctx.basePath }, 'Ir a las revisiones mensuales')));
      if (focusHeading) focusElement(heading);
      return;
    }
    await this.page.render(content, { focusHeading, search });
  }

  /** Asks before leaving a sampled item with unsaved verdicts. */
  async canLeave() {
    if (!this.page?.isDirty?.()) return true;
    return this.ctx.confirm({
      title: 'Cambios sin guardar',
      message: 'La revisión de este elemento tiene cambios sin guardar. ¿Salir sin guardarlos?',
      confirmLabel: 'Salir sin guardar',
      danger: true,
    });
  }

  isDirty() {
    return Boolean(this.page?.isDirty?.());
  }

  dispose() {
    this.page?.dispose?.();
    this.page = null;
  }
}
