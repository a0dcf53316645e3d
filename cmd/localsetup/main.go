// Command localsetup is what `make local` runs before it deploys (see
// internal/localsetup):
//
//	localsetup tools [-j 2] [-cluster local|current]
//	    print what the machine has and what will be built, then build it
//	    with a progress line per tool (compiler output in .state/build/)
//	localsetup context [-yes]
//	    name the current kubeconfig context, refuse one whose API server
//	    is not on loopback or a private address (unless -yes), write that
//	    context alone to .state/current/kubeconfig and print its path
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
	if len(os.Args) < 2 {
		usage()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fl := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	var err error
	switch os.Args[1] {
	case "tools":
		jobs := fl.Int("j", 2, "tools built at a time")
		cluster := fl.String("cluster", "local", "local (plinth's control plane) or current (the current kubeconfig context's)")
		_ = fl.Parse(os.Args[2:])
		err = tools(ctx, *jobs, *cluster)
	case "context":
		yes := fl.Bool("yes", false, "deploy to a cluster that is not on loopback or a private address")
		_ = fl.Parse(os.Args[2:])
		err = checkContext(ctx, *yes)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "localsetup:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: localsetup tools [-j 2] [-cluster local|current] | context [-yes]")
	os.Exit(2)
}

func tools(ctx context.Context, jobs int, cluster string) error {
	if cluster != "local" && cluster != "current" {
		return fmt.Errorf("CLUSTER=%s: use local (plinth's control plane, the default) or current (the current kubeconfig context)", cluster)
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	f := localsetup.Detect(ctx, os.Getenv("PATH"), localsetup.PulumiHome())
	f.CurrentCluster = cluster == "current"
	plan := localsetup.Plan(f, localsetup.UpToDate(root))
	fmt.Println(localsetup.Summary(f, plan, jobs))
	return localsetup.Build(ctx, root, plan, jobs, filepath.Join(root, ".state", "build"), os.Stdout)
}

func checkContext(ctx context.Context, yes bool) error {
	c, err := localsetup.CurrentCluster()
	if err != nil {
		return err
	}
	if err := localsetup.CheckLocal(ctx, c, yes, localsetup.Resolve); err != nil {
		return err
	}
	// The current context alone, in .state/ (gitignored, 0600): what the
	// CRDs and the stack are applied with.
	path, err := filepath.Abs(filepath.Join(".state", "current", "kubeconfig"))
	if err != nil {
		return err
	}
	if err := localsetup.WriteKubeconfig(path); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "deploying the local stack to context %q (%s), from %s\n", c.Context, c.Server, c.Kubeconfig)
	fmt.Println(path)
	return nil
}
