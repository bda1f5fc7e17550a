#!/usr/bin/env node
// The `lathe` command: runs the TypeScript core directly through tsx (no build step needed).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
