/** `npm run docs:options`: rewrites the generated options tables in the docs from cli/options. */
import { readFileSync, writeFileSync } from 'node:fs';
import { OPTIONS_DOCS, renderOptionsDocs } from './index.ts';

for (const path of OPTIONS_DOCS) {
  const file = new URL(`../../${path}`, import.meta.url);
  writeFileSync(file, renderOptionsDocs(readFileSync(file, 'utf8'), path === 'docs/configuration.md'));
}
