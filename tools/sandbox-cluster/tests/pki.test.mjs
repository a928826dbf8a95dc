import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterAddresses, clusterNodes, clusterPaths } from '../src/layout.mjs';
import { certificateRequests, generatePki, KUBECONFIG_USERS, NODE_KUBECONFIG_USERS, writeKubeconfigs } from '../src/pki.mjs';

const cluster = clusterAddresses();
const nodes = clusterNodes(clusterPaths({ SANDBOX_CLUSTER_STATE: '/tmp/s', SANDBOX_CLUSTER_RUN: '/tmp/r' }), cluster, 2);
let dir = '';
const openssl = (/** @type {string[]} */ args) => execFileSync('openssl', args, { encoding: 'utf8' });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-pki-'));
  generatePki(dir, cluster, nodes, 1);
  writeKubeconfigs(dir, nodes);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generatePki', () => {
  it('signs every component certificate with its CA: the cluster CA, or the front proxy CA for front-proxy-client only', () => {
    for (const { name, ca = 'ca' } of certificateRequests(cluster, nodes)) {
      expect(openssl(['verify', '-CAfile', join(dir, `${ca}.crt`), join(dir, `${name}.crt`)])).toContain(': OK');
    }
    expect(certificateRequests(cluster, nodes).filter((request) => request.ca === 'front-proxy-ca').map((request) => request.name)).toEqual(['front-proxy-client']);
    expect(() => execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'front-proxy-client.crt')], { stdio: 'pipe' })).toThrow();
  });

  it('makes the API server certificate valid for the node IP, the kubernetes Service IP and localhost', () => {
    const text = openssl(['x509', '-in', join(dir, 'apiserver.crt'), '-noout', '-ext', 'subjectAltName']);
    expect(text).toContain(`IP Address:${cluster.nodeIp}`);
    expect(text).toContain(`IP Address:${cluster.apiServiceIp}`);
    expect(text).toContain('IP Address:127.0.0.1');
    expect(text).toContain('DNS:kubernetes.default.svc.cluster.local');
  });

  it('gives the kubelet the node identity the Node authorizer expects', () => {
    const subject = openssl(['x509', '-in', join(dir, 'kubelet.crt'), '-noout', '-subject']);
    expect(subject).toMatch(new RegExp(`CN ?= ?system:node:${cluster.nodeName}`));
    expect(subject).toMatch(/O ?= ?system:nodes/);
  });

  it('makes the kubelet certificate a serving one too, valid for the node name and IP (metrics-server verifies it)', () => {
    const text = openssl(['x509', '-in', join(dir, 'kubelet.crt'), '-noout', '-ext', 'subjectAltName,extendedKeyUsage']);
    expect(text).toContain(`IP Address:${cluster.nodeIp}`);
    expect(text).toContain(`DNS:${cluster.nodeName}`);
    expect(text).toContain('TLS Web Server Authentication');
  });

  it('issues client-only certificates to clients', () => {
    const usage = openssl(['x509', '-in', join(dir, 'kube-proxy.crt'), '-noout', '-ext', 'extendedKeyUsage']);
    expect(usage).toContain('TLS Web Client Authentication');
    expect(usage).not.toContain('Server');
  });

  it('writes a service-account key pair whose public half matches', () => {
    const derived = openssl(['rsa', '-in', join(dir, 'sa.key'), '-pubout']);
    expect(derived.trim()).toBe(readFileSync(join(dir, 'sa.pub'), 'utf8').trim());
  });
});

describe('writeKubeconfigs', () => {
  it('embeds the CA and each user certificate and key', () => {
    for (const user of KUBECONFIG_USERS) {
      const text = readFileSync(join(dir, `${user}.kubeconfig`), 'utf8');
      expect(text).toContain('server: https://127.0.0.1:6443');
      const field = (/** @type {string} */ key) => Buffer.from(text.match(new RegExp(`${key}: (\\S+)`))?.[1] ?? '', 'base64').toString();
      expect(field('certificate-authority-data')).toBe(readFileSync(join(dir, 'ca.crt'), 'utf8'));
      expect(field('client-certificate-data')).toBe(readFileSync(join(dir, `${user}.crt`), 'utf8'));
      expect(field('client-key-data')).toBe(readFileSync(join(dir, `${user}.key`), 'utf8'));
    }
  });

  it("gives another node's kubelet, kube-proxy and kube-router kubeconfigs that reach the API server at the first node's address, the kubelet with that node's identity", () => {
    for (const user of NODE_KUBECONFIG_USERS) {
      const text = readFileSync(join(dir, `${user}.sandbox-node-2.kubeconfig`), 'utf8');
      expect(text).toContain(`server: https://${cluster.nodeIp}:6443`);
      const cert = Buffer.from(text.match(/client-certificate-data: (\S+)/)?.[1] ?? '', 'base64').toString();
      expect(cert).toBe(readFileSync(join(dir, user === 'kubelet' ? 'kubelet.sandbox-node-2.crt' : `${user}.crt`), 'utf8'));
    }
    const subject = openssl(['x509', '-in', join(dir, 'kubelet.sandbox-node-2.crt'), '-noout', '-subject', '-ext', 'subjectAltName']);
    expect(subject).toMatch(/CN ?= ?system:node:sandbox-node-2/);
    expect(subject).toContain('IP Address:10.250.0.2');
  });
});
