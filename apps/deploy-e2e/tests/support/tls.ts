import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type Target } from './cluster.js';

/** A test certificate authority and a server certificate it signed, as PEM files in one folder. */
export interface TestTls {
  ca: string;
  cert: string;
  key: string;
}

/**
 * Makes a test CA and a certificate for `host` signed by it (openssl, EC P-256, valid 2 days), in `dir`: what
 * cert-manager would issue, for a `kubernetes.io/tls` Secret. Clients trust the CA alone, so a pass proves the
 * Ingress serves this certificate.
 */
export function makeTestTls(target: Target, dir: string, host: string): TestTls {
  const file = (name: string) => join(dir, name);
  const openssl = (args: string[]) => run(target, 'openssl', args);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '2', '-subj', '/CN=deploy-e2e test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', ...ec, '-keyout', file('tls.key'), '-out', file('tls.csr'), '-subj', `/CN=${host}`]);
  writeFileSync(file('tls.ext'), `subjectAltName=DNS:${host}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n`);
  openssl(['x509', '-req', '-in', file('tls.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('tls.ext'), '-out', file('tls.crt')]);
  return { ca: file('ca.crt'), cert: file('tls.crt'), key: file('tls.key') };
}

/** A fetch that trusts a test CA, and how to close its connections. */
export interface TrustingFetch {
  fetch: typeof fetch;
  close(): Promise<void>;
}

/**
 * A fetch that trusts the CA in `caFile` alone: undici's, with an Agent of its own. Loading the undici package
 * installs its Agent as the process's global dispatcher, the one Node's own fetch then uses, when none is set
 * yet (undici lib/global.js). So Node's fetch first sets its own, and the package is loaded only here: every
 * other request of the suites stays on Node's own client.
 */
export async function fetchTrusting(caFile: string): Promise<TrustingFetch> {
  await fetch('data:,');
  const { Agent, fetch: undiciFetch } = await import('undici');
  const dispatcher = new Agent({ connect: { ca: readFileSync(caFile) } });
  const trusting = (input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher });
  return { fetch: trusting as unknown as typeof fetch, close: () => dispatcher.close() };
}
