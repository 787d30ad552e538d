/** `npm run docs:options`: rewrites the options tables in docs/configuration.md from cli/options. */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderOptionsDocs } from './index.ts';

const file = new URL('../../docs/configuration.md', import.meta.url);
writeFileSync(file, renderOptionsDocs(readFileSync(file, 'utf8')));
