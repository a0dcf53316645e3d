package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/process"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/pkg/localbackend"
)

// sharedSection: many stacks at once against one shared backend (S3 state
// and KMS secrets, moto on loopback), as the CI preview matrix runs them.
//
//   - real previews of five stacks in parallel, each a separate process of
//     the stack driver, against the local control plane: the cloud
//     stacks' providers cannot run here, so the five stacks carry the
//     local stack's config;
//   - the offline plans of the four cloud stacks in parallel (the program
//     and the guardrails under mocks).
//
// Each is timed as a whole (wall) with the peak of the summed RSS of every
// process involved (driver, CLI, provider plugins), sampled every 50 ms.
func sharedSection(w *bytes.Buffer, root, bin string, rounds int) {
	fmt.Fprintf(w, "\n## 4. Many stacks at once on a shared backend\n\n")
	if _, err := exec.LookPath("moto_server"); err != nil {
		fmt.Fprintf(w, "skipped: moto_server is not installed (`pip install 'moto[server]'`)\n")
		return
	}
	for _, tool := range []string{"pulumi", "pulumi-resource-kubernetes", "kube-apiserver"} {
		if _, err := os.Stat(filepath.Join(bin, tool)); err != nil {
			fmt.Fprintf(w, "skipped: %s is missing (make tools)\n", tool)
			return
		}
	}
	work, c, cleanup := clusterWorkspace("plinth-bench-shared-", bin)
	defer cleanup()
	ctx := context.Background()
	b, err := localbackend.Up(ctx, localbackend.Options{StateDir: filepath.Join(work, "moto")})
	check(err)
	defer b.Stop()

	local := filepath.Join(work, "stacks-local")
	run(root, nil, "go", "build", "-tags", "plinthlocal", "-o", local, "./stacks")
	clouds := filepath.Join(work, "stacks")
	run(root, nil, "go", "build", "-o", clouds, "./stacks")

	env := []string{"KUBECONFIG=" + c.KubeconfigPath, "PULUMI_HOME=" + filepath.Join(work, "home")}
	for k, v := range b.Env() {
		env = append(env, k+"="+v)
	}
	wd := filepath.Join(work, "wd")
	check(os.MkdirAll(filepath.Join(wd, "stacks"), 0o755))
	pulumiYAML, err := os.ReadFile(filepath.Join(root, "Pulumi.yaml"))
	check(err)
	check(os.WriteFile(filepath.Join(wd, "Pulumi.yaml"), pulumiYAML, 0o644))
	config := localConfigWithoutSecrets(root)
	var names []string
	for i := 1; i <= 5; i++ {
		name := fmt.Sprintf("team-%d", i)
		names = append(names, name)
		check(os.WriteFile(filepath.Join(wd, "Pulumi."+name+".yaml"), config, 0o644))
		kms, err := b.SecretsProvider(ctx, "plinth-"+name)
		check(err)
		run(wd, env, filepath.Join(bin, "pulumi"), "stack", "init", name, "--secrets-provider", kms)
		run(wd, env, filepath.Join(bin, "pulumi"), "config", "set", "--secret", "--stack", name, "plinth:dbPassword", "bench-"+name)
	}
	previews := make([][]string, len(names))
	for i, n := range names {
		previews[i] = []string{local, "preview", "--stack", n, "--workdir", wd}
	}
	// One preview first: it installs the kubernetes plugin into PULUMI_HOME.
	run(root, env, local, "preview", "--stack", names[0], "--workdir", wd)
	cloudStacks := []string{"dev", "staging", "prod", "gcp-prod"}
	plans := make([][]string, len(cloudStacks))
	for i, n := range cloudStacks {
		plans[i] = []string{clouds, "plan", "--stack", n}
	}
	one := func(cmds [][]string) (time.Duration, int) { return parallel(root, env, cmds[:1]) }
	all := func(cmds [][]string) (time.Duration, int) { return parallel(root, env, cmds) }
	type result struct {
		walls []time.Duration
		peak  int
	}
	res := map[string]*result{}
	for _, k := range []string{"1 preview", "5 previews in parallel", "1 plan", "4 plans in parallel"} {
		res[k] = &result{}
	}
	record := func(k string, d time.Duration, peak int) {
		res[k].walls = append(res[k].walls, d)
		res[k].peak = max(res[k].peak, peak)
	}
	for r := 0; r < rounds; r++ {
		d, p := one(previews)
		record("1 preview", d, p)
		d, p = all(previews)
		record("5 previews in parallel", d, p)
		d, p = one(plans)
		record("1 plan", d, p)
		d, p = all(plans)
		record("4 plans in parallel", d, p)
	}
	keys, err := b.Keys(ctx, ".pulumi/locks/")
	check(err)
	fmt.Fprintf(w, "State in one S3 bucket, secrets under a KMS key per stack (moto on loopback); each stack a separate process of the stack driver; %d rounds, medians of wall time, peak of the summed RSS of every process (driver, CLI, plugins). Locks left: %d.\n\n", rounds, len(keys))
	fmt.Fprintf(w, "| run | wall (median) | peak memory |\n|---|---|---|\n")
	for _, k := range []string{"1 preview", "5 previews in parallel", "1 plan", "4 plans in parallel"} {
		fmt.Fprintf(w, "| %s | %.2f s | %d MB |\n", k, median(res[k].walls).Seconds(), res[k].peak)
	}
	fmt.Fprintf(w, "\nPreviews: five stacks with the local stack's config against the local control plane (the AWS and GCP providers cannot run here). Plans: dev, staging, prod and gcp-prod composed under mocks (`make plan`).\n")
}

// localConfigWithoutSecrets is Pulumi.local.yaml without its
// passphrase-encrypted values.
func localConfigWithoutSecrets(root string) []byte {
	raw, err := os.ReadFile(filepath.Join(root, "Pulumi.local.yaml"))
	check(err)
	var file map[string]any
	check(yaml.Unmarshal(raw, &file))
	delete(file, "encryptionsalt")
	delete(file["config"].(map[string]any), "plinth:dbPassword")
	out, err := yaml.Marshal(file)
	check(err)
	return out
}

// parallel runs every command at once and returns the wall time until the
// last ends and the peak of the summed RSS of their process trees, in MB.
func parallel(dir string, env []string, cmds [][]string) (time.Duration, int) {
	var wg sync.WaitGroup
	pids := make(chan int, len(cmds))
	errs := make(chan error, len(cmds))
	start := time.Now()
	for _, c := range cmds {
		cmd := exec.Command(c[0], c[1:]...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		check(cmd.Start())
		pids <- cmd.Process.Pid
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := cmd.Wait(); err != nil {
				errs <- fmt.Errorf("%s: %v\n%s", strings.Join(c, " "), err, tail(out.String(), 20))
			}
		}()
	}
	close(pids)
	var roots []int
	for p := range pids {
		roots = append(roots, p)
	}
	done := make(chan struct{})
	peak := 0
	go func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			peak = max(peak, treeRSS(roots))
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	wg.Wait()
	wall := time.Since(start)
	done <- struct{}{}
	close(errs)
	for err := range errs {
		check(err)
	}
	return wall, peak / 1024
}

// treeRSS sums the resident memory (kB) of the processes under roots,
// read through gopsutil (as pkg/localcluster does), not from /proc by hand.
func treeRSS(roots []int) int {
	procs, err := process.Processes()
	if err != nil {
		return 0
	}
	parent := map[int32]int32{}
	rss := map[int32]uint64{}
	for _, p := range procs {
		ppid, err := p.Ppid()
		if err != nil {
			continue // the process ended while we looked
		}
		mem, err := p.MemoryInfo()
		if err != nil {
			continue
		}
		parent[p.Pid], rss[p.Pid] = ppid, mem.RSS
	}
	in := map[int32]bool{}
	for _, r := range roots {
		in[int32(r)] = true
	}
	var total uint64
	for pid, r := range rss {
		for p, hops := pid, 0; p > 1 && hops < 64; p, hops = parent[p], hops+1 {
			if in[p] {
				total += r
				break
			}
		}
	}
	return int(total / 1024)
}
