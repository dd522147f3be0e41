#!/usr/bin/env node
import { buildProgram } from './program.js';

const program = await buildProgram();
await program.parseAsync(process.argv);
