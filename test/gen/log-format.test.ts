import { describe, expect, it } from 'vitest';
import { readNginxConf } from '../../formats/nginx-conf/index.ts';
import { ACCESSLAKE_JSON_FORMAT, compileLogFormat, KNOWN_VARIABLES } from '../../gen/index.ts';
import { ConfigError } from '../../lib/errors/index.ts';

describe('compileLogFormat', () => {
  it('uses exactly the log_format of nginx/accesslake-json.conf for json', async () => {
    const conf = await readNginxConf(new URL('../../nginx/accesslake-json.conf', import.meta.url).pathname);
    const format = conf.formats.get('accesslake_json');
    expect(format?.escape).toBe('json');
    expect(format?.format).toBe(ACCESSLAKE_JSON_FORMAT);
  });

  it('escapes like nginx by default: quotes, backslashes and non-ASCII bytes as \\xHH, unset as -', () => {
    const f = compileLogFormat('"$http_user_agent" "$http_referer" $status', KNOWN_VARIABLES);
    expect(f.render({ http_user_agent: 'a "b" \\ é\n', http_referer: undefined, status: '200' })).toBe(
      '"a \\x22b\\x22 \\x5C \\xC3\\xA9\\x0A" "-" 200',
    );
  });

  it('escapes as JSON with escape=json, unset as empty', () => {
    const f = compileLogFormat('escape=json {"ua":"$http_user_agent","r":"$http_referer"}', KNOWN_VARIABLES);
    const line = f.render({ http_user_agent: 'a "b" \\ é\n\u0001', http_referer: undefined });
    expect(line).toBe('{"ua":"a \\"b\\" \\\\ é\\n\\u0001","r":""}');
    expect(JSON.parse(line)).toEqual({ ua: 'a "b" \\ é\n\u0001', r: '' });
  });

  it('accepts the braced form and is case-insensitive on names', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: nginx's ${name} syntax, not a JS template
    const f = compileLogFormat('${remote_addr}x$STATUS', KNOWN_VARIABLES);
    expect(f.render({ remote_addr: '1.2.3.4', status: '404' })).toBe('1.2.3.4x404');
  });

  it('names a variable it cannot fill', () => {
    expect(() => compileLogFormat('$remote_addr $ssl_cipher', KNOWN_VARIABLES)).toThrow(ConfigError);
    expect(() => compileLogFormat('$remote_addr $ssl_cipher', KNOWN_VARIABLES)).toThrow(/\$ssl_cipher/);
  });

  it('rejects a format without variables, such as a misspelt name', () => {
    expect(() => compileLogFormat('combind', KNOWN_VARIABLES)).toThrow(/use json, combined, main/);
  });
});
