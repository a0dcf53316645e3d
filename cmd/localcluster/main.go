// Command localcluster starts, reuses and stops plinth's local Kubernetes
// control plane (see pkg/localcluster). `make local` and `make local-down`
// call it.
//
//	localcluster up   [-state .state/cluster]   start (or reuse) and install the CRDs
//	localcluster status [-state .state/cluster] exit 0 when it runs
//	localcluster down [-state .state/cluster]   stop the processes
//	localcluster crds -kubeconfig FILE          install the CRDs into another cluster (make local CLUSTER=current)
package main

import (
	"context"
	"embed"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/plinth-dev/plinth/components/app"
	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/pkg/localcluster"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd := os.Args[1]
	fl := flag.NewFlagSet(cmd, flag.ExitOnError)
	state := fl.String("state", ".state/cluster", "directory holding the cluster's files")
	kubeconfig := fl.String("kubeconfig", "", "crds: the cluster to install the CRDs into")
	_ = fl.Parse(os.Args[2:])

	var err error
	switch cmd {
	case "up":
		err = up(*state)
	case "crds":
		if *kubeconfig == "" {
			usage()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		err = installCRDs(ctx, &localcluster.Cluster{KubeconfigPath: *kubeconfig})
		cancel()
	case "status":
		if !localcluster.Running(*state) {
			fmt.Println("local control plane: not running")
			os.Exit(1)
		}
		fmt.Println("local control plane: running")
	case "down":
		err = localcluster.StopDir(*state)
		if err == nil {
			fmt.Println("local control plane stopped")
		}
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "localcluster:", err)
		os.Exit(1)
	}
}

func up(state string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	start := time.Now()
	reused := localcluster.Running(state)
	c, err := localcluster.Up(ctx, localcluster.Options{StateDir: state})
	if err != nil {
		return err
	}
	if err := installCRDs(ctx, c); err != nil {
		return err
	}
	verb := "started"
	if reused {
		verb = "reused"
	}
	fmt.Printf("local control plane %s in %.1fs: %s\nkubeconfig: %s\n", verb, time.Since(start).Seconds(), c.Server, c.KubeconfigPath)
	return nil
}

// installCRDs installs the CRDs the local stack's objects use: the
// Prometheus Operator's and the Gateway API's, and Argo Rollouts' for
// Progressive apps (with a controller beside it).
func installCRDs(ctx context.Context, c *localcluster.Cluster) error {
	for _, crds := range []embed.FS{monitoring.CRDs, app.GatewayCRDs} {
		if err := c.InstallCRDs(ctx, crds, "crds/*.yaml"); err != nil {
			return err
		}
	}
	return c.InstallCRDs(ctx, app.RolloutCRDs, app.RolloutCRDsPattern)
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: localcluster up|status|down [-state DIR] | crds -kubeconfig FILE")
	os.Exit(2)
}
