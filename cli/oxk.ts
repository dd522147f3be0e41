#!/usr/bin/env -S node --initial-old-space-size=128
import { buildProgram } from './program.js';

const program = await buildProgram();
await program.parseAsync(process.argv);
