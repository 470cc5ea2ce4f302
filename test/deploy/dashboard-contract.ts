// Read-side functions over deploy/grafana/dlrs-dashboard.json and deploy/README.md's metric
// contract, shared by the observability checks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));

/** A dashboard panel (the fields the checks read). */
export interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; legendFormat?: string }[];
}

/** The dashboard's panels and template variables. */
export interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string }[] };
}

/** deploy/grafana/dlrs-dashboard.json. */
export function dashboard(): Dashboard {
  return JSON.parse(readFileSync(join(DEPLOY, 'grafana/dlrs-dashboard.json'), 'utf8')) as Dashboard;
}

/** Every PromQL expression of every panel, in panel order. */
export function dashboardQueries(): string[] {
  return dashboard().panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}

/** A dashboard query as Prometheus sees it once Grafana has substituted its variables. */
export function substituteVariables(expr: string, rateInterval: string): string {
  return expr.replaceAll('$__rate_interval', rateInterval).replaceAll('$namespace', '.*');
}

/** deploy/README.md's metric table: name → type. */
export function metricContract(): Map<string, string> {
  const readme = readFileSync(join(DEPLOY, 'README.md'), 'utf8');
  return new Map([...readme.matchAll(/^\| `(dlrs_[a-z_]+)` \| (histogram|counter|gauge) \|/gm)].map((m) => [m[1], m[2]]));
}

/** The dlrs metric families an expression reads (histogram series named by their family). */
export function metricNamesIn(expr: string): string[] {
  return [...expr.matchAll(/\b(dlrs_[a-z_]+)/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, ''));
}
