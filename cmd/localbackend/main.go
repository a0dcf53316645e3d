// Command localbackend starts, reuses and stops a shared Pulumi state
// backend on loopback: an S3 bucket and KMS keys served by moto_server
// (see pkg/localbackend and docs/state.md). `make local-backend` and
// `make local-backend-down` call it.
//
//	localbackend up   [-state .state/moto] [-stack local]  start (or reuse); print the environment to export
//	localbackend status [-state .state/moto]               exit 0 when it runs
//	localbackend down [-state .state/moto]                 save the bucket, then stop it
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/plinth-dev/plinth/pkg/localbackend"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd := os.Args[1]
	fl := flag.NewFlagSet(cmd, flag.ExitOnError)
	state := fl.String("state", ".state/moto", "directory holding moto's pid, port and log")
	stack := fl.String("stack", "local", "up: the stack whose KMS key to create (alias/plinth-<stack>)")
	_ = fl.Parse(os.Args[2:])

	var err error
	switch cmd {
	case "up":
		err = up(*state, *stack)
	case "status":
		if !localbackend.Running(*state) {
			fmt.Println("local backend: not running")
			os.Exit(1)
		}
		fmt.Println("local backend: running")
	case "down":
		err = down(*state)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "localbackend:", err)
		os.Exit(1)
	}
}

// down saves the bucket (Up puts it back after the restart), then stops
// moto.
func down(state string) error {
	if localbackend.Running(state) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		b, err := localbackend.Up(ctx, localbackend.Options{StateDir: state})
		if err != nil {
			return err
		}
		n, err := b.Snapshot(ctx)
		if err != nil {
			return fmt.Errorf("save the bucket (moto left running): %w", err)
		}
		fmt.Printf("saved %d object(s) of bucket %s to %s; the next `make local-backend` puts them back\n", n, b.Bucket, state)
	}
	if err := localbackend.StopDir(state); err != nil {
		return err
	}
	fmt.Println("local backend stopped")
	return nil
}

func up(state, stack string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := localbackend.Up(ctx, localbackend.Options{StateDir: state})
	if err != nil {
		return err
	}
	kms, err := b.SecretsProvider(ctx, "plinth-"+stack)
	if err != nil {
		return err
	}
	env := b.Env()
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if b.Restored > 0 {
		fmt.Fprintf(os.Stderr, "restored %d object(s) saved by the last `make local-backend-down`\n", b.Restored)
	}
	fmt.Fprintf(os.Stderr, "local backend at %s (bucket %s); export these to use it:\n", b.Endpoint, b.Bucket)
	for _, k := range keys {
		fmt.Printf("export %s=%q\n", k, env[k])
	}
	fmt.Fprintf(os.Stderr, "a new stack's secrets under KMS: --secrets-provider %q (moto does not keep the key across a restart: docs/state.md)\n", kms)
	return nil
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: localbackend up|status|down [-state DIR] [-stack NAME]")
	os.Exit(2)
}
