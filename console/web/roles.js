// Who sees each section in the main navigation. The shell (app.js) needs only these lists to draw the navigation, so
// they live here and the sections' view modules load when a section is first shown. The views import (and re-export)
// their list from here, so the navigation and each view's own check cannot drift apart.

/** «Atención»: the agent console (coordinators and admins supervise it). */
export const ATTENTION_ROLES = ['agent', 'coordinator', 'admin'];
/** «Catálogo de servicios». */
export const CATALOG_ROLES = ['coordinator', 'admin', 'resolver'];
/** «Directorio». */
export const DIRECTORY_ROLES = ['coordinator', 'admin'];
/** «Solicitantes». */
export const REQUESTER_ROLES = ['coordinator', 'admin'];
/** «Indicadores». */
export const REPORT_ROLES = ['coordinator', 'admin'];
/** «Calidad» (agents see their corrective actions). */
export const QUALITY_ROLES = ['coordinator', 'admin', 'agent'];
/** «Salud del sistema» (coordinators read it and note the action; only admins run a check). */
export const HEALTH_ROLES = ['admin', 'coordinator'];
