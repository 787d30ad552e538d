/**
 * The page's files, all served by accesslake itself so the page works offline: the HTML and CSS, the
 * client script (TypeScript in dashboard/client/, bundled once at start-up by esbuild into one IIFE), and
 * uPlot's own browser build and stylesheet from node_modules (https://github.com/leeoniya/uPlot).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface Asset {
  body: string;
  type: string;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const require = createRequire(import.meta.url);

/** Path → file, for every asset the page loads. Bundling takes a few tens of milliseconds. */
export async function loadAssets(): Promise<Map<string, Asset>> {
  // uPlot's main file (dist/uPlot.cjs.js) sits beside its browser build and stylesheet.
  const uplotDir = fileURLToPath(new URL('.', `file://${require.resolve('uplot')}`));
  const bundled = await build({
    entryPoints: [here('./client/main.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: false,
    write: false,
    logLevel: 'silent',
  });
  const js = bundled.outputFiles[0]?.text ?? '';
  return new Map<string, Asset>([
    ['/', { body: await readFile(here('./page.html'), 'utf8'), type: 'text/html; charset=utf-8' }],
    ['/assets/app.js', { body: js, type: 'text/javascript; charset=utf-8' }],
    [
      '/assets/style.css',
      { body: await readFile(here('./client/style.css'), 'utf8'), type: 'text/css; charset=utf-8' },
    ],
    [
      '/assets/uPlot.iife.min.js',
      {
        body: await readFile(`${uplotDir}uPlot.iife.min.js`, 'utf8'),
        type: 'text/javascript; charset=utf-8',
      },
    ],
    [
      '/assets/uPlot.min.css',
      { body: await readFile(`${uplotDir}uPlot.min.css`, 'utf8'), type: 'text/css; charset=utf-8' },
    ],
  ]);
}
