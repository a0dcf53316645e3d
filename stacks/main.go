// Command stacks is plinth's stack program: one program, one stack per
// environment (Pulumi.<stack>.yaml at the repository root). It runs two
// ways, with one composition (Program):
//
//   - by the Pulumi CLI: `pulumi up -s dev` (Pulumi.yaml points here, and
//     the Go language host runs this binary with PULUMI_MONITOR set);
//
//   - as its own driver, through the Automation API with Program as an
//     inline source, which needs no Go language host:
//
//     go run ./stacks up --stack local
//     go run ./stacks preview|destroy|refresh|outputs|cancel --stack <name>
//
// The driver keeps its state in .state/ (a file backend, Pulumi's home
// with the plugins) unless PULUMI_BACKEND_URL and PULUMI_HOME say
// otherwise, and uses the Pulumi CLI and kubernetes provider in bin/.
package main

import (
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	if v := os.Getenv(reaperEnv); v != "" {
		// Started by the driver to end its processes if it dies.
		pid, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			os.Exit(2)
		}
		// A Ctrl-C or hang-up meant for the driver must not end the reaper
		// before it can clean up.
		signal.Ignore(syscall.SIGINT, syscall.SIGHUP)
		os.Exit(runReaper(int32(pid), os.Stdin))
	}
	if os.Getenv("PULUMI_MONITOR") != "" {
		// Started by a Pulumi language host: be the program.
		pulumi.Run(Program)
		return
	}
	os.Exit(drive(os.Args[1:], os.Stdout, os.Stderr))
}
