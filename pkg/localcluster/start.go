package localcluster

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/plinth-dev/plinth/internal/loopback"
)

// serviceCIDR is the cluster's Service range; its first address is the
// kubernetes Service.
const serviceCIDR = "10.96.0.0/16"

// kwokAnnotation marks the nodes kwok manages.
const kwokAnnotation = "kwok.x-k8s.io/node"

// startCluster starts etcd, the API server, the controllers and kwok on
// fresh loopback ports, registers the fake nodes and waits until they are
// Ready.
func startCluster(ctx context.Context, o Options) (*Cluster, error) {
	dir := o.StateDir
	for _, sub := range []string{"pki", "logs", "pids", "etcd"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	ports := map[string]int{}
	for _, name := range []string{"etcd-client", "etcd-peer", "apiserver", "kwok"} {
		p, err := loopback.FreePort()
		if err != nil {
			return nil, err
		}
		ports[name] = p
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", ports["apiserver"])

	p, err := issuePKI(dir, server)
	if err != nil {
		return nil, err
	}

	c, err := newCluster(dir)
	if err != nil {
		return nil, err
	}
	if err := c.spawnEtcdAndAPIServer(o.BinDir, p, ports); err != nil {
		return nil, err
	}
	if err := c.waitReady(ctx); err != nil {
		return nil, fmt.Errorf("%w (logs: %s)", err, filepath.Join(dir, "logs"))
	}
	if err := c.spawnControllers(o.BinDir, p); err != nil {
		return nil, err
	}
	if err := c.spawnKwok(o.BinDir, ports["kwok"]); err != nil {
		return nil, err
	}
	if err := c.createNodes(ctx, o); err != nil {
		return nil, err
	}
	if err := c.waitNodesReady(ctx); err != nil {
		return nil, fmt.Errorf("%w (logs: %s)", err, filepath.Join(dir, "logs"))
	}
	return c, nil
}

// issuePKI creates the cluster's CA and certificates: the API server's
// (for loopback and the kubernetes Service), a client certificate and
// kubeconfig for the admin, each controller and kwok, and the service
// account signing key.
func issuePKI(dir, server string) (*pki, error) {
	p, err := newPKI(filepath.Join(dir, "pki"))
	if err != nil {
		return nil, err
	}
	loopback := []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")}
	certs := []struct {
		name, cn string
		groups   []string
	}{
		{"admin", "plinth-admin", []string{"system:masters"}},
		{"controller-manager", "system:kube-controller-manager", nil},
		{"scheduler", "system:kube-scheduler", nil},
		{"kwok", "plinth-kwok", []string{"system:masters"}},
	}
	if err := p.issue("apiserver", "kube-apiserver", nil, loopback,
		[]string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"}, true); err != nil {
		return nil, err
	}
	for _, c := range certs {
		if err := p.issue(c.name, c.cn, c.groups, nil, nil, false); err != nil {
			return nil, err
		}
		if err := writeKubeconfig(p, filepath.Join(dir, c.name+".kubeconfig"), server, c.name); err != nil {
			return nil, err
		}
	}
	if err := p.serviceAccountKey(); err != nil {
		return nil, err
	}
	return p, nil
}

// spawnEtcdAndAPIServer starts etcd (no fsync: a throwaway cluster) and
// the API server on the loopback ports given, RBAC and Pod Security on.
func (c *Cluster) spawnEtcdAndAPIServer(binDir string, p *pki, ports map[string]int) error {
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", ports["etcd-client"])
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", ports["etcd-peer"])
	if err := c.spawn(binDir, "etcd",
		"--name=plinth", "--data-dir="+filepath.Join(c.StateDir, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=plinth="+peerURL,
		// A throwaway cluster: durability on every write is not needed and
		// fsync dominates its latency.
		"--unsafe-no-fsync", "--log-level=warn",
	); err != nil {
		return err
	}
	if err := c.spawn(binDir, "kube-apiserver",
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(ports["apiserver"]),
		"--cert-dir="+filepath.Join(c.StateDir, "pki"),
		"--tls-cert-file="+p.path("apiserver.crt"), "--tls-private-key-file="+p.path("apiserver.key"),
		"--client-ca-file="+p.path("ca.crt"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+p.path("sa.key"),
		"--service-account-signing-key-file="+p.path("sa.key"),
		"--service-cluster-ip-range="+serviceCIDR,
		"--authorization-mode=RBAC",
		"--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,DefaultStorageClass,ResourceQuota,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy",
		"--allow-privileged=false",
		"--profiling=false",
	); err != nil {
		return err
	}
	return nil
}

// spawnControllers starts the controller manager (the controllers a
// cluster without cloud or volumes needs, tuned for fake nodes and
// loopback) and the scheduler.
func (c *Cluster) spawnControllers(binDir string, p *pki) error {
	if err := c.spawn(binDir, "kube-controller-manager",
		"--kubeconfig="+filepath.Join(c.StateDir, "controller-manager.kubeconfig"),
		"--authentication-kubeconfig="+filepath.Join(c.StateDir, "controller-manager.kubeconfig"),
		"--authorization-kubeconfig="+filepath.Join(c.StateDir, "controller-manager.kubeconfig"),
		"--controllers=*,-nodeipam,-service-lb-controller,-route,-cloud-node-lifecycle,-persistentvolume-binder,-attachdetach,-persistentvolume-expander",
		"--leader-elect=false",
		"--bind-address=127.0.0.1", "--secure-port=0",
		"--use-service-account-credentials=true",
		"--service-account-private-key-file="+p.path("sa.key"),
		"--root-ca-file="+p.path("ca.crt"),
		"--cluster-signing-cert-file="+p.path("ca.crt"), "--cluster-signing-key-file="+p.path("ca.key"),
		// The HPA controller has no metrics API here; poll it rarely.
		"--horizontal-pod-autoscaler-sync-period=5s",
		// kwok's nodes come back after an API server outage, but it never
		// marks ready again the pods the node lifecycle controller marked
		// NotReady meanwhile (a kubelet would): past the default 50 s
		// grace, every pod stayed NotReady until deleted. Five minutes
		// covers any outage the fault tests make; a node's failure means
		// nothing on fake nodes.
		"--node-monitor-grace-period=5m",
		"--concurrent-deployment-syncs=10", "--concurrent-replicaset-syncs=10",
		// The controllers' client limit (20/s, burst 30, by default)
		// paced every rollout and namespace deletion at 50 apps: Helm's
		// install took 29.9 s with it and 9.7 s without. On loopback
		// the API server's own priority and fairness is the limit.
		"--kube-api-qps=500", "--kube-api-burst=1000",
	); err != nil {
		return err
	}
	if err := c.spawn(binDir, "kube-scheduler",
		"--kubeconfig="+filepath.Join(c.StateDir, "scheduler.kubeconfig"),
		"--authentication-kubeconfig="+filepath.Join(c.StateDir, "scheduler.kubeconfig"),
		"--authorization-kubeconfig="+filepath.Join(c.StateDir, "scheduler.kubeconfig"),
		"--leader-elect=false",
		"--bind-address=127.0.0.1", "--secure-port=0",
	); err != nil {
		return err
	}
	return nil
}

// spawnKwok starts kwok, which runs the pods of the nodes annotated as
// fake and heartbeats for them through node Leases.
func (c *Cluster) spawnKwok(binDir string, port int) error {
	if err := c.spawn(binDir, "kwok",
		"--kubeconfig="+filepath.Join(c.StateDir, "kwok.kubeconfig"),
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector="+kwokAnnotation+"=fake",
		"--server-address=127.0.0.1:"+strconv.Itoa(port),
		// Heartbeat through node Leases, as kubelets do. Without this flag
		// kwok refreshes node status only every 20-45 s (its default
		// node-heartbeat stage), so the node lifecycle controller's 50 s
		// grace period lapses under load: every node flips NotReady, its
		// pods are marked unready, and rollouts stall.
		"--node-lease-duration-seconds=40",
	); err != nil {
		return err
	}
	return nil
}

// writeKubeconfig writes a kubeconfig for the client certificate name.
func writeKubeconfig(p *pki, path, server, name string) error {
	ca, err := p.read("ca.crt")
	if err != nil {
		return err
	}
	crt, err := p.read(name + ".crt")
	if err != nil {
		return err
	}
	key, err := p.read(name + ".key")
	if err != nil {
		return err
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["plinth-local"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{ClientCertificateData: crt, ClientKeyData: key}
	cfg.Contexts["plinth-local"] = &clientcmdapi.Context{Cluster: "plinth-local", AuthInfo: name}
	cfg.CurrentContext = "plinth-local"
	return clientcmd.WriteToFile(*cfg, path)
}

// createNodes registers the fake nodes kwok manages, labelled with their
// zone and host name like cloud nodes.
func (c *Cluster) createNodes(ctx context.Context, o Options) error {
	for _, zone := range o.Zones {
		for i := 0; i < o.NodesPerZone; i++ {
			name := fmt.Sprintf("node-%s-%d", strings.TrimPrefix(zone, "local-"), i)
			node := &corev1.Node{
				ObjectMeta: metav1.ObjectMeta{
					Name:        name,
					Annotations: map[string]string{kwokAnnotation: "fake", "node.alpha.kubernetes.io/ttl": "0"},
					Labels: map[string]string{
						"kubernetes.io/hostname":           name,
						"kubernetes.io/os":                 "linux",
						"kubernetes.io/arch":               "amd64",
						"topology.kubernetes.io/zone":      zone,
						"topology.kubernetes.io/region":    "local",
						"node.kubernetes.io/instance-type": "kwok",
						"type":                             "kwok",
					},
				},
				Status: corev1.NodeStatus{
					Capacity:    nodeResources(),
					Allocatable: nodeResources(),
					NodeInfo:    corev1.NodeSystemInfo{Architecture: "amd64", OperatingSystem: "linux", KubeletVersion: "fake"},
				},
			}
			if _, err := c.Client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
				return fmt.Errorf("create node %s: %w", name, err)
			}
		}
	}
	return nil
}

func nodeResources() corev1.ResourceList {
	return corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse("32"),
		corev1.ResourceMemory:           resource.MustParse("128Gi"),
		corev1.ResourcePods:             resource.MustParse("110"),
		corev1.ResourceEphemeralStorage: resource.MustParse("200Gi"),
	}
}

// waitNodesReady waits until kwok reports every node Ready.
func (c *Cluster) waitNodesReady(ctx context.Context) error {
	ready := 0
	var last error
	err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		nodes, err := c.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if last = err; err != nil {
			return false, c.exited(binaries...)
		}
		ready = 0
		for _, n := range nodes.Items {
			for _, cond := range n.Status.Conditions {
				if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
					ready++
				}
			}
		}
		if ready > 0 && ready == len(nodes.Items) {
			return true, nil
		}
		return false, c.exited(binaries...)
	})
	if errors.Is(err, errExited) {
		return err
	}
	if err != nil {
		return fmt.Errorf("nodes not ready (%d ready): %v", ready, cmp.Or(last, err))
	}
	return nil
}
