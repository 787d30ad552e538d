/**
 * The page's calls to its server (dashboard/app.ts). A token given in the page's address as
 * `#token=T` is sent as a bearer token; the fragment never reaches the server's logs.
 */
import type { PanelSpec } from '../../grafana/index.ts';

export interface DashboardConfig {
  lake: string;
  state: 'missing' | 'empty' | 'ready';
  panels: PanelSpec[];
}

export interface PanelResult {
  query: string;
  sql: string;
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  read: { objects: number; bytes: number } | null;
  ms: number;
}

/** An answer other than 200, with the server's message and the SQL when it got that far. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly sql: string | undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function token(): string | undefined {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

async function get<T>(path: string): Promise<T> {
  const bearer = token();
  let response: Response;
  try {
    response = await fetch(path, bearer ? { headers: { Authorization: `Bearer ${bearer}` } } : {});
  } catch (error) {
    throw new ApiError(`the dashboard server does not answer (${(error as Error).message})`, 0, undefined);
  }
  const body = (await response.json().catch(() => ({}))) as { error?: string; sql?: string };
  if (!response.ok) throw new ApiError(body.error ?? `HTTP ${response.status}`, response.status, body.sql);
  return body as T;
}

export const fetchConfig = () => get<DashboardConfig>('/api/config');

export const fetchPanel = (query: string, range: { from: Date; to: Date }) =>
  get<PanelResult>(
    `/api/panels/${encodeURIComponent(query)}?from=${range.from.toISOString()}&to=${range.to.toISOString()}`,
  );
