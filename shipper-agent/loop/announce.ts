/**
 * The loop's start, told: the one line that says what the agent tails and where it sends, and the
 * start-up access check, so a wrong token stops the agent at once rather than at the first batch.
 */

import type { Logger } from '../../lib/log/index.ts';
import type { Sender } from '../delivery/sender.ts';
import type { FileAccessError } from '../errors.ts';
import type { PathPattern } from '../finding/discovery.ts';
import type { ResolvedAgentOptions } from '../options.ts';
import type { AgentState } from '../state/schema.ts';
import { describeFormats } from './resume.ts';

/**
 * Logs `agent started` and checks access in the background: an unreachable ingest is a warning (lines
 * wait in the log file), a refused token (`AuthRejectedError`) goes to `onFatal`.
 */
export function announceStart(
  o: ResolvedAgentOptions,
  patterns: readonly PathPattern[],
  deps: { logger: Logger; sender: Pick<Sender, 'checkAccess'> },
  onFatal: (error: unknown) => void,
): void {
  deps.logger.info('agent started', {
    files: patterns.map((p) => p.pattern),
    endpoint: o.endpoint,
    stateDir: o.stateDir,
    source: o.source,
    format: describeFormats(o),
    batchBytes: o.batchBytes,
    batchAgeMs: o.batchAgeMs,
  });
  void deps.sender.checkAccess().then((unreachable) => {
    if (unreachable)
      deps.logger.warn('cannot reach ingest yet; will keep retrying, lines wait in the log file', {
        endpoint: o.endpoint,
        reason: unreachable,
      });
  }, onFatal);
}

/**
 * The error to stop on at start-up: only when every pattern names a path literally and none can be
 * tailed (a typo, the /dev/stdout trap). With other files working, a broken path is stopped alone and
 * shown in `agent status`.
 */
export function nothingTailable(
  errors: readonly FileAccessError[],
  patterns: readonly PathPattern[],
): FileAccessError | undefined {
  const [problem] = errors;
  return problem && patterns.every((p) => !p.glob) && errors.length === patterns.length ? problem : undefined;
}

/**
 * The stop, with this run's lines shipped (`linesShipped`; the state's total had `shippedBefore` when the
 * run started) and the total over every run (`linesShippedInAll`).
 */
export function announceStop(logger: Logger, state: AgentState, shippedBefore: number): void {
  const linesShippedInAll = state.totals.linesShipped;
  logger.info('agent stopped', { linesShipped: linesShippedInAll - shippedBefore, linesShippedInAll });
}
