#!/usr/bin/env node
import { buildProgram } from './program.js';

// `showruntimestats -c ...` is `oxk stats -c ...`, as Open-Xchange operators know it.
const program = await buildProgram();
await program.parseAsync([process.argv[0], 'oxk', 'stats', ...process.argv.slice(2)]);
