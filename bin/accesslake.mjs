#!/usr/bin/env node
// The published entry: registers tsx so the TypeScript sources run as they are, then hands over to the CLI.
import { register } from 'tsx/esm/api';

// Node 20 is supported (README): the AWS SDK's seven-line NodeVersionSupportWarning on every S3, Glue
// or Athena command says nothing a user of this CLI can act on. Set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
const { exitQuietlyOnBrokenPipe, main } = await import('../cli/index.ts');
exitQuietlyOnBrokenPipe();
process.exitCode = await main(process.argv.slice(2));
