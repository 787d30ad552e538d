/**
 * The dashboard panels, one spec per panel (`PANELS`: title, named query, kind, unit; panels.ts), shared
 * by the Grafana dashboard this module builds (`npm run grafana:dashboard`, build-dashboard.ts →
 * grafana/dashboards/) and the built-in web dashboard (dashboard/), whose browser client imports it.
 *
 * This index is web-standard on purpose (no node: imports): the browser bundle of dashboard/client/
 * goes through it. The Grafana JSON builder (dashboard.ts) reads the .sql files and stays internal.
 */
export { type Headline, PANELS, type PanelSpec } from './panels.ts';
