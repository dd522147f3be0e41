import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClusterNode } from '../../bundles/grid/cluster/createClusterNode.js';
import type { ClusterNode } from '../../bundles/grid/cluster/clusterNode.js';
import { captureLogger } from '../support/captureLogger.js';
import { waitFor } from '../support/waitFor.js';

// In-process members on 127.0.3.31-.33 (this file only).
let dir: string;
const nodes: ClusterNode[] = [];

/** A CA and one member certificate signed by it (EC keys: quick to make). */
function makeCertificates(d: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: d, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=oxk-test-ca');
  ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'member.key', '-out', 'member.csr', '-subj', '/CN=grid-member');
  ssl('x509', '-req', '-in', 'member.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'member.pem', '-days', '2');
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'oxk-grid-tls-'));
  makeCertificates(dir);
});
after(async () => {
  for (const n of nodes) await n.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('grid TLS', () => {
  it('members with certificates from the CA form a cluster over TLS; a member without TLS is not admitted', async () => {
    const tls = { certificate: join(dir, 'member.pem'), key: join(dir, 'member.key'), ca: join(dir, 'ca.pem') };
    const base = { groupName: 'tls', password: 'pw', join: 'static' as const, staticNodes: '127.0.3.31,127.0.3.32', probeIntervalMs: 300 };
    const first = captureLogger();
    const a = await createClusterNode({ ...base, interfaces: '127.0.3.31', tls }, first.logger);
    nodes.push(a);
    const b = await createClusterNode({ ...base, interfaces: '127.0.3.32', tls }, captureLogger().logger);
    nodes.push(b);
    await waitFor('two TLS members', () => a.view().members.length === 2 && b.view().members.length === 2, 10_000);
    const conn = a.peers.get(b.local.id)!;
    assert.equal((conn.socket as import('node:tls').TLSSocket).encrypted, true);

    const plain = await createClusterNode({ ...base, interfaces: '127.0.3.33' }, captureLogger().logger);
    nodes.push(plain);
    assert.equal(plain.view().members.length, 1, 'the plain member formed its own cluster');
    await waitFor('the TLS member to log the refused plain connection', () => first.lines.some((l) => /grid dropped a connection from 127\.0\.3\.33: TLS handshake failed/.test(l)), 10_000);
    assert.equal(a.view().members.length, 2);
  });
});
