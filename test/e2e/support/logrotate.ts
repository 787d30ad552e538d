/**
 * Real logrotate with its own config and state file (`-s`), forced (`-f`) so it rotates now. Two ways,
 * as production configs do it:
 * - `rename`: access.log → access.log.1 (older ones shift up), then `postrotate kill -USR1 <master pid>`
 *   makes nginx reopen a fresh access.log. Lines written between the two land in the renamed file.
 * - `create`: as `rename`, but logrotate creates the new, empty access.log itself before the USR1.
 * - `copytruncate`: copies access.log to access.log.1, then truncates access.log in place. Lines nginx
 *   writes between the copy and the truncate are in neither file: logrotate's documented window.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type RotationMode = 'rename' | 'create' | 'copytruncate';

export interface RotateOptions {
  logFile: string;
  mode: RotationMode;
  nginxPid: number;
  /** Folder for the generated config and logrotate's state file. */
  dir: string;
}

export async function rotateWithLogrotate(options: RotateOptions): Promise<void> {
  const conf = join(options.dir, `logrotate-${options.mode}.conf`);
  const reopen = `  postrotate\n    kill -USR1 ${options.nginxPid}\n  endscript\n`;
  const body =
    options.mode === 'copytruncate'
      ? '  copytruncate\n'
      : `${options.mode === 'create' ? '  create\n' : ''}${reopen}`;
  // nocompress: the agent must be able to finish a rotated file; delaycompress setups compress a file
  // only one rotation later, which this test's two renames would reach.
  await writeFile(
    conf,
    `${options.logFile} {\n  rotate 20\n  nocompress\n  missingok\n  notifempty\n${body}}\n`,
  );
  const state = join(options.dir, 'logrotate.state');
  await new Promise<void>((resolve, reject) => {
    const child = spawn('logrotate', ['-f', '-s', state, conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`logrotate (${options.mode}) exited with ${code}: ${stderr}`));
    });
  });
}
