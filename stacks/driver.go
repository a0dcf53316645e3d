package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/plinth-dev/plinth/pkg/config"
)

// Versions of the tools the driver uses from bin/ (see the Makefile).
const (
	kubernetesPluginVersion = "v4.25.0"
	projectName             = "plinth"
)

// LocalPassphrase encrypts the local stack's secrets. It is public on
// purpose: the local stack holds only throwaway values for a cluster on
// loopback. Every other stack must set PULUMI_CONFIG_PASSPHRASE (or use a
// KMS secrets provider).
const LocalPassphrase = "plinth-local-only"

// Driver runs the stack program through the Automation API with Program as
// an inline source.
type Driver struct {
	// Root is the repository root: Pulumi.yaml, bin/ and .state/.
	Root string
	// WorkDir holds Pulumi.yaml and Pulumi.<stack>.yaml. Default: Root.
	WorkDir string
	// Stack is the stack (environment) name.
	Stack string
	// SecretsProvider is the secrets provider a new stack is created with,
	// e.g. "awskms://alias/plinth-dev?region=eu-west-1"; "" for the
	// backend's default (a passphrase with a DIY backend).
	SecretsProvider string
	// Out and Err receive progress and errors.
	Out, Err io.Writer
	// Parallel is how many resource operations run at once. Default:
	// DefaultParallel, unless PULUMI_PARALLEL is set.
	Parallel int
}

// DefaultParallel is how many resource operations the driver lets the
// engine run at once. The CLI's own default is 4 per CPU (8 on 2 cores),
// and a Kubernetes operation spends most of its time waiting for the API
// server and the object's readiness, not on this machine's CPU: at 50
// applications (about 400 objects), 8 at a time left most of the
// deploy waiting in the engine's queue (see bench/README.md).
const DefaultParallel = 64

// parallel returns the parallelism to pass to the CLI; 0 leaves it to
// PULUMI_PARALLEL.
func (d *Driver) parallel() int {
	if d.Parallel > 0 {
		return d.Parallel
	}
	if os.Getenv("PULUMI_PARALLEL") != "" {
		return 0
	}
	return DefaultParallel
}

// drive is the command line: `stacks <command> [--stack name] …`.
func drive(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: stacks up|preview|destroy|refresh|outputs|cancel|verify|render|policy-report|plan [--stack NAME] [--refresh] [--show-secrets] [--out DIR] [--workdir DIR] [--secrets-provider URL] [--parallel N]")
		return 2
	}
	cmd := args[0]
	fl := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fl.SetOutput(stderr)
	stack := fl.String("stack", "local", "stack (environment) to operate on")
	showSecrets := fl.Bool("show-secrets", false, "print secret outputs in plaintext")
	refresh := fl.Bool("refresh", false, "up: refresh the state from the cluster first (after the cluster was recreated)")
	out := fl.String("out", "out/manifests", "render: directory to write the local stack's manifests to")
	workdir := fl.String("workdir", "", "directory holding Pulumi.yaml and Pulumi.<stack>.yaml (default: the repository root)")
	secretsProvider := fl.String("secrets-provider", "", "secrets provider of a stack created by this command, e.g. awskms://alias/plinth-dev (default: the backend's)")
	parallel := fl.Int("parallel", 0, fmt.Sprintf("resource operations to run at once (default %d, or PULUMI_PARALLEL)", DefaultParallel))
	if err := fl.Parse(args[1:]); err != nil {
		return 2
	}
	if *parallel < 0 {
		fmt.Fprintf(stderr, "--parallel %d: use a positive count of operations, or 0 for the default (%d)\n", *parallel, DefaultParallel)
		return 2
	}
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	d := &Driver{Root: root, WorkDir: *workdir, Stack: *stack, SecretsProvider: *secretsProvider, Out: stdout, Err: stderr, Parallel: *parallel}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The Pulumi CLI and its plugins end with this process, however it
	// ends (see reaper).
	if r, err := startReaper(); err != nil {
		fmt.Fprintln(stderr, "warning:", err, "- if this command is killed, its pulumi processes may outlive it")
	} else {
		defer r.Close()
	}

	switch cmd {
	case "up":
		var res auto.UpResult
		var opts []optup.Option
		if *refresh {
			opts = append(opts, optup.Refresh())
		}
		res, err = d.Up(ctx, opts...)
		if err == nil {
			printOutputs(stdout, res.Outputs, *showSecrets)
		}
	case "preview":
		_, err = d.Preview(ctx)
	case "destroy":
		err = d.Destroy(ctx)
	case "refresh":
		err = d.Refresh(ctx)
	case "cancel":
		err = d.Recover(ctx)
	case "verify":
		err = d.Verify(ctx)
	case "render":
		err = d.Render(ctx, *out)
	case "policy-report":
		only := ""
		if stackSet(fl) {
			only = *stack
		}
		err = policyReport(stdout, root, only)
	case "plan":
		only := ""
		if stackSet(fl) {
			only = *stack
		}
		err = plan(stdout, root, only)
	case "outputs":
		var s auto.Stack
		if s, err = d.Open(ctx); err == nil {
			var outs auto.OutputMap
			if outs, err = s.Outputs(ctx); err == nil {
				printOutputs(stdout, outs, *showSecrets)
			}
		}
	default:
		fmt.Fprintf(stderr, "unknown command %q: use up, preview, destroy, refresh, outputs, cancel, verify, render, policy-report or plan\n", cmd)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		if locked(err) {
			fmt.Fprintf(stderr, "\nThe stack %q is locked by an update that did not finish (a run that was killed leaves its lock).\n"+
				"If no other run is going on, clear the lock and the half-done operations with:\n  go run ./stacks cancel --stack %s\n", *stack, *stack)
		}
		return 1
	}
	return 0
}

// locked reports whether err is the backend refusing an operation
// because of another update's lock: the service backend's conflict, or
// a DIY backend's (file, S3, GCS) lock object.
func locked(err error) bool {
	return auto.IsConcurrentUpdateError(err) || strings.Contains(err.Error(), "the stack is currently locked")
}

// stackSet reports whether --stack was given.
func stackSet(fl *flag.FlagSet) bool {
	set := false
	fl.Visit(func(f *flag.Flag) { set = set || f.Name == "stack" })
	return set
}

// findRoot walks up from the working directory to the directory holding
// plinth's Pulumi.yaml.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "Pulumi.yaml"))
		if err == nil && strings.Contains(string(b), "name: "+projectName+"\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find plinth's Pulumi.yaml above the working directory: run from the repository")
		}
		dir = parent
	}
}

// environment returns the variables the workspace, the CLI, the provider
// plugin and the inline program run with. Values already set in the
// process win, so CI and users can point elsewhere.
func (d *Driver) environment() map[string]string {
	state := filepath.Join(d.Root, ".state")
	env := map[string]string{
		"PULUMI_BACKEND_URL":       "file://" + filepath.Join(state, "backend"),
		"PULUMI_HOME":              filepath.Join(state, "pulumi-home"),
		"PULUMI_SKIP_UPDATE_CHECK": "true",
	}
	if _, err := os.Stat(filepath.Join(d.Root, "bin", "pulumi-resource-kubernetes")); err == nil {
		// Plugins come from bin/ (installed into PULUMI_HOME), never from a
		// download or from PATH.
		env["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"] = "true"
		env["PULUMI_IGNORE_AMBIENT_PLUGINS"] = "true"
	}
	if d.Stack == "local" {
		env["PULUMI_CONFIG_PASSPHRASE"] = LocalPassphrase
		env["KUBECONFIG"] = filepath.Join(state, "cluster", "admin.kubeconfig")
	}
	if d.kubernetesOnly() {
		// A DIY backend (a directory, S3, GCS) rewrites the whole state
		// after every step, so a run's cost grows with the square of the
		// stack's size: at 50 applications (362 resources, 2.5 MB of
		// state) three quarters of an up went to it. A stack of
		// Kubernetes objects alone saves its state once, when the run
		// ends (the engine's PULUMI_SKIP_CHECKPOINTS). What a hard kill
		// loses is recoverable: the provider applies server-side, so
		// the next up adopts each object the lost record had created,
		// and a delete finds a missing object already gone. Cloud stacks
		// keep a checkpoint per step: a cloud resource the state forgot
		// is an orphan. PULUMI_SKIP_CHECKPOINTS=false in the environment
		// restores per-step checkpoints.
		env["PULUMI_SKIP_CHECKPOINTS"] = "true"
	}
	for k := range env {
		if v, ok := os.LookupEnv(k); ok {
			env[k] = v
		}
	}
	return env
}

// kubernetesOnly reports whether the stack deploys Kubernetes objects
// alone: its Pulumi.<stack>.yaml says plinth:cloud is local, and the
// local composition (composeLocal) registers nothing but Kubernetes
// objects, all applied server-side.
func (d *Driver) kubernetesOnly() bool {
	values, _, err := StackFile(filepath.Join(d.workDir(), "Pulumi."+d.Stack+".yaml"))
	return err == nil && values["plinth:cloud"] == string(config.CloudLocal)
}

// workDir is where Pulumi.yaml and Pulumi.<stack>.yaml are: WorkDir, or
// Root by default.
func (d *Driver) workDir() string {
	if d.WorkDir != "" {
		return d.WorkDir
	}
	return d.Root
}

// Open prepares the workspace (environment, plugin) and selects or creates
// the stack.
func (d *Driver) Open(ctx context.Context) (auto.Stack, error) {
	env := d.environment()
	for k, v := range env {
		// The inline program and the CLI run with the same environment.
		if err := os.Setenv(k, v); err != nil {
			return auto.Stack{}, err
		}
	}
	if strings.HasPrefix(env["PULUMI_BACKEND_URL"], "file://") {
		if err := os.MkdirAll(strings.TrimPrefix(env["PULUMI_BACKEND_URL"], "file://"), 0o700); err != nil {
			return auto.Stack{}, err
		}
	}
	// The CLI and provider built into bin/ (make tools) when present,
	// else the official CLI on PATH, which fetches its own plugins.
	opts := &auto.PulumiCommandOptions{}
	if _, err := os.Stat(filepath.Join(d.Root, "bin", "pulumi")); err == nil {
		opts.Root = d.Root
		if err := d.installPlugin(env); err != nil {
			return auto.Stack{}, err
		}
	}
	cli, err := auto.NewPulumiCommand(opts)
	if err != nil {
		return auto.Stack{}, fmt.Errorf("no usable Pulumi CLI (%w): run `make tools`, or install the CLI", err)
	}
	workDir := d.workDir()
	if _, err := os.Stat(filepath.Join(workDir, "Pulumi."+d.Stack+".yaml")); err != nil {
		return auto.Stack{}, fmt.Errorf("stack %q has no Pulumi.%s.yaml in %s: create it, or pick one of the existing stacks", d.Stack, d.Stack, workDir)
	}
	wsOpts := []auto.LocalWorkspaceOption{auto.WorkDir(workDir), auto.Pulumi(cli), auto.EnvVars(env)}
	if d.SecretsProvider != "" {
		wsOpts = append(wsOpts, auto.SecretsProvider(d.SecretsProvider))
	}
	return auto.UpsertStackInlineSource(ctx, d.Stack, projectName, Program, wsOpts...)
}

// installPlugin installs bin/pulumi-resource-kubernetes as the plugin
// version the SDK asks for, unless PULUMI_HOME has it already.
func (d *Driver) installPlugin(env map[string]string) error {
	dir := filepath.Join(env["PULUMI_HOME"], "plugins", "resource-kubernetes-"+kubernetesPluginVersion)
	if _, err := os.Stat(filepath.Join(dir, "pulumi-resource-kubernetes")); err == nil {
		return nil
	}
	bin := filepath.Join(d.Root, "bin", "pulumi-resource-kubernetes")
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("%s is missing: run `make tools`", bin)
	}
	cmd := exec.Command(filepath.Join(d.Root, "bin", "pulumi"), "plugin", "install", "resource", "kubernetes",
		kubernetesPluginVersion, "--file", bin)
	cmd.Env = os.Environ()
	cmd.Stdout, cmd.Stderr = d.Err, d.Err
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("install the kubernetes plugin: %w", err)
	}
	return nil
}

// Up deploys the stack.
func (d *Driver) Up(ctx context.Context, opts ...optup.Option) (auto.UpResult, error) {
	s, err := d.Open(ctx)
	if err != nil {
		return auto.UpResult{}, err
	}
	// ShowSecrets(false): the run's summary is read from the stack's
	// history without decrypting its config, which cost 0.2 s per run
	// with a passphrase (its key derivation is slow on purpose).
	opts = append([]optup.Option{optup.ProgressStreams(d.Out), optup.ErrorProgressStreams(d.Err), optup.Parallel(d.parallel()),
		optup.ShowSecrets(false)}, opts...)
	return s.Up(ctx, opts...)
}

// Preview shows what Up would change.
func (d *Driver) Preview(ctx context.Context, opts ...optpreview.Option) (auto.PreviewResult, error) {
	s, err := d.Open(ctx)
	if err != nil {
		return auto.PreviewResult{}, err
	}
	opts = append([]optpreview.Option{optpreview.ProgressStreams(d.Out), optpreview.ErrorProgressStreams(d.Err), optpreview.Diff(),
		optpreview.Parallel(d.parallel())}, opts...)
	return s.Preview(ctx, opts...)
}

// Destroy deletes every resource of the stack.
func (d *Driver) Destroy(ctx context.Context) error {
	s, err := d.Open(ctx)
	if err != nil {
		return err
	}
	_, err = s.Destroy(ctx, optdestroy.ProgressStreams(d.Out), optdestroy.ErrorProgressStreams(d.Err), optdestroy.Parallel(d.parallel()),
		optdestroy.ShowSecrets(false))
	return err
}

// Refresh reads the real state of every resource into the stack.
func (d *Driver) Refresh(ctx context.Context) error {
	s, err := d.Open(ctx)
	if err != nil {
		return err
	}
	_, err = s.Refresh(ctx, optrefresh.ProgressStreams(d.Out), optrefresh.ErrorProgressStreams(d.Err), optrefresh.Parallel(d.parallel()),
		optrefresh.ShowSecrets(false))
	return err
}

// Recover repairs a stack whose last update was interrupted: it cancels
// the update if one is still recorded as running, then refreshes while
// clearing the pending creates the interruption left, so the next Up
// converges.
func (d *Driver) Recover(ctx context.Context) error {
	s, err := d.Open(ctx)
	if err != nil {
		return err
	}
	// Cancel deletes the stack's lock objects in a DIY backend (S3, GCS,
	// a directory), the lock a killed run leaves behind.
	if err := s.Cancel(ctx); err != nil {
		return fmt.Errorf("clear the stack's lock: %w", err)
	}
	_, err = s.Refresh(ctx, optrefresh.ClearPendingCreates(), optrefresh.Parallel(d.parallel()),
		optrefresh.ProgressStreams(d.Out), optrefresh.ErrorProgressStreams(d.Err), optrefresh.ShowSecrets(false))
	return err
}

// Render writes the Kubernetes manifests of the local stack to dir instead
// of applying them (the provider's renderYamlToDirectory), through a
// throwaway file backend, so no cluster or state is touched. The
// manifests hold secret values in plaintext: keep dir out of version
// control (out/ is ignored).
func (d *Driver) Render(ctx context.Context, dir string) error {
	if d.Stack != "local" {
		return fmt.Errorf("render works on the local stack (its provider is the one that renders), not %q", d.Stack)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(abs); err != nil {
		return err
	}
	backend, err := os.MkdirTemp("", "plinth-render-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(backend)
	// No cluster: the provider refuses a kubeconfig when it renders. The
	// variables are restored afterwards: a later run in this process
	// (the e2e suite's) must deploy, not render.
	for k, v := range map[string]string{"PULUMI_BACKEND_URL": "file://" + backend, RenderDirEnv: abs, "KUBECONFIG": ""} {
		old, had := os.LookupEnv(k)
		defer func() {
			if had {
				_ = os.Setenv(k, old)
			} else {
				_ = os.Unsetenv(k)
			}
		}()
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	_, err = d.Up(ctx)
	return err
}

// printOutputs prints the outputs sorted by name; secrets are masked
// unless show is set.
func printOutputs(w io.Writer, outs auto.OutputMap, show bool) {
	keys := make([]string, 0, len(outs))
	for k := range outs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintln(w, "Outputs:")
	for _, k := range keys {
		o := outs[k]
		if o.Secret && !show {
			fmt.Fprintf(w, "  %s: [secret]\n", k)
			continue
		}
		b, _ := json.Marshal(o.Value)
		fmt.Fprintf(w, "  %s: %s\n", k, b)
	}
}
