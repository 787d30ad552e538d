/**
 * Bearer-token check for the agent's POSTs. Several tokens are valid at once so they can be rotated
 * without downtime. Comparison is constant-time: both sides are hashed to fixed-length SHA-256 digests
 * and compared without an early exit, and every configured token is checked, so neither the content nor
 * the length of a token leaks through timing.
 */
import { HttpError } from '../../lib/errors/index.ts';

export class UnauthorizedError extends HttpError {
  constructor(message: string) {
    super(401, message);
  }
}

export class ForbiddenError extends HttpError {
  constructor() {
    super(403, 'token not accepted: check the agent --token against ingest --token / ACCESSLAKE_TOKENS');
  }
}

export interface TokenVerifier {
  /** Throws UnauthorizedError (no or malformed header) or ForbiddenError (unknown token). */
  verify(authorizationHeader: string | undefined): Promise<void>;
}

const encoder = new TextEncoder();

async function digest(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value)));
}

function equalDigests(a: Uint8Array, b: Uint8Array): boolean {
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

export function createTokenVerifier(tokens: readonly string[]): TokenVerifier {
  if (tokens.length === 0) throw new Error('createTokenVerifier: at least one token is required');
  const expected = Promise.all(tokens.map(digest));
  return {
    async verify(header) {
      if (!header)
        throw new UnauthorizedError('missing Authorization header: send "Authorization: Bearer <token>"');
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw new UnauthorizedError('malformed Authorization header: expected "Bearer <token>"');
      const given = await digest(match[1]!);
      let accepted = false;
      for (const candidate of await expected) accepted = equalDigests(given, candidate) || accepted;
      if (!accepted) throw new ForbiddenError();
    },
  };
}
