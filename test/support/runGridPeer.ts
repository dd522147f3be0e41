import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GridPeerPlan } from './gridPeer.js';

const script = join(fileURLToPath(new URL('.', import.meta.url)), 'gridPeer.js');

/** What a rogue peer process reported: every JSON line it printed. */
export interface GridPeerRun {
  events: Record<string, unknown>[];
  stderr: string;
  code: number | null;
}

/** Runs `gridPeer.js` with `plan` in its own process and resolves once it exited (killed after `holdMs` + 15 s). */
export function runGridPeer(plan: GridPeerPlan): Promise<GridPeerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), plan.holdMs + 15_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const events = out.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ events, stderr, code });
    });
  });
}

/** A value the rogue peer sends as a Buffer. */
export function bytes(buf: Buffer): { $bytes: string } {
  return { $bytes: buf.toString('hex') };
}
