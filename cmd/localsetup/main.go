// Command localsetup builds what `make local`, `make e2e` and `make
// alert-tests` need (see internal/localsetup): it prints what the machine
// has and what will be built, then builds it with a progress line per
// tool; compiler output goes to .state/build/.
//
//	localsetup [-set local|e2e|alert[,…]] [-j 2] [-cluster local|current]
//
// Only the local set uses what the machine has (a Pulumi CLI on PATH, the
// kubernetes plugin in the Pulumi home, a cluster of the user's own): the
// e2e suite and the alert tests run the tools in bin/.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/plinth-dev/plinth/internal/localsetup"
)

func main() {
	set := flag.String("set", "local", "the tools to build: local, e2e or alert, comma-separated")
	jobs := flag.Int("j", 2, "tools built at a time")
	cluster := flag.String("cluster", "local", "local (plinth's control plane) or current (the current kubeconfig context's); the local set only")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *set, *jobs, *cluster); err != nil {
		fmt.Fprintln(os.Stderr, "localsetup:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, set string, jobs int, cluster string) error {
	if cluster != "local" && cluster != "current" {
		return fmt.Errorf("CLUSTER=%s: use local (plinth's control plane, the default) or current (the current kubeconfig context)", cluster)
	}
	tools, err := localsetup.Set(set)
	if err != nil {
		return err
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	var f localsetup.Found
	if set == "local" {
		f = localsetup.Detect(ctx, os.Getenv("PATH"), localsetup.PulumiHome())
		f.CurrentCluster = cluster == "current"
	}
	plan := localsetup.Plan(tools, f, localsetup.UpToDate(root))
	fmt.Println(localsetup.Summary(f, plan, jobs))
	return localsetup.Build(ctx, root, plan, jobs, filepath.Join(root, ".state", "build"), os.Stdout)
}
