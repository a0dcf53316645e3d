// Package kubecontext reads the current kubeconfig context and checks it
// before `make local CLUSTER=current` deploys to it: the one part of the
// local setup that needs client-go, kept apart so that `make local`'s
// first line (internal/localsetup) compiles in seconds on a cold machine.
package kubecontext

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Cluster is the current context of a kubeconfig: what CLUSTER=current
// deploys to.
type Cluster struct {
	// Context is the current context's name.
	Context string
	// Server is its cluster's API server URL.
	Server string
	// Kubeconfig is the file (or the KUBECONFIG list) it came from.
	Kubeconfig string
}

// Current reads the current context the way kubectl does
// (KUBECONFIG, else ~/.kube/config).
func Current() (Cluster, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	cfg, err := rules.Load()
	if err != nil {
		return Cluster{}, fmt.Errorf("read the kubeconfig: %w", err)
	}
	c := Cluster{Context: cfg.CurrentContext, Kubeconfig: strings.Join(rules.Precedence, string(filepath.ListSeparator))}
	if c.Context == "" {
		return c, fmt.Errorf("the kubeconfig (%s) has no current context: `kubectl config use-context <name>`, or leave CLUSTER unset for plinth's own control plane", c.Kubeconfig)
	}
	kctx, ok := cfg.Contexts[c.Context]
	if !ok {
		return c, fmt.Errorf("the current context %q is not in the kubeconfig", c.Context)
	}
	cl, ok := cfg.Clusters[kctx.Cluster]
	if !ok {
		return c, fmt.Errorf("context %q names cluster %q, which the kubeconfig does not have", c.Context, kctx.Cluster)
	}
	c.Server = cl.Server
	return c, nil
}

// CheckLocal refuses a cluster whose API server is not on loopback or a
// private address (RFC 1918, RFC 4193), unless yes: the local stack is
// for a cluster on this machine or this network (kind, minikube, k3d),
// never a shared or production one by mistake. A name is resolved, and
// every address it has must be local.
func CheckLocal(ctx context.Context, c Cluster, yes bool, resolve func(context.Context, string) ([]netip.Addr, error)) error {
	u, err := url.Parse(c.Server)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("context %q: its server %q is not a URL", c.Context, c.Server)
	}
	host := u.Hostname()
	local, why := true, ""
	if addr, err := netip.ParseAddr(host); err == nil {
		local = isLocal(addr)
		why = addr.String()
	} else if host != "localhost" {
		addrs, err := resolve(ctx, host)
		switch {
		case err != nil:
			local, why = false, fmt.Sprintf("%s, which does not resolve (%v)", host, err)
		case len(addrs) == 0:
			local, why = false, host+", which has no address"
		default:
			for _, a := range addrs {
				if !isLocal(a) {
					local, why = false, fmt.Sprintf("%s (%s)", host, a)
				}
			}
		}
	}
	if local || yes {
		return nil
	}
	return fmt.Errorf("context %q points at %s, neither loopback nor a private address: the local stack is meant for a cluster on this machine or network (kind, minikube, k3d). Switch context (`kubectl config use-context`), or pass YES=1 (make local CLUSTER=current YES=1) if this cluster is really meant for it", c.Context, why)
}

func isLocal(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate()
}

// WriteKubeconfig writes the current context alone, its credentials
// embedded, to path (mode 0600): the one kubeconfig the local stack and
// its CRDs are applied with, however many files KUBECONFIG lists.
func WriteKubeconfig(path string) error {
	cfg, err := clientcmd.NewDefaultClientConfigLoadingRules().Load()
	if err != nil {
		return err
	}
	if err := clientcmdapi.MinifyConfig(cfg); err != nil {
		return err
	}
	if err := clientcmdapi.FlattenConfig(cfg); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

// Resolve looks a host name up with the system resolver.
func Resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}
