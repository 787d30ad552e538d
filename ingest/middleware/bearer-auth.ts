/**
 * Bearer-token middleware for the batch route, shaped like hono's `hono/bearer-auth` but answering as the
 * wire protocol says (docs/wire-protocol.md): 401 for a missing or malformed `Authorization` header, 403
 * for a token that is not accepted, each thrown as an `HttpError` that the app's one error handler turns
 * into `{ "error": "…" }` (and logs as a warning). hono's own middleware answers 401 for an unknown token
 * and 400 for a malformed header, with a `WWW-Authenticate` challenge, which deployed agents read
 * differently (403 stops an agent at start-up with "check the token"), so it does not fit here.
 */
import type { MiddlewareHandler } from 'hono';
import { WIRE_HEADERS } from '../../wire/index.ts';
import type { TokenVerifier } from '../auth/bearer-tokens.ts';

/** Lets the request through only with an accepted token; throws `UnauthorizedError` (401) or `ForbiddenError` (403). */
export function bearerAuth(verifier: TokenVerifier): MiddlewareHandler {
  return async function bearerAuth(c, next) {
    await verifier.verify(c.req.header(WIRE_HEADERS.authorization));
    await next();
  };
}
