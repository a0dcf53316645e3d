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
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/internal/localsetup"
	"github.com/plinth-dev/plinth/pkg/config"
)

// Versions of the tools the driver uses from bin/ (see the Makefile).
const (
	kubernetesPluginVersion = localsetup.ProviderVersion
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
	c, code := parseCommand(args, stderr)
	if c == nil {
		return code
	}
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	d := &Driver{Root: root, WorkDir: c.workdir, Stack: c.stack, SecretsProvider: c.secretsProvider, Out: stdout, Err: stderr, Parallel: c.parallel}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The Pulumi CLI and its plugins end with this process, however it
	// ends (see reaper), and with the CLI, however it ends (see sweep).
	started := time.Now()
	if err := becomeSubreaper(); err != nil {
		fmt.Fprintln(stderr, "warning: cannot adopt the processes a killed CLI leaves:", err)
	}
	defer sweep(stderr, started)
	if r, err := startReaper(); err != nil {
		fmt.Fprintln(stderr, "warning:", err, "- if this command is killed, its pulumi processes may outlive it")
	} else {
		defer r.Close()
	}
	if err := c.run(ctx, d, root, stdout); err != nil {
		fmt.Fprintln(stderr, "error:", err)
		switch {
		case locked(err):
			fmt.Fprint(stderr, d.lockAdvice(context.Background()))
		case cliKilled(err):
			fmt.Fprintf(stderr, "\nThe Pulumi CLI was killed in the middle of the run: its lock and its half-done operations stay until cleared, with:\n  %s\n", d.recoveryCommand())
		}
		return 1
	}
	return 0
}

// command is one parsed command line.
type command struct {
	name string
	// stackGiven: --stack was on the command line (the commands that
	// otherwise cover every stack run for that one only).
	stackGiven                           bool
	stack, out, workdir, secretsProvider string
	repo, from, to                       string
	parallel                             int
	showSecrets, refresh, force          bool
}

// commands are what `stacks` runs.
var commands = []string{"up", "preview", "destroy", "refresh", "outputs", "cancel", "verify", "drift", "render", "gitops render", "gitops promote", "policy-report", "plan"}

// parseCommand reads the command and its flags; a nil command comes with
// the exit code (2: usage, said on stderr).
func parseCommand(args []string, stderr io.Writer) (*command, int) {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: stacks up|preview|destroy|refresh|outputs|cancel|verify|drift|render|policy-report|plan|gitops render|gitops promote [--stack NAME] [--refresh] [--show-secrets] [--out DIR] [--workdir DIR] [--secrets-provider URL] [--parallel N] [--force]")
		return nil, 2
	}
	c := &command{name: args[0]}
	if c.name == "gitops" {
		// gitops render|promote: one command with a subcommand.
		if len(args) < 2 || (args[1] != "render" && args[1] != "promote") {
			fmt.Fprintln(stderr, "usage: stacks gitops render --repo DIR [--stack NAME] | gitops promote --repo DIR --to NAME [--from NAME]")
			return nil, 2
		}
		c.name, args = "gitops "+args[1], args[1:]
	}
	if !slices.Contains(commands, c.name) {
		fmt.Fprintf(stderr, "unknown command %q: use up, preview, destroy, refresh, outputs, cancel, verify, drift, render, gitops render, gitops promote, policy-report or plan\n", c.name)
		return nil, 2
	}
	fl := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.StringVar(&c.stack, "stack", "local", "stack (environment) to operate on")
	fl.BoolVar(&c.showSecrets, "show-secrets", false, "print secret outputs in plaintext")
	fl.BoolVar(&c.refresh, "refresh", false, "up: refresh the state from the cluster first (after the cluster was recreated)")
	fl.StringVar(&c.out, "out", "out/manifests", "render: directory to write the local stack's manifests to")
	fl.StringVar(&c.workdir, "workdir", "", "directory holding Pulumi.yaml and Pulumi.<stack>.yaml (default: the repository root)")
	fl.StringVar(&c.secretsProvider, "secrets-provider", "", "secrets provider of a stack created by this command, e.g. awskms://alias/plinth-dev (default: the backend's)")
	fl.IntVar(&c.parallel, "parallel", 0, fmt.Sprintf("resource operations to run at once (default %d, or PULUMI_PARALLEL)", DefaultParallel))
	fl.BoolVar(&c.force, "force", false, "cancel: clear the lock even of a run that may still be going on (what it records afterwards is lost)")
	fl.StringVar(&c.repo, "repo", "", "gitops: the work tree of the repository Flux follows")
	fl.StringVar(&c.from, "from", "", "gitops promote: the environment to promote from (default: the target's plinth:gitops.promoteFrom)")
	fl.StringVar(&c.to, "to", "", "gitops promote: the environment to promote to")
	if err := fl.Parse(args[1:]); err != nil {
		return nil, 2
	}
	if c.parallel < 0 {
		fmt.Fprintf(stderr, "--parallel %d: use a positive count of operations, or 0 for the default (%d)\n", c.parallel, DefaultParallel)
		return nil, 2
	}
	c.stackGiven = stackSet(fl)
	return c, 0
}

// only is the stack a command that covers every stack is limited to
// ("" for all).
func (c *command) only() string {
	if c.stackGiven {
		return c.stack
	}
	return ""
}

// run runs the command with d.
func (c *command) run(ctx context.Context, d *Driver, root string, stdout io.Writer) error {
	switch c.name {
	case "up":
		var opts []optup.Option
		if c.refresh {
			opts = append(opts, optup.Refresh())
		}
		res, err := d.Up(ctx, opts...)
		if err == nil {
			printOutputs(stdout, res.Outputs, c.showSecrets)
		}
		return err
	case "preview":
		_, err := d.Preview(ctx)
		return err
	case "destroy":
		return d.Destroy(ctx)
	case "refresh":
		return d.Refresh(ctx)
	case "cancel":
		return d.Recover(ctx, c.force)
	case "verify":
		return d.Verify(ctx)
	case "drift":
		dr, err := d.Drift(ctx)
		if err != nil {
			return err
		}
		if dr.Empty() {
			fmt.Fprintf(stdout, "stack %s matches its state\n", c.stack)
			return nil
		}
		fmt.Fprint(stdout, dr)
		return fmt.Errorf("stack %s drifted from its state: `go run ./stacks up --stack %s --refresh` puts it back (see docs/state.md, drift)", c.stack, c.stack)
	case "render":
		return d.Render(ctx, c.out)
	case "gitops render":
		return d.RenderGitOps(ctx, c.repo, c.only())
	case "gitops promote":
		if c.repo == "" || c.to == "" {
			return errors.New("gitops promote needs --repo and --to")
		}
		_, err := promote(ctx, stdout, d.workDir(), c.repo, c.from, c.to)
		return err
	case "policy-report":
		return policyReport(stdout, root, c.only())
	case "plan":
		return plan(stdout, root, c.only())
	case "outputs":
		s, err := d.Open(ctx)
		if err != nil {
			return err
		}
		outs, err := s.Outputs(ctx)
		if err == nil {
			printOutputs(stdout, outs, c.showSecrets)
		}
		return err
	}
	return fmt.Errorf("no such command %q", c.name)
}

// cliKilled reports whether err is the Automation API's report of a CLI
// that a signal ended (kill -9, an OOM kill): it left its lock behind.
func cliKilled(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "signal: killed") || strings.Contains(msg, "signal: terminated") || strings.Contains(msg, "signal: segmentation fault")
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
	if d.pluginSource() != "" {
		// Plugins come from bin/ or the user's Pulumi home (installed into
		// PULUMI_HOME), never from a download or from PATH.
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
	// The CLI built into bin/ (make tools) when present, else the
	// official CLI on PATH; the kubernetes plugin from bin/ or the user's
	// Pulumi home (make local uses what the machine has), else the CLI
	// fetches its own.
	opts := &auto.PulumiCommandOptions{}
	cliPath := "pulumi"
	if _, err := os.Stat(filepath.Join(d.Root, "bin", "pulumi")); err == nil {
		opts.Root = d.Root
		cliPath = filepath.Join(d.Root, "bin", "pulumi")
	}
	if d.pluginSource() != "" {
		if err := d.installPlugin(env, cliPath); err != nil {
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
		if err := d.keepsItsSecretsProvider(workDir); err != nil {
			return auto.Stack{}, err
		}
		wsOpts = append(wsOpts, auto.SecretsProvider(d.SecretsProvider))
	}
	return auto.UpsertStackInlineSource(ctx, d.Stack, projectName, Program, wsOpts...)
}

// checkConfig refuses a stack file the program would misread (see
// CheckStackFile). A destroy or a refresh is not refused: a typo must not
// keep anyone from tearing a stack down.
func (d *Driver) checkConfig() error {
	file := filepath.Join(d.workDir(), "Pulumi."+d.Stack+".yaml")
	if _, err := os.Stat(file); err != nil {
		return nil // Open says the stack file is missing
	}
	return CheckStackFile(file, d.Stack)
}

// keepsItsSecretsProvider refuses a secrets provider that would rewrite a
// stack file git tracks: a stack whose file already names its secrets'
// provider (a passphrase salt, or another provider) is switched only by
// `pulumi stack change-secrets-provider`, which re-encrypts its secrets,
// and that is a change to commit on purpose, not a side effect.
func (d *Driver) keepsItsSecretsProvider(workDir string) error {
	file := filepath.Join(workDir, "Pulumi."+d.Stack+".yaml")
	b, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var f struct {
		Salt     string `json:"encryptionsalt"`
		Provider string `json:"secretsprovider"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil || f.Salt == "" && (f.Provider == "" || f.Provider == d.SecretsProvider) {
		return nil
	}
	git := exec.Command("git", "ls-files", "--error-unmatch", filepath.Base(file))
	git.Dir = workDir
	if git.Run() != nil {
		return nil // not tracked: the stack file is the user's own
	}
	current := f.Provider
	if current == "" {
		current = "a passphrase"
	}
	return fmt.Errorf("--secrets-provider %s would rewrite %s, which git tracks, and whose secrets are under %s: run the stack on this backend with its own secrets (drop --secrets-provider), use a new stack for KMS (a Pulumi.<name>.yaml of its own), or move it deliberately with `pulumi stack change-secrets-provider` and commit the file", d.SecretsProvider, file, current)
}

// pluginSource is the kubernetes plugin the driver installs: bin/'s
// (make tools), else the pinned version in the user's Pulumi home
// (~/.pulumi, when PULUMI_HOME is not set: a set PULUMI_HOME is used
// as it is), else "".
func (d *Driver) pluginSource() string {
	bin := filepath.Join(d.Root, "bin", "pulumi-resource-kubernetes")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	if userPulumiHome != "" {
		p := filepath.Join(userPulumiHome, "plugins", "resource-kubernetes-"+kubernetesPluginVersion, "pulumi-resource-kubernetes")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// userPulumiHome is the user's own Pulumi home, read when the program
// starts (Open later points PULUMI_HOME at .state/): "" when PULUMI_HOME
// was set, which the driver then uses as it is.
var userPulumiHome = func() string {
	if os.Getenv("PULUMI_HOME") != "" {
		return ""
	}
	return localsetup.PulumiHome()
}()

// installPlugin installs the plugin of pluginSource with the CLI at cli,
// as the version the SDK asks for, unless PULUMI_HOME has it already.
func (d *Driver) installPlugin(env map[string]string, cli string) error {
	dir := filepath.Join(env["PULUMI_HOME"], "plugins", "resource-kubernetes-"+kubernetesPluginVersion)
	if _, err := os.Stat(filepath.Join(dir, "pulumi-resource-kubernetes")); err == nil {
		return nil
	}
	bin := d.pluginSource()
	if bin == "" {
		return fmt.Errorf("no kubernetes plugin %s: run `make tools`", kubernetesPluginVersion)
	}
	cmd := exec.Command(cli, "plugin", "install", "resource", "kubernetes",
		kubernetesPluginVersion, "--file", bin)
	cmd.Env = os.Environ()
	cmd.Stdout, cmd.Stderr = d.Err, d.Err
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("install the kubernetes plugin: %w", err)
	}
	return nil
}

// Up deploys the stack. For a Kubernetes-only stack it then prunes what
// a killed run left behind (see ownership).
func (d *Driver) Up(ctx context.Context, opts ...optup.Option) (auto.UpResult, error) {
	if err := d.checkConfig(); err != nil {
		return auto.UpResult{}, err
	}
	s, err := d.Open(ctx)
	if err != nil {
		return auto.UpResult{}, err
	}
	own, err := d.ownership(ctx, s)
	if err != nil {
		return auto.UpResult{}, err
	}
	// ShowSecrets(false): the run's summary is read from the stack's
	// history without decrypting its config, which cost 0.2 s per run
	// with a passphrase (its key derivation is slow on purpose).
	opts = append([]optup.Option{optup.ProgressStreams(d.Out), optup.ErrorProgressStreams(d.Err), optup.Parallel(d.parallel()),
		optup.ShowSecrets(false)}, opts...)
	res, err := s.Up(ctx, opts...)
	for attempt := 2; err != nil && own != nil && attempt <= upAttempts && transientAPIError(err); attempt++ {
		// The API server went away mid-run: the provider retries a create
		// once, so an outage of seconds failed the whole run. The run
		// saved what it did; once the API answers again, a new up
		// converges (server-side apply adopts what the failed run made).
		waited, werr := own.cluster.waitAnswers(ctx, outageWait)
		if werr != nil {
			return res, fmt.Errorf("%w (the Kubernetes API has not answered again within %s: %v)", err, outageWait, werr)
		}
		fmt.Fprintf(d.Err, "the Kubernetes API was unreachable during the up; it answers again (waited %.1fs): running the up again, attempt %d of %d\n",
			waited.Seconds(), attempt, upAttempts)
		res, err = s.Up(ctx, opts...)
	}
	if err != nil || own == nil {
		return res, err
	}
	return res, d.prune(ctx, s, own)
}

// How a Kubernetes-only stack's up rides out a short API outage: at most
// upAttempts runs, each after the API answers again within outageWait.
const (
	upAttempts = 3
	outageWait = 2 * time.Minute
)

// transientAPIError reports whether an up failed because the Kubernetes
// API server could not be reached or could not serve for a moment, not
// because of what was asked of it.
func transientAPIError(err error) bool {
	msg := err.Error()
	// A provider that died resets its own connection too: that is the
	// provider's failure, said as it is, not an outage to ride out.
	if strings.Contains(msg, "exited prematurely") {
		return false
	}
	for _, s := range []string{
		"connect: connection refused", "connection reset by peer", "http2: client connection lost",
		"the server is currently unable to handle the request", "etcdserver: request timed out",
		"etcdserver: leader changed", "i/o timeout", "TLS handshake timeout", "unexpected EOF",
		"context deadline exceeded (Client.Timeout",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// ownership prepares the ownership check of a run (nil for a stack that
// is not Kubernetes-only, or that renders instead of deploying).
func (d *Driver) ownership(ctx context.Context, s auto.Stack) (*ownership, error) {
	if !d.kubernetesOnly() || os.Getenv(RenderDirEnv) != "" {
		return nil, nil
	}
	state, err := s.Export(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the stack's state: %w", err)
	}
	return d.beginOwnership(ctx, state)
}

// prune runs the ownership check's prune on the state a completed run
// left.
func (d *Driver) prune(ctx context.Context, s auto.Stack, own *ownership) error {
	state, err := s.Export(ctx)
	if err != nil {
		return fmt.Errorf("read the stack's state: %w", err)
	}
	return own.finish(ctx, d, state)
}

// Preview shows what Up would change.
func (d *Driver) Preview(ctx context.Context, opts ...optpreview.Option) (auto.PreviewResult, error) {
	if err := d.checkConfig(); err != nil {
		return auto.PreviewResult{}, err
	}
	s, err := d.Open(ctx)
	if err != nil {
		return auto.PreviewResult{}, err
	}
	opts = append([]optpreview.Option{optpreview.ProgressStreams(d.Out), optpreview.ErrorProgressStreams(d.Err), optpreview.Diff(),
		optpreview.Parallel(d.parallel())}, opts...)
	return s.Preview(ctx, opts...)
}

// Destroy deletes every resource of the stack, and for a
// Kubernetes-only stack what a killed run left that no state records.
func (d *Driver) Destroy(ctx context.Context) error {
	s, err := d.Open(ctx)
	if err != nil {
		return err
	}
	own, err := d.ownership(ctx, s)
	if err != nil {
		return err
	}
	_, err = s.Destroy(ctx, optdestroy.ProgressStreams(d.Out), optdestroy.ErrorProgressStreams(d.Err), optdestroy.Parallel(d.parallel()),
		optdestroy.ShowSecrets(false))
	if err != nil || own == nil {
		return err
	}
	return d.prune(ctx, s, own)
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

// Recover repairs a stack whose last update was interrupted: it clears
// the stack's lock when the run that holds it no longer runs (force
// clears it anyway), then refreshes, settling the creates the run left
// pending: a Kubernetes object's is imported (its id is its namespace
// and name), so the next up knows it whatever its config says; a cloud
// resource's is cleared only with force, saying which, since clearing
// forgets a resource that may exist.
func (d *Driver) Recover(ctx context.Context, force bool) error {
	s, err := d.Open(ctx)
	if err != nil {
		return err
	}
	holders, lerr := d.locks(ctx)
	now := time.Now()
	for _, h := range holders {
		switch live := h.liveness(now); {
		case live == runGone:
		case !force && live == runAlive:
			return fmt.Errorf("the stack is being changed by a run that is still going on: %s. Cancelling it now would let the next run save over its records, and what it creates would be forgotten: wait for it to end", h)
		case !force:
			return fmt.Errorf("the stack is locked by a run on another machine that may still be going on: %s, %s ago. Once you know it has ended, run again with --force", h, now.Sub(h.Timestamp).Round(time.Second))
		default:
			fmt.Fprintf(d.Err, "warning: clearing the lock of %s, which may still be going on: anything it creates or changes from now on is not recorded; run up once it has ended, which adopts or prunes the Kubernetes objects it made\n", h)
		}
	}
	if lerr != nil && !force {
		return fmt.Errorf("%w: the driver cannot tell whether the run holding the lock still goes on; check it, then run again with --force", lerr)
	}
	// Cancel deletes the stack's lock objects in a DIY backend (S3, GCS,
	// a directory).
	if err := s.Cancel(ctx); err != nil {
		return fmt.Errorf("clear the stack's lock: %w", err)
	}
	state, err := s.Export(ctx)
	if err != nil {
		return fmt.Errorf("read the stack's state: %w", err)
	}
	imports, cloud, err := pendingCreates(state)
	if err != nil {
		return err
	}
	opts := []optrefresh.Option{optrefresh.Parallel(d.parallel()),
		optrefresh.ProgressStreams(d.Out), optrefresh.ErrorProgressStreams(d.Err), optrefresh.ShowSecrets(false)}
	switch {
	case len(cloud) > 0 && !force:
		return fmt.Errorf("the interrupted run was creating %d cloud resource(s) whose ids the state does not know: %s. Each may exist: find it, and import it (pulumi import) or delete it; then run again with --force to clear these records",
			len(cloud), strings.Join(cloud, ", "))
	case len(cloud) > 0:
		fmt.Fprintf(d.Err, "warning: forgetting the pending creates of %s: delete or import each that exists\n", strings.Join(cloud, ", "))
		opts = append(opts, optrefresh.ClearPendingCreates())
	case len(imports) > 0:
		opts = append(opts, optrefresh.ImportPendingCreates(imports))
	}
	_, err = s.Refresh(ctx, opts...)
	return err
}

// pendingCreates sorts the creates a state records as pending: those of
// Kubernetes objects, importable by their namespace/name, and the others
// (by URN).
func pendingCreates(dep apitype.UntypedDeployment) ([]optrefresh.PendingCreate, []string, error) {
	if len(dep.Deployment) == 0 {
		return nil, nil, nil
	}
	var d apitype.DeploymentV3
	if err := json.Unmarshal(dep.Deployment, &d); err != nil {
		return nil, nil, fmt.Errorf("read the stack's state: %w", err)
	}
	var imports []optrefresh.PendingCreate
	var cloud []string
	for _, op := range d.PendingOperations {
		if op.Type != apitype.OperationTypeCreating {
			continue
		}
		r := op.Resource
		_, _, _, k8s := kubernetesType(string(r.Type))
		md, _ := r.Inputs["metadata"].(map[string]any)
		name, _ := md["name"].(string)
		if !k8s || name == "" {
			cloud = append(cloud, string(r.URN))
			continue
		}
		id := name
		if ns, _ := md["namespace"].(string); ns != "" {
			id = ns + "/" + name
		}
		imports = append(imports, optrefresh.PendingCreate{URN: string(r.URN), ID: id})
	}
	return imports, cloud, nil
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
