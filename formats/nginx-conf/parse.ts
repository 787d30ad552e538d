/**
 * nginx configuration text → a tree of directives, following the rules of nginx's own tokenizer
 * (`ngx_conf_read_token` in src/core/ngx_conf_file.c): words and quoted strings separated by blanks,
 * `;` ends a directive, `{ … }` holds a block, `#` at the start of a word comments to the end of the
 * line, and `\"`, `\'`, `\\`, `\t`, `\r`, `\n` are unescaped in every word. Web standards only: the file
 * reading (and `include`) lives in the agent-side `index.ts` of this folder.
 */
import { ConfigError } from '../../lib/errors/index.ts';

/** One directive: `name arg…;` or `name arg… { block }`. */
export interface NginxDirective {
  name: string;
  args: string[];
  /** 1-based line of the directive's name. */
  line: number;
  file: string;
  block?: NginxDirective[];
}

/** The configuration text cannot be tokenized; the message names the file and line, as nginx does. */
export class NginxConfSyntaxError extends ConfigError {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
  ) {
    super(`${message} in ${file}:${line}`);
  }
}

interface Token {
  kind: 'word' | ';' | '{' | '}';
  text: string;
  line: number;
}

const BLANK = new Set([' ', '\t', '\r', '\n']);

/** Splits configuration text into tokens; quoted strings become words with their escapes resolved. */
export function tokenizeNginxConf(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      i++;
      continue;
    }
    if (BLANK.has(ch)) {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (ch === ';' || ch === '{' || ch === '}') {
      tokens.push({ kind: ch, text: ch, line });
      i++;
      continue;
    }
    const start = line;
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < n && text[j] !== ch) {
        if (text[j] === '\\') j++;
        if (text[j] === '\n') line++;
        j++;
      }
      if (j >= n)
        throw new NginxConfSyntaxError(`unexpected end of file, expecting closing ${ch}`, file, start);
      tokens.push({ kind: 'word', text: unescapeWord(text.slice(i + 1, j)), line: start });
      i = j + 1;
      // nginx insists on a blank, ";" or "{" right after a closing quote.
      const next = text[i];
      if (next !== undefined && !BLANK.has(next) && next !== ';' && next !== '{') {
        throw new NginxConfSyntaxError(`unexpected "${next}" after a quoted string`, file, line);
      }
      continue;
    }
    let j = i;
    while (j < n) {
      const c = text[j]!;
      if (c === '\\') {
        j += 2;
        continue;
      }
      // "${name}" keeps its brace inside a bare word.
      if (c === '{' && text[j - 1] === '$') {
        j++;
        continue;
      }
      if (BLANK.has(c) || c === ';' || c === '{') break;
      j++;
    }
    tokens.push({ kind: 'word', text: unescapeWord(text.slice(i, Math.min(j, n))), line: start });
    i = j;
  }
  return tokens;
}

/** Parses configuration text into directives. Throws {@link NginxConfSyntaxError} with file and line. */
export function parseNginxConf(text: string, file: string): NginxDirective[] {
  const tokens = tokenizeNginxConf(text, file);
  let pos = 0;

  function parseBlock(depth: number, openedAt: number): NginxDirective[] {
    const directives: NginxDirective[] = [];
    for (;;) {
      const token = tokens[pos];
      if (token === undefined) {
        if (depth > 0)
          throw new NginxConfSyntaxError('unexpected end of file, expecting "}"', file, openedAt);
        return directives;
      }
      if (token.kind === '}') {
        if (depth === 0) throw new NginxConfSyntaxError('unexpected "}"', file, token.line);
        pos++;
        return directives;
      }
      if (token.kind !== 'word')
        throw new NginxConfSyntaxError(`unexpected "${token.text}"`, file, token.line);
      const directive: NginxDirective = { name: token.text, args: [], line: token.line, file };
      pos++;
      for (;;) {
        const next = tokens[pos];
        if (next === undefined) {
          throw new NginxConfSyntaxError('unexpected end of file, expecting ";" or "}"', file, token.line);
        }
        pos++;
        if (next.kind === 'word') directive.args.push(next.text);
        else if (next.kind === ';') break;
        else if (next.kind === '{') {
          directive.block = parseBlock(depth + 1, next.line);
          break;
        } else throw new NginxConfSyntaxError('unexpected "}"', file, next.line);
      }
      directives.push(directive);
    }
  }

  return parseBlock(0, 1);
}

/** nginx resolves these escapes in every word, quoted or not; any other `\x` stays as written. */
export function unescapeWord(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== '\\' || i + 1 >= raw.length) {
      out += ch;
      continue;
    }
    const next = raw[i + 1]!;
    if (next === '"' || next === "'" || next === '\\') out += next;
    else if (next === 't') out += '\t';
    else if (next === 'r') out += '\r';
    else if (next === 'n') out += '\n';
    else out += `\\${next}`;
    i++;
  }
  return out;
}
