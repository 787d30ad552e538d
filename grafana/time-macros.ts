/**
 * The named queries' placeholders (docs/architecture.md, "Named-query templates") mapped onto Grafana's
 * time-range variables, so a dashboard panel runs exactly the named query for the picked range and
 * Athena still reads only the hours asked for.
 *
 * `${__from:date:iso}` is ISO-8601 in UTC with milliseconds, the canonical `ts` form. A custom format
 * such as `${__from:date:YYYYMMDDHH}` would be simpler for the hour bounds, but Grafana renders custom
 * formats in the *browser's* time zone ("Uses browser time. Use :date or :date:iso for UTC",
 * https://grafana.com/docs/grafana/latest/visualizations/dashboards/variables/global-variables/), which
 * would shift the partition window by the viewer's UTC offset and silently drop hours. So the hour
 * bounds are computed by Athena from the UTC instant; the expression is constant, so the planner
 * folds it before partition pruning, as it does for the workgroup's relative named queries.
 */

/** Grafana's start of the time range, ISO-8601 UTC with milliseconds. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax, not a JS template
export const FROM_ISO = '${__from:date:iso}';
/** Grafana's end of the time range, ISO-8601 UTC with milliseconds. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax, not a JS template
export const TO_ISO = '${__to:date:iso}';

/** Placeholder (with its quotes, as the templates write it) → Grafana/Trino expression. */
export const GRAFANA_TIME_MACROS: Readonly<Record<string, string>> = {
  from_ts: `'${FROM_ISO}'`,
  to_ts: `'${TO_ISO}'`,
  from_hour: `date_format(from_iso8601_timestamp('${FROM_ISO}'), '%Y%m%d%H')`,
  // The hour of `to` itself: when `to` falls exactly on an hour this reads one more (empty) partition
  // than the query layer's `to - 1 ms`; the `ts < to` filter keeps the rows identical.
  to_hour: `date_format(from_iso8601_timestamp('${TO_ISO}'), '%Y%m%d%H')`,
};

/**
 * A named-query template with its quoted placeholders replaced by {@link GRAFANA_TIME_MACROS}. Throws
 * when a placeholder is unknown or unquoted, so a template change cannot leave `{{…}}` in a panel.
 */
export function toGrafanaSql(template: string): string {
  const sql = template.replace(/'\{\{\s*([a-z_]+)\s*\}\}'/g, (match, key: string) => {
    const expression = GRAFANA_TIME_MACROS[key];
    if (expression === undefined) throw new Error(`no Grafana mapping for placeholder ${match}`);
    return expression;
  });
  const left = /\{\{[^}]*\}\}/.exec(sql);
  if (left) throw new Error(`placeholder ${left[0]} is not quoted as '{{name}}', so it cannot be mapped`);
  return sql;
}
