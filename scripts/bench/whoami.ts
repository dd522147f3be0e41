import { type ChildProcess, spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { type BenchRow, median, percentile } from './benchRow.js';
import { cpuMicros } from './procCpu.js';
import { killAll } from '../../test/support/nodeProcess.js';
import { expectOk, SessionClient, usersFile } from '../../test/support/sessionClient.js';
import { sessionNode } from '../../test/support/sessionNodes.js';
import { tempConfig } from '../../test/support/tempConfig.js';
import { waitFor } from '../../test/support/waitFor.js';

// The node on 127.0.32.10, the bare server on 127.0.32.11 (both port 8009).
const NODE = '127.0.32.10';
const BARE = '127.0.32.11';
const ROUTE = 'OXW';
const CONNECTIONS = 16;
const ROUNDS = 5;
/** Seconds per round: autocannon ends a run on its 1 s ticks, so a run is timed, not counted. */
const SECONDS_PER_ROUND = 4;

interface Round { perSecond: number; p50: number; p99: number; cpuPerRequest: number }

/** One autocannon run of `seconds` of GETs with CONNECTIONS keep-alive connections; any answer but 200 fails it. */
async function load(url: string, cookie: string, seconds: number, serverPid: number): Promise<Round> {
  // autocannon's histogram keeps whole milliseconds: the latencies are taken from its response events instead.
  const latencies: number[] = [];
  const t0 = performance.now();
  const cpu0 = cpuMicros(serverPid);
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: { cookie } }, (err, result) => (err ? reject(err) : resolve(result)));
    instance.on('response', (_client, _status, _bytes, ms: number) => latencies.push(ms));
  });
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuMicros(serverPid) - cpu0;
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) throw new Error(`${url}: ${r.non2xx} answers other than 2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  return { perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuPerRequest: cpu / latencies.length };
}

/** A Node HTTP server answering every request with whoami's JSON as a constant: the floor of an HTTP answer in Node. */
function bareServer(body: string): ChildProcess {
  const code = `const b = ${JSON.stringify(body)};
require('http').createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }); res.end(b); })
  .listen(8009, ${JSON.stringify(BARE)}, () => console.log('listening'));`;
  return spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** whoami on one node against a bare Node HTTP server, same client, same cookie, in alternating rounds. */
export async function run(): Promise<BenchRow[]> {
  const config = tempConfig({ 'users.properties': await usersFile({ bench: 'bench-pw' }, 2) });
  let bare: ChildProcess | undefined;
  try {
    const node = sessionNode({ configDir: config.dir, address: NODE, route: ROUTE });
    await node.ready(30_000);
    const client = new SessionClient(`http://${NODE}:8009`);
    expectOk(await client.login('bench', 'bench-pw'), 'login');
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const path = `/ajax/system?action=whoami&session=${client.session}`;
    const answer = expectOk(await client.whoami(), 'whoami');
    bare = bareServer(answer.body);
    const barePid = bare.pid;
    if (barePid === undefined) throw new Error('the bare Node HTTP server did not start');
    let out = '';
    bare.stdout?.on('data', (c: Buffer) => { out += c.toString(); });
    await waitFor('the bare server to listen', () => out.includes('listening'), 10_000);
    const ours = `http://${NODE}:8009${path}`;
    const peer = `http://${BARE}:8009${path}`;
    // Warm-up (JIT, connections) for both, not measured.
    await load(ours, cookie, 1, node.pid);
    await load(peer, cookie, 1, barePid);
    const rounds: { ours: Round; peer: Round; ratio: number }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const p = await load(peer, cookie, SECONDS_PER_ROUND, barePid);
      const o = await load(ours, cookie, SECONDS_PER_ROUND, node.pid);
      rounds.push({ ours: o, peer: p, ratio: o.perSecond / p.perSecond });
    }
    const byRatio = [...rounds].sort((a, b) => a.ratio - b.ratio);
    const mid = byRatio[Math.floor(ROUNDS / 2)];
    const peerName = 'bare node http server, constant answer';
    const note = `one node, ${CONNECTIONS} keep-alive connections (autocannon), ${SECONDS_PER_ROUND} s per round with the session's cookies; median of ${ROUNDS} rounds by ratio (${byRatio[0].ratio.toFixed(2)}-${byRatio[ROUNDS - 1].ratio.toFixed(2)})`;
    return [
      { name: 'whoami throughput', value: mid.ours.perSecond, unit: 'req/s', peer: peerName, peerValue: mid.peer.perSecond, note },
      {
        name: 'whoami p99', value: median(rounds.map((r) => r.ours.p99)), unit: 'ms', peer: peerName, peerValue: median(rounds.map((r) => r.peer.p99)),
        note: `medians of the rounds; p50 ${median(rounds.map((r) => r.ours.p50)).toFixed(2)} ms, peer ${median(rounds.map((r) => r.peer.p50)).toFixed(2)} ms`,
      },
      {
        name: 'whoami CPU per request', value: median(rounds.map((r) => r.ours.cpuPerRequest)), unit: 'us', peer: peerName, peerValue: median(rounds.map((r) => r.peer.cpuPerRequest)),
        note: 'server process user + system time over the answered requests, medians of the rounds: less sensitive to a busy machine than throughput, where the client shares the cores',
      },
    ];
  } finally {
    bare?.kill('SIGKILL');
    await killAll();
    config.remove();
  }
}
