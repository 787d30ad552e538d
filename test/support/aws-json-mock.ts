/**
 * msw handlers for AWS JSON 1.1 services (Glue, Athena): every call is `POST /` with the operation in
 * `x-amz-target` (`AWSGlue.CreateCrawler`, `AmazonAthena.StartQueryExecution`); errors are JSON with
 * `__type`. A handler answers only its own operation and lets others fall through, so a test can
 * override one call with `server.use(awsOperation(...))`.
 */
import { HttpResponse, http } from 'msw';

export type AwsJsonResolver = (input: Record<string, unknown>) => unknown | Promise<unknown>;

/** A thrown AwsFault becomes the service's error answer. */
export class AwsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function awsOperation(endpoint: string, target: string, resolve: AwsJsonResolver) {
  return http.post(`${endpoint}/`, async ({ request }) => {
    if (request.headers.get('x-amz-target') !== target) return undefined;
    const input = (await request.json()) as Record<string, unknown>;
    try {
      return HttpResponse.json((await resolve(input)) ?? {}, {
        headers: { 'Content-Type': 'application/x-amz-json-1.1' },
      });
    } catch (error) {
      if (!(error instanceof AwsFault)) throw error;
      return HttpResponse.json(
        { __type: error.type, Message: error.message },
        { status: error.status, headers: { 'Content-Type': 'application/x-amz-json-1.1' } },
      );
    }
  });
}

/** The last handler: any operation no handler answered is a test bug, reported as the service would. */
export function unknownOperation(endpoint: string) {
  return http.post(`${endpoint}/`, ({ request }) =>
    HttpResponse.json(
      { __type: 'UnknownOperationException', Message: `unmocked ${request.headers.get('x-amz-target')}` },
      { status: 400 },
    ),
  );
}

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;
