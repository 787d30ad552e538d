/**
 * Answers for requests Node's HTTP parser refuses before the app sees them (server 'clientError'):
 * the status Node would send, with a JSON body naming what was wrong, since Node's own answer has an
 * empty body. Node HTTP docs, "Event: 'clientError'": there is no response object, so the answer is
 * written to the socket as raw HTTP/1.1, and only while no response on that socket has started.
 */
import { maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';

interface ClientError extends Error {
  code?: string;
}

/** A socket as Node's HTTP server hands it over: the response it is writing, if any. */
type ServerSocket = Duplex & { _httpMessage?: { headersSent?: boolean } | null };

/** The status and reason for a parser error code (the statuses Node's default handler sends). */
export function clientErrorAnswer(error: ClientError): { status: number; reason: string; error: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        error: `request headers are larger than ${maxHeaderSize} bytes (Node's --max-http-header-size): nothing was read`,
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        error: 'request headers not received within the header timeout: nothing was read',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return {
        status: 413,
        reason: 'Content Too Large',
        error: 'chunk extensions too large: nothing was read',
      };
    default:
      return {
        status: 400,
        reason: 'Bad Request',
        error: `malformed HTTP request (${error.code ?? error.message}): nothing was read`,
      };
  }
}

/** The 'clientError' listener: writes the answer and closes the connection. */
export function answerClientError(error: ClientError, socket: ServerSocket): void {
  // A reset connection has nobody to answer; a response already started cannot be followed by another.
  if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const { status, reason, error: message } = clientErrorAnswer(error);
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
