// Command localcontext is what `make local CLUSTER=current` runs before
// it deploys (see internal/kubecontext): it names the current kubeconfig
// context, refuses one whose API server is neither on loopback nor a
// private address (unless -yes), writes that context alone to
// .state/current/kubeconfig and prints its path.
//
//	localcontext [-yes]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/plinth-dev/plinth/internal/kubecontext"
)

func main() {
	yes := flag.Bool("yes", false, "deploy to a cluster that is neither on loopback nor a private address")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *yes); err != nil {
		fmt.Fprintln(os.Stderr, "localcontext:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, yes bool) error {
	c, err := kubecontext.Current()
	if err != nil {
		return err
	}
	if err := kubecontext.CheckLocal(ctx, c, yes, kubecontext.Resolve); err != nil {
		return err
	}
	// The current context alone, in .state/ (gitignored, 0600): what the
	// CRDs and the stack are applied with.
	path, err := filepath.Abs(filepath.Join(".state", "current", "kubeconfig"))
	if err != nil {
		return err
	}
	if err := kubecontext.WriteKubeconfig(path); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "deploying the local stack to context %q (%s), from %s\n", c.Context, c.Server, c.Kubeconfig)
	fmt.Println(path)
	return nil
}
