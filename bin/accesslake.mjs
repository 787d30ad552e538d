#!/usr/bin/env node
// The published entry: registers tsx so the TypeScript sources run as they are, then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { exitQuietlyOnBrokenPipe, main } = await import('../cli/main.ts');
exitQuietlyOnBrokenPipe();
process.exitCode = await main(process.argv.slice(2));
