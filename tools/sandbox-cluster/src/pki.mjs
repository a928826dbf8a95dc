// The cluster's certificate authority, one client or serving certificate per component identity, the
// service-account key pair and the kubeconfigs, generated with openssl into the state directory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The identities the components authenticate as; names follow kubeadm/local-up-cluster. Each node's kubelet has
 * its own (`system:node:<name>`, which the Node authorizer and NodeRestriction tie to that node).
 * @param {import('./layout.mjs').Cluster} cluster
 * @param {import('./layout.mjs').Node[]} nodes
 */
export function certificateRequests(cluster, nodes) {
  return [
    {
      name: 'apiserver',
      subject: '/CN=kube-apiserver',
      altNames: [
        'DNS:kubernetes',
        'DNS:kubernetes.default',
        'DNS:kubernetes.default.svc',
        `DNS:kubernetes.default.svc.${cluster.clusterDomain}`,
        'DNS:localhost',
        'IP:127.0.0.1',
        `IP:${cluster.nodeIp}`,
        `IP:${cluster.apiServiceIp}`,
      ],
    },
    { name: 'admin', subject: '/CN=sandbox-admin/O=system:masters' },
    { name: 'kube-controller-manager', subject: '/CN=system:kube-controller-manager' },
    { name: 'kube-scheduler', subject: '/CN=system:kube-scheduler' },
    // Also the kubelet's serving certificate (signed by the cluster CA, unlike the self-signed one it makes by
    // itself), so metrics-server can verify the kubelets it scrapes.
    ...nodes.map((node) => ({ name: `kubelet${node.suffix}`, subject: `/CN=system:node:${node.name}/O=system:nodes`, altNames: [`DNS:${node.name}`, `IP:${node.ip}`] })),
    { name: 'kube-proxy', subject: '/CN=system:kube-proxy' },
    { name: 'apiserver-kubelet-client', subject: '/CN=kube-apiserver-kubelet-client' },
    { name: 'kube-router', subject: '/CN=system:sandbox:kube-router' },
    { name: 'traefik', subject: '/CN=system:sandbox:traefik' },
    // The API server's identity towards aggregated APIs (metrics-server), from a CA of its own as kubeadm does.
    { name: 'front-proxy-client', subject: '/CN=front-proxy-client', ca: 'front-proxy-ca' },
  ];
}

/** The components that reach the API server with a kubeconfig of their own. */
export const KUBECONFIG_USERS = ['admin', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy', 'kube-router', 'traefik'];
/** Those that run on every node: another node's reach the API server at its own address (Node.apiServer). */
export const NODE_KUBECONFIG_USERS = ['kubelet', 'kube-proxy', 'kube-router'];

/** The certificate authorities: the cluster's, and the front proxy's (which only signs front-proxy-client). */
export const AUTHORITIES = [
  { name: 'ca', subject: '/CN=sandbox-cluster-ca' },
  { name: 'front-proxy-ca', subject: '/CN=sandbox-front-proxy-ca' },
];

/** @param {string[]} args */
function openssl(args) {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Extensions for a leaf certificate: serving certificates (with SANs) may also be used as clients.
 * @param {string[] | undefined} altNames
 */
export function leafExtensions(altNames) {
  const lines = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment'];
  if (altNames?.length) lines.push('extendedKeyUsage=serverAuth,clientAuth', `subjectAltName=${altNames.join(',')}`);
  else lines.push('extendedKeyUsage=clientAuth');
  return lines.join('\n') + '\n';
}

/**
 * @param {string} dir
 * @param {import('./layout.mjs').Cluster} cluster
 * @param {import('./layout.mjs').Node[]} nodes
 * @param {number} days
 */
export function generatePki(dir, cluster, nodes, days = 30) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const at = (/** @type {string} */ file) => join(dir, file);
  for (const authority of AUTHORITIES) {
    openssl(['genrsa', '-out', at(`${authority.name}.key`), '2048']);
    openssl([
      'req', '-x509', '-new', '-key', at(`${authority.name}.key`), '-subj', authority.subject, '-days', String(days), '-out', at(`${authority.name}.crt`),
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    ]);
  }
  for (const { name, subject, altNames, ca = 'ca' } of certificateRequests(cluster, nodes)) {
    openssl(['genrsa', '-out', at(`${name}.key`), '2048']);
    openssl(['req', '-new', '-key', at(`${name}.key`), '-subj', subject, '-out', at(`${name}.csr`)]);
    writeFileSync(at(`${name}.ext`), leafExtensions(altNames));
    openssl([
      'x509', '-req', '-in', at(`${name}.csr`), '-CA', at(`${ca}.crt`), '-CAkey', at(`${ca}.key`), '-CAcreateserial',
      '-days', String(days), '-extfile', at(`${name}.ext`), '-out', at(`${name}.crt`),
    ]);
  }
  openssl(['genrsa', '-out', at('sa.key'), '2048']);
  openssl(['rsa', '-in', at('sa.key'), '-pubout', '-out', at('sa.pub')]);
}

/**
 * A kubeconfig with the CA and the user's certificate embedded.
 * @param {{ server: string, user: string, caPem: string, certPem: string, keyPem: string }} input
 */
export function renderKubeconfig({ server, user, caPem, certPem, keyPem }) {
  const b64 = (/** @type {string} */ pem) => Buffer.from(pem).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: sandbox
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(caPem)}
users:
- name: ${user}
  user:
    client-certificate-data: ${b64(certPem)}
    client-key-data: ${b64(keyPem)}
contexts:
- name: sandbox
  context: {cluster: sandbox, user: ${user}}
current-context: sandbox
`;
}

/**
 * `<user>.kubeconfig` for each of KUBECONFIG_USERS (the first node's reach the API server on loopback), and
 * `<user>.<node>.kubeconfig` for the node components of each other node.
 * @param {string} pkiDir
 * @param {import('./layout.mjs').Node[]} nodes
 */
export function writeKubeconfigs(pkiDir, nodes) {
  const read = (/** @type {string} */ file) => readFileSync(join(pkiDir, file), 'utf8');
  const write = (/** @type {string} */ user, /** @type {string} */ identity, /** @type {string} */ server, /** @type {string} */ file) => {
    const text = renderKubeconfig({ server, user, caPem: read('ca.crt'), certPem: read(`${identity}.crt`), keyPem: read(`${identity}.key`) });
    writeFileSync(join(pkiDir, file), text, { mode: 0o600 });
  };
  const [first, ...others] = nodes;
  for (const user of KUBECONFIG_USERS) write(user, user, first.apiServer, `${user}.kubeconfig`);
  for (const node of others) {
    for (const user of NODE_KUBECONFIG_USERS) write(user, user === 'kubelet' ? `kubelet${node.suffix}` : user, node.apiServer, `${user}${node.suffix}.kubeconfig`);
  }
}
