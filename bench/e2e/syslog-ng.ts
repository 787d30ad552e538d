/**
 * The peer baseline: Debian's syslog-ng (syslog-ng-core + syslog-ng-mod-http) tailing the same nginx
 * log and posting it to the same HTTP sink, batched like the agent (1 s or 5,000 lines), with flow
 * control so it slows its reading instead of dropping lines when the sink lags.
 *
 * Tuned for throughput, since its defaults cannot keep up with nginx here: a `file()` source reads
 * log-fetch-limit(100) lines per poll, about 100 lines/s with follow-freq(1); `wildcard-file()` splits
 * log-iw-size across max-files(100), so flow control allows ~1,000 lines per batch round trip. With
 * inotify, max-files(1) and a 100,000-line window it ships everything.
 */
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type ManagedProcess, startProcess } from '../../harness/index.ts';

export async function startSyslogNg(options: {
  dir: string;
  logFile: string;
  sinkUrl: string;
}): Promise<ManagedProcess> {
  const conf = join(options.dir, 'syslog-ng.conf');
  await writeFile(
    conf,
    `@version: 3.38
options { stats-freq(0); log-msg-size(65536); };
source s_nginx {
  wildcard-file(base-dir("${dirname(options.logFile)}") filename-pattern("${basename(options.logFile)}")
                monitor-method("inotify") follow-freq(1) flags(no-parse)
                max-files(1) log-fetch-limit(10000) log-iw-size(100000));
};
destination d_sink {
  http(url("${options.sinkUrl}/syslog-ng") method("POST") body("\${MESSAGE}") delimiter("\\n")
       batch-lines(5000) batch-bytes(4MB) batch-timeout(1000) workers(1) log-fifo-size(200000));
};
log { source(s_nginx); destination(d_sink); flags(flow-control); };
`,
  );
  // -F: foreground without the supervisor, so the PID we hold is the process doing the work.
  return startProcess(
    'syslog-ng',
    'syslog-ng',
    [
      '-F',
      '--no-caps',
      '-f',
      conf,
      '-R',
      join(options.dir, 'syslog-ng.persist'),
      '-p',
      join(options.dir, 'syslog-ng.pid'),
      '-c',
      join(options.dir, 'syslog-ng.ctl'),
    ],
    { logFile: join(options.dir, 'syslog-ng.out') },
  );
}
