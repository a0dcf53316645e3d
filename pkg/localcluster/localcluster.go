// Package localcluster runs a real Kubernetes control plane on loopback
// for the local stack and the end-to-end tests: etcd, kube-apiserver
// (RBAC authorization, PodSecurity admission), kube-controller-manager,
// kube-scheduler, and kwok, which plays the kubelets of fake nodes in
// three zones so that pods are scheduled, become Running and Ready, and
// Deployments become Available. No container runs; every API object is
// real.
//
// The binaries come from bin/ (built by `make tools`). Everything the
// cluster writes (data, certificates, kubeconfigs, logs, pid files) is
// under one state directory; Stop kills only the processes recorded
// there, and only if they still run from that directory. The ports are
// picked free on loopback; if another process binds one first, Up starts
// afresh on new ones. Processes are inspected through gopsutil (no /proc
// of its own), so supervision works on macOS as on Linux; the
// certificates are made with client-go's cert and keyutil packages, and
// every wait is a wait.PollUntilContext* loop.
//
//	c, err := localcluster.Up(ctx, localcluster.Options{StateDir: ".state/cluster"})
//	// KUBECONFIG=c.KubeconfigPath kubectl get nodes
//	err = c.Stop()
//
// In tests, Start(t) starts a cluster in a temporary directory and stops
// it when the test ends.
package localcluster

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// Options configure a local cluster.
type Options struct {
	// StateDir holds everything the cluster writes. Required for Up;
	// Start(t) uses a temporary directory.
	StateDir string
	// BinDir holds etcd, kube-apiserver, kube-controller-manager,
	// kube-scheduler and kwok. Default: - $PLINTH_BIN, else bin/ at the
	// module root.
	BinDir string
	// Zones are the topology.kubernetes.io/zone values of the fake nodes.
	// Default: - local-a, local-b, local-c.
	Zones []string
	// NodesPerZone is the number of fake nodes in each zone. Default: 1.
	NodesPerZone int
	// StartTimeout bounds how long the control plane may take to become
	// ready. Default: - 90 s.
	StartTimeout time.Duration
}

// Cluster is a running local control plane.
type Cluster struct {
	// StateDir is where the cluster keeps its files.
	StateDir string
	// KubeconfigPath is an admin kubeconfig (cluster-admin via the
	// system:masters group).
	KubeconfigPath string
	// Server is the API server URL (https://127.0.0.1:<port>).
	Server string
	// Client is a client for the admin kubeconfig.
	Client kubernetes.Interface

	// exits holds, for each process this Cluster spawned, a channel
	// closed when that process has exited.
	exits map[string]<-chan struct{}
	// commands are, for each process this Cluster spawned, its binary
	// directory and arguments, so it can be started again (Restart).
	commands map[string]command
}

// command is how a process of the cluster was started.
type command struct {
	binDir string
	args   []string
}

// DefaultZones are the zones of the fake nodes.
var DefaultZones = []string{"local-a", "local-b", "local-c"}

// Start starts a cluster for a test in a temporary directory and stops it
// when the test ends. It fails the test if the binaries are missing (run
// `make tools`) or the cluster does not become ready.
func Start(t testing.TB, opts ...func(*Options)) *Cluster {
	t.Helper()
	o := Options{StateDir: t.TempDir()}
	for _, f := range opts {
		f(&o)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := Up(ctx, o)
	if err != nil {
		t.Fatalf("local cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("stopping the local cluster: %v", err)
		}
	})
	return c
}

// Up starts a cluster in o.StateDir, or reuses the one already running
// there, and returns when the API server is ready and the nodes are Ready.
func Up(ctx context.Context, o Options) (*Cluster, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if c, err := attach(ctx, o.StateDir); err == nil {
		return c, nil
	}
	// A stale cluster (crashed, or half-started): stop what is left and
	// start afresh, keeping nothing from it.
	_ = (&Cluster{StateDir: o.StateDir}).Stop()
	if err := os.RemoveAll(o.StateDir); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.StartTimeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		c, err := start(ctx, o)
		if err == nil {
			return c, nil
		}
		_ = (&Cluster{StateDir: o.StateDir}).Stop()
		// The ports are free when chosen, but another process can bind
		// one before etcd, the API server or kwok does: start afresh on
		// new ports.
		if !errors.Is(err, errPortTaken) || attempt == startAttempts {
			return nil, err
		}
		if err := os.RemoveAll(o.StateDir); err != nil {
			return nil, err
		}
	}
}

// startAttempts is how many times Up starts a cluster whose ports were
// taken before its processes could bind them.
const startAttempts = 3

// start starts a fresh cluster; tests replace it.
var start = startCluster

func (o Options) withDefaults() (Options, error) {
	if o.StateDir == "" {
		return o, errors.New("localcluster: Options.StateDir is empty: set the directory the cluster keeps its files in")
	}
	dir, err := filepath.Abs(o.StateDir)
	if err != nil {
		return o, err
	}
	o.StateDir = dir
	if o.BinDir == "" {
		o.BinDir, err = defaultBinDir()
		if err != nil {
			return o, err
		}
	}
	for _, b := range binaries {
		if _, err := os.Stat(filepath.Join(o.BinDir, b)); err != nil {
			return o, fmt.Errorf("localcluster: %s is missing from %s: run `make tools` to build the control plane", b, o.BinDir)
		}
	}
	if len(o.Zones) == 0 {
		o.Zones = DefaultZones
	}
	if o.NodesPerZone == 0 {
		o.NodesPerZone = 1
	}
	if o.StartTimeout == 0 {
		o.StartTimeout = 90 * time.Second
	}
	return o, nil
}

// binaries the cluster runs, in start order.
var binaries = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"}

// defaultBinDir is $PLINTH_BIN, or bin/ in the nearest parent directory
// holding plinth's go.mod.
func defaultBinDir() (string, error) {
	if b := os.Getenv("PLINTH_BIN"); b != "" {
		return filepath.Abs(b)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(mod), "module github.com/plinth-dev/plinth\n") {
			return filepath.Join(dir, "bin"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("localcluster: cannot find plinth's bin/ directory: set PLINTH_BIN or Options.BinDir")
		}
		dir = parent
	}
}

// attach returns the cluster running in dir, if its API server answers.
func attach(ctx context.Context, dir string) (*Cluster, error) {
	kc := filepath.Join(dir, "admin.kubeconfig")
	if _, err := os.Stat(kc); err != nil {
		return nil, err
	}
	for _, b := range binaries {
		if !(&Cluster{StateDir: dir}).running(b) {
			return nil, fmt.Errorf("%s is not running", b)
		}
	}
	c, err := newCluster(dir)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := c.waitReady(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func newCluster(dir string) (*Cluster, error) {
	c := &Cluster{StateDir: dir, KubeconfigPath: filepath.Join(dir, "admin.kubeconfig")}
	cfg, err := c.restConfig()
	if err != nil {
		return nil, err
	}
	c.Server = cfg.Host
	c.Client, err = kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// restConfig is the admin client configuration.
func (c *Cluster) restConfig() (*rest.Config, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", c.KubeconfigPath)
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = 50, 100
	return cfg, nil
}

// RESTConfig returns the admin client configuration, for tests that need
// clients other than Client.
func (c *Cluster) RESTConfig() (*rest.Config, error) { return c.restConfig() }

// waitReady polls the API server's /readyz, as the admin, until it
// answers ok or ctx ends.
func (c *Cluster) waitReady(ctx context.Context) error {
	var last error
	err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, last = c.Client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if last == nil {
			return true, nil
		}
		return false, c.exited("etcd", "kube-apiserver")
	})
	if errors.Is(err, errExited) {
		return err
	}
	if err != nil {
		return fmt.Errorf("API server not ready: %v", cmp.Or(last, err))
	}
	return nil
}

var (
	// errExited marks a wait that ended because a process of the
	// cluster stopped running.
	errExited = errors.New("exited")
	// errPortTaken marks a process that stopped because another process
	// had bound its port (see loopback.FreePort).
	errPortTaken = errors.New("its port was taken by another process")
)

// exited returns an error naming the first of names that no longer runs,
// and its log; nil if all run. The error wraps errExited, and also
// errPortTaken when the log says the process could not bind its address.
//
// A process this Cluster spawned has exited when its wait returned. Its
// command line is no evidence: for a moment after exec, before the new
// program has set up its arguments, the kernel reports it empty (on
// Linux, 2.6-3.2 % of reads made as soon as exec.Cmd.Start returned), and
// a check on it failed two of five cluster starts in CI within 0.25 s.
// Processes of an attached cluster are looked up by pid.
func (c *Cluster) exited(names ...string) error {
	for _, name := range names {
		if done, ok := c.exits[name]; ok {
			select {
			case <-done:
			default:
				continue
			}
		} else if c.running(name) {
			continue
		}
		log := filepath.Join(c.StateDir, "logs", name+".log")
		b, _ := os.ReadFile(log)
		if strings.Contains(string(b), "address already in use") {
			return fmt.Errorf("%s %w: %w (log: %s)", name, errExited, errPortTaken, log)
		}
		return fmt.Errorf("%s %w (log: %s)", name, errExited, log)
	}
	return nil
}
