/**
 * The dashboard's HTTP app (`fetch(Request) → Response`, Hono): the page and its assets, and a small
 * read-only JSON API the page calls, one panel at a time:
 *
 * - `GET /api/config` → `{ lake, state, panels }`: the lake as the user named it, its {@link LakeState}
 *   and the panel definitions (grafana/panels.ts, the ones the Grafana dashboard is built from).
 * - `GET /api/panels/<named query>?from=ISO&to=ISO` → `{ query, sql, columns, rows, read, ms }`: the named
 *   query rendered for `[from, to)` by the query layer, run on the engine, with the objects and bytes it
 *   read (query/read-stats.ts) and its time in milliseconds. Errors are `{ error, sql? }` with 400 (a bad
 *   range or name), 404 (no lake folder) or 500 (the query failed, in DuckDB's words).
 * - `GET /healthz` → `ok`.
 *
 * Only GET and HEAD are answered. With `tokens`, every `/api/` call needs `Authorization: Bearer <token>`
 * (the same constant-time check as the ingest); the page and its assets hold no data and stay open.
 */
import { Hono } from 'hono';
import { PANELS } from '../grafana/index.ts';
import { createTokenVerifier } from '../ingest/index.ts';
import { ConfigError, describeError, HttpError } from '../lib/errors/index.ts';
import type { QueryEngine } from '../query/index.ts';
import { isNamedQuery, NAMED_QUERIES, renderNamedQuery } from '../query/index.ts';
import type { Asset } from './assets.ts';
import { type LakeState, lakeState } from './lake-state.ts';

export interface DashboardAppOptions {
  engine: QueryEngine;
  /** The lake folder, absolute, for the state check. */
  lake: string;
  /** The lake as the user named it, for messages (`./lake`). */
  lakeLabel: string;
  /** From {@link loadAssets}. */
  assets: Map<string, Asset>;
  /** Bearer tokens the API accepts; none means no check (only for a loopback listener). */
  tokens?: readonly string[];
  /** Injected in tests. Default: {@link lakeState}. */
  checkLake?: (lake: string) => Promise<LakeState>;
}

export function createDashboardApp(options: DashboardAppOptions): Hono {
  const app = new Hono();
  const checkLake = options.checkLake ?? lakeState;
  const verifier = options.tokens?.length ? createTokenVerifier(options.tokens) : undefined;

  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD')
      return c.json({ error: 'the dashboard is read-only: only GET is answered' }, 405, {
        Allow: 'GET, HEAD',
      });
    await next();
  });
  app.use('/api/*', async (c, next) => {
    if (verifier) {
      try {
        await verifier.verify(c.req.header('Authorization'));
      } catch (error) {
        const status = error instanceof HttpError && error.status === 403 ? 403 : 401;
        return c.json(
          {
            error:
              status === 403
                ? 'token not accepted: open the page with #token=<a dashboard --token>'
                : 'this dashboard needs a token: open the page with #token=<a dashboard --token>',
          },
          status,
        );
      }
    }
    c.header('Cache-Control', 'no-store');
    await next();
  });

  app.get('/healthz', (c) => c.text('ok'));

  app.get('/api/config', async (c) =>
    c.json({ lake: options.lakeLabel, state: await checkLake(options.lake), panels: PANELS }),
  );

  app.get('/api/panels/:query', async (c) => {
    const name = c.req.param('query');
    if (!isNamedQuery(name))
      return c.json(
        { error: `no named query ${JSON.stringify(name)}; the names are: ${NAMED_QUERIES.join(', ')}` },
        400,
      );
    let sql: string;
    try {
      sql = await renderNamedQuery(name, parseRange(c.req.query('from'), c.req.query('to')));
    } catch (error) {
      if (error instanceof ConfigError) return c.json({ error: error.message }, 400);
      throw error;
    }
    if ((await checkLake(options.lake)) === 'missing')
      return c.json({ error: `the lake folder ${options.lakeLabel} does not exist`, sql }, 404);
    const started = performance.now();
    try {
      const result = await options.engine.query(sql);
      return c.json({
        query: name,
        sql,
        columns: result.columns,
        rows: result.rows,
        read: result.read ?? null,
        ms: Math.round(performance.now() - started),
      });
    } catch (error) {
      return c.json({ error: describeError(error), sql }, 500);
    }
  });

  app.get('*', (c) => {
    const asset = options.assets.get(c.req.path);
    if (!asset) return c.text('not found', 404);
    return c.body(asset.body, 200, { 'Content-Type': asset.type });
  });
  return app;
}

/** `from`/`to` as the page sends them: ISO-8601 instants. */
function parseRange(from: string | undefined, to: string | undefined): { from: Date; to: Date } {
  if (!from || !to) throw new ConfigError('give the range as ?from=ISO&to=ISO');
  const range = { from: new Date(from), to: new Date(to) };
  if (Number.isNaN(range.from.getTime()) || Number.isNaN(range.to.getTime()))
    throw new ConfigError(`from=${JSON.stringify(from)}, to=${JSON.stringify(to)}: not ISO-8601 instants`);
  // renderNamedQuery checks from < to.
  return range;
}
