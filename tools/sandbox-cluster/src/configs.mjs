// Configuration files of the components, rendered from the cluster addresses and paths.
import { COREDNS_IMAGE, INGRESS_CLASS, METRICS_SERVER_IMAGE, PAUSE_IMAGE } from './layout.mjs';

/**
 * A containerd of our own per node, beside dockerd's (which runs with CRI disabled).
 * @param {import('./layout.mjs').Paths} paths
 * @param {import('./layout.mjs').Node} node
 */
export function containerdConfig(paths, node) {
  return `version = 2
root = "${node.containerdRoot}"
state = "${node.containerdState}"
[grpc]
  address = "${node.containerdSocket}"
[plugins."io.containerd.internal.v1.opt"]
  path = "${node.containerdRoot}/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  systemd_cgroup = false
  # This machine withholds CAP_SYS_RESOURCE, so runc cannot lower oom_score_adj (the pod sandbox asks
  # for -998): cap it at containerd's own value instead.
  restrict_oom_score_adj = true
  # Pod network namespaces under our state dir, so teardown finds (and unmounts) exactly ours.
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "/usr/sbin/runc"
        Root = "${node.runcRoot}"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${paths.cniBinDir}"
    conf_dir = "${node.cniConfDir}"
    max_conf_num = 1
  # Registries the kubelet's pulls may use: one <host:port>/hosts.toml each (registryHostsToml).
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "${node.registryHostsDir}"
`;
}

/**
 * containerd's hosts.toml for the sandbox registry: plain HTTP on loopback. The first node's containerd runs on
 * the host network, so 127.0.0.1 is the host's; another node's loopback is its own, so it pulls through the
 * first node's address on the node bridge, which the host forwards to the registry (registryForward in host.mjs).
 * Lives at <registryHostsDir>/<host:port>/hosts.toml; pods name the image `<cluster.registry>/…` on every node.
 * @param {import('./layout.mjs').Cluster} cluster
 * @param {import('./layout.mjs').Node} node
 */
export function registryHostsToml(cluster, node) {
  const reached = node.netns ? `${cluster.nodeIp}:${registryPort(cluster)}` : cluster.registry;
  return `# The sandbox cluster's registry (tools/sandbox-cluster): pull and resolve over plain HTTP.
server = "http://${cluster.registry}"

[host."http://${reached}"]
  capabilities = ["pull", "resolve"]
`;
}

/** The registry's port. @param {import('./layout.mjs').Cluster} cluster */
export const registryPort = (cluster) => Number(cluster.registry.slice(cluster.registry.lastIndexOf(':') + 1));

/**
 * distribution's registry configuration: filesystem storage under the cluster's state, loopback only,
 * deletes allowed (for clean-ups), an access log (every pull is in logs/registry.log).
 * @param {import('./layout.mjs').Paths} paths
 * @param {import('./layout.mjs').Cluster} cluster
 */
export function registryConfig(paths, cluster) {
  return `version: 0.1
log:
  level: info
  formatter: text
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: ${paths.registryData}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: ${cluster.registry}
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
`;
}

/**
 * Bridge networking for the node's pod CIDR; the firewall plugin lets pod traffic past Docker's
 * FORWARD DROP policy. No masquerading: a pod reaches a pod on another node with its own address (the
 * Kubernetes network model, and what NetworkPolicies match on); nothing of a pod's leaves the machine anyway
 * (the guard rules of host.mjs).
 * @param {import('./layout.mjs').Cluster} cluster
 * @param {import('./layout.mjs').Node} node
 */
export function cniConflist(cluster, node) {
  return JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'sandbox-cluster',
      plugins: [
        {
          type: 'bridge',
          bridge: cluster.cniBridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: node.cniIpamDir,
            ranges: [[{ subnet: node.podCidr, gateway: node.podGateway }]],
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
        { type: 'firewall' },
      ],
    },
    null,
    2,
  );
}

/**
 * @param {import('./layout.mjs').Paths} paths
 * @param {import('./layout.mjs').Cluster} cluster
 * @param {import('./layout.mjs').Node} node
 */
export function kubeletConfig(paths, cluster, node) {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${node.ip}
healthzBindAddress: ${node.healthHost}
healthzPort: ${KUBELET_HEALTHZ_PORT}
readOnlyPort: 0
tlsCertFile: ${paths.pki}/kubelet${node.suffix}.crt
tlsPrivateKeyFile: ${paths.pki}/kubelet${node.suffix}.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: ${paths.pki}/ca.crt}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
cgroupRoot: ${node.cgroupRoot}
failCgroupV1: false
containerRuntimeEndpoint: unix://${node.containerdSocket}
podLogsDir: ${node.podLogsDir}
clusterDomain: ${cluster.clusterDomain}
clusterDNS: [${cluster.dnsServiceIp}]
resolvConf: /etc/resolv.conf
failSwapOn: false
rotateCertificates: false
serverTLSBootstrap: false
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
maxPods: 110
podCIDR: ${node.podCidr}
`;
}

export const KUBELET_HEALTHZ_PORT = 10248;
export const KUBE_PROXY_HEALTHZ_PORT = 10256;

/**
 * @param {import('./layout.mjs').Paths} paths
 * @param {import('./layout.mjs').Cluster} cluster
 * @param {import('./layout.mjs').Node} node
 */
export function kubeProxyConfig(paths, cluster, node) {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: ${paths.pki}/kube-proxy${node.suffix}.kubeconfig}
hostnameOverride: ${node.name}
healthzBindAddress: ${node.healthHost}:${KUBE_PROXY_HEALTHZ_PORT}
metricsBindAddress: 127.0.0.1:10249
mode: iptables
clusterCIDR: ${cluster.podCidr}
conntrack:
  maxPerCore: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
`;
}

/** @param {import('./layout.mjs').Paths} paths */
export function schedulerConfig(paths) {
  return `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection: {kubeconfig: ${paths.pki}/kube-scheduler.kubeconfig}
leaderElection: {leaderElect: false}
`;
}

/**
 * No `forward`: names outside the cluster get no answer, so no pod query leaves the machine.
 * @param {import('./layout.mjs').Cluster} cluster
 */
export function corefile(cluster) {
  return `.:53 {
    errors
    health {
        lameduck 5s
    }
    ready
    kubernetes ${cluster.clusterDomain} in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    cache 30
    reload
    loadbalance
}
`;
}

/**
 * Grants applied once the API server is up: the one local-up-cluster gives the API server's kubelet-client
 * identity (logs, exec, port-forward), kube-router's reads (its upstream ClusterRole, less what only its
 * routing and service-proxy parts use), Traefik's, and the IngressClass Traefik serves.
 */
export function clusterRbac() {
  return `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: sandbox-apiserver-kubelet-admin
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:kubelet-api-admin}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: kube-apiserver-kubelet-client}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: sandbox:kube-router}
rules:
- apiGroups: [""]
  resources: [namespaces, pods, services, nodes, endpoints]
  verbs: [get, list, watch]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: sandbox:kube-router}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: sandbox:kube-router}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: system:sandbox:kube-router}
---
# Traefik's Kubernetes Ingress provider: its upstream ClusterRole (docs: kubernetes-ingress RBAC).
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: sandbox:traefik}
rules:
- apiGroups: [""]
  resources: [services, secrets, nodes]
  verbs: [get, list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
- apiGroups: [extensions, networking.k8s.io]
  resources: [ingresses, ingressclasses]
  verbs: [get, list, watch]
- apiGroups: [extensions, networking.k8s.io]
  resources: [ingresses/status]
  verbs: [update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: sandbox:traefik}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: sandbox:traefik}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: system:sandbox:traefik}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: ${INGRESS_CLASS}}
spec: {controller: traefik.io/ingress-controller}
`;
}

/**
 * Where the cluster's own add-ons (CoreDNS, metrics-server) run: the first node, as on a control-plane node, so
 * that draining any other node never takes DNS or the metrics API away. One rule for both manifests.
 * @param {import('./layout.mjs').Cluster} cluster
 */
const addonPlacement = (cluster) => `nodeSelector: {kubernetes.io/hostname: ${cluster.nodeName}}`;

/**
 * metrics-server as its release manifest (v0.9.0 manifests/base) has it, with the locally built image and the
 * kubelets verified against the cluster CA (the kube-root-ca.crt every namespace gets) instead of trusted blindly.
 * @param {import('./layout.mjs').Cluster} cluster
 */
export function metricsServerManifest(cluster) {
  return `apiVersion: v1
kind: ServiceAccount
metadata: {name: metrics-server, namespace: kube-system, labels: {k8s-app: metrics-server}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:aggregated-metrics-reader
  labels:
    k8s-app: metrics-server
    rbac.authorization.k8s.io/aggregate-to-view: "true"
    rbac.authorization.k8s.io/aggregate-to-edit: "true"
    rbac.authorization.k8s.io/aggregate-to-admin: "true"
rules:
- apiGroups: [metrics.k8s.io]
  resources: [pods, nodes]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: system:metrics-server, labels: {k8s-app: metrics-server}}
rules:
- apiGroups: [""]
  resources: [nodes/metrics]
  verbs: [get]
- apiGroups: [""]
  resources: [pods, nodes]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: metrics-server-auth-reader, namespace: kube-system, labels: {k8s-app: metrics-server}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: extension-apiserver-authentication-reader}
subjects:
- {kind: ServiceAccount, name: metrics-server, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "metrics-server:system:auth-delegator", labels: {k8s-app: metrics-server}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:auth-delegator}
subjects:
- {kind: ServiceAccount, name: metrics-server, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: system:metrics-server, labels: {k8s-app: metrics-server}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:metrics-server}
subjects:
- {kind: ServiceAccount, name: metrics-server, namespace: kube-system}
---
apiVersion: v1
kind: Service
metadata: {name: metrics-server, namespace: kube-system, labels: {k8s-app: metrics-server}}
spec:
  selector: {k8s-app: metrics-server}
  ports:
  - {name: https, port: 443, protocol: TCP, targetPort: https, appProtocol: https}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: metrics-server, namespace: kube-system, labels: {k8s-app: metrics-server}}
spec:
  selector:
    matchLabels: {k8s-app: metrics-server}
  strategy:
    rollingUpdate: {maxUnavailable: 0}
  template:
    metadata:
      labels: {k8s-app: metrics-server}
    spec:
      serviceAccountName: metrics-server
      priorityClassName: system-cluster-critical
      ${addonPlacement(cluster)}
      containers:
      - name: metrics-server
        image: ${METRICS_SERVER_IMAGE}
        imagePullPolicy: Never
        args:
        - --cert-dir=/tmp
        - --secure-port=10250
        - --kubelet-preferred-address-types=InternalIP
        - --kubelet-use-node-status-port
        - --kubelet-certificate-authority=/etc/cluster-ca/ca.crt
        # 15 s as upstream: each HPA decision sees fresh usage, the scrape costs little on 2 cores.
        - --metric-resolution=15s
        resources:
          requests: {cpu: 50m, memory: 64Mi}
          limits: {memory: 200Mi}
        ports:
        - {name: https, containerPort: 10250, protocol: TCP}
        readinessProbe:
          httpGet: {path: /readyz, port: https, scheme: HTTPS}
          periodSeconds: 2
          failureThreshold: 3
        livenessProbe:
          httpGet: {path: /livez, port: https, scheme: HTTPS}
          periodSeconds: 10
          failureThreshold: 3
        securityContext:
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          runAsUser: 1000
          allowPrivilegeEscalation: false
          seccompProfile: {type: RuntimeDefault}
          capabilities: {drop: [ALL]}
        volumeMounts:
        - {name: tmp-dir, mountPath: /tmp}
        - {name: cluster-ca, mountPath: /etc/cluster-ca, readOnly: true}
      volumes:
      - name: tmp-dir
        emptyDir: {}
      - name: cluster-ca
        configMap: {name: kube-root-ca.crt}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io, labels: {k8s-app: metrics-server}}
spec:
  service: {name: metrics-server, namespace: kube-system}
  group: metrics.k8s.io
  version: v1beta1
  # As upstream: metrics-server serves a self-signed certificate from --cert-dir.
  insecureSkipTLSVerify: true
  groupPriorityMinimum: 100
  versionPriority: 100
`;
}

/**
 * CoreDNS as in kubernetes' cluster/addons/dns/coredns, with the locally built image.
 * @param {import('./layout.mjs').Cluster} cluster
 */
export function corednsManifest(cluster) {
  const indent = (/** @type {string} */ text, /** @type {number} */ n) =>
    text.trimEnd().split('\n').map((line) => ' '.repeat(n) + line).join('\n');
  return `apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: system:coredns}
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: system:coredns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:coredns}
subjects:
- {kind: ServiceAccount, name: coredns, namespace: kube-system}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
${indent(corefile(cluster), 4)}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
  labels: {k8s-app: kube-dns}
spec:
  replicas: 1
  selector:
    matchLabels: {k8s-app: kube-dns}
  template:
    metadata:
      labels: {k8s-app: kube-dns}
    spec:
      serviceAccountName: coredns
      priorityClassName: system-cluster-critical
      ${addonPlacement(cluster)}
      dnsPolicy: Default
      containers:
      - name: coredns
        image: ${COREDNS_IMAGE}
        imagePullPolicy: Never
        args: [-conf, /etc/coredns/Corefile]
        resources:
          requests: {cpu: 50m, memory: 70Mi}
          limits: {memory: 170Mi}
        ports:
        - {containerPort: 53, name: dns, protocol: UDP}
        - {containerPort: 53, name: dns-tcp, protocol: TCP}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}
        livenessProbe:
          httpGet: {path: /health, port: 8080}
          initialDelaySeconds: 10
          periodSeconds: 10
        readinessProbe:
          httpGet: {path: /ready, port: 8181}
          periodSeconds: 2
        volumeMounts:
        - {name: config, mountPath: /etc/coredns, readOnly: true}
      volumes:
      - name: config
        configMap: {name: coredns}
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns, kubernetes.io/name: CoreDNS}
spec:
  selector: {k8s-app: kube-dns}
  clusterIP: ${cluster.dnsServiceIp}
  ports:
  - {name: dns, port: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, protocol: TCP}
`;
}
