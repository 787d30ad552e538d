/** Shared by the gen tests: N requests from a seeded generator, rendered in a format. */
import {
  compileLogFormat,
  createGenerator,
  type GeneratedRequest,
  KNOWN_VARIABLES,
} from '../../gen/index.ts';

export const START = Date.parse('2025-01-10T14:00:00Z');

export function generateLines(
  format: string,
  count: number,
  options: { seed?: number; rate?: number } = {},
): { lines: string[]; requests: GeneratedRequest[] } {
  const generator = createGenerator({ seed: options.seed ?? 42, rate: options.rate ?? 20, start: START });
  const compiled = compileLogFormat(format, KNOWN_VARIABLES);
  const requests: GeneratedRequest[] = [];
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const generated = generator.next();
    requests.push(generated);
    lines.push(generator.render(generated, compiled));
  }
  return { lines, requests };
}
