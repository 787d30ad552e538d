/**
 * Ties the traffic model, the response model and a log format together: each `next()` is one request
 * as nginx would have logged it. Deterministic for a given seed and start time.
 */
import type { LogFormat } from './log-format.ts';
import { createRandom } from './random.ts';
import { createResponseModel, type TrafficResponse } from './responses.ts';
import { createTrafficModel, type TrafficRequest } from './traffic.ts';
import { toVariables } from './variables.ts';

export interface GeneratorOptions {
  /** PRNG seed: the same seed and start give the same lines. */
  seed: number;
  /** Mean requests per second of normal traffic (bursts come on top). */
  rate: number;
  /** Epoch ms of the first request. */
  start: number;
  /** `$host`. Default `shop.example.com`. */
  host?: string;
}

export interface GeneratedRequest {
  request: TrafficRequest;
  /** What the file mode's response model answered; `gen --url` sends only the request. */
  response: TrafficResponse;
}

export interface Generator {
  next(): GeneratedRequest;
  /** The log line for a generated request, without the trailing newline. */
  render(generated: GeneratedRequest, format: LogFormat): string;
}

export function createGenerator(options: GeneratorOptions): Generator {
  const random = createRandom(options.seed);
  const host = options.host ?? 'shop.example.com';
  const traffic = createTrafficModel({
    random,
    rate: options.rate,
    start: options.start,
    origin: `https://${host}`,
  });
  // Its own stream, so adding a response rule never changes which requests are generated.
  const responses = createResponseModel(createRandom(options.seed ^ 0x5bd1e995));
  let connection = 0;
  return {
    next() {
      const request = traffic.next();
      return { request, response: responses.respond(request) };
    },
    render(generated, format) {
      connection++;
      return format.render(toVariables(generated.request, generated.response, { host, connection }));
    },
  };
}
