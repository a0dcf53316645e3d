package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

// promote copies the images of from's overlay to to's, for every image
// name both run, as a commit on a new branch of the repository, ready for
// a pull request: to's images change only this way once set (see
// gitops_render.go). It returns the branch, or "" when to already runs
// from's images.
func promote(ctx context.Context, w io.Writer, root, repo, from, to string) (string, error) {
	envs, err := gitopsEnvs(root, "", nil)
	if err != nil {
		return "", err
	}
	target := envs[to]
	if target == nil {
		return "", fmt.Errorf("stack %s does not have plinth:delivery gitops", to)
	}
	if from == "" {
		from = target.GitOps.PromoteFrom
	}
	if from == "" {
		return "", fmt.Errorf("stack %s has no plinth:gitops.promoteFrom: give --from", to)
	}
	if envs[from] == nil {
		return "", fmt.Errorf("stack %s does not have plinth:delivery gitops", from)
	}
	src := readImages(filepath.Join(repo, envsDir, envs[from].Name, "kustomization.yaml"))
	path := filepath.Join(envsDir, target.Name, "kustomization.yaml")
	raw, err := os.ReadFile(filepath.Join(repo, path))
	if err != nil {
		return "", fmt.Errorf("read %s's overlay (run `gitops render` first): %w", to, err)
	}
	var k kustomization
	if err := yaml.Unmarshal(raw, &k); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	var moved []string
	for i, img := range k.Images {
		if s, ok := src[img.Name]; ok && s != img {
			k.Images[i] = s
			moved = append(moved, fmt.Sprintf("%s %s", img.Name, describeImage(s)))
		}
	}
	if len(moved) == 0 {
		fmt.Fprintf(w, "%s already runs %s's images: nothing to promote\n", to, from)
		return "", nil
	}
	slices.Sort(moved)
	out, err := yaml.Marshal(k)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(strings.Join(moved, "\n")))
	branch := fmt.Sprintf("promote/%s-to-%s-%s", from, to, hex.EncodeToString(sum[:4]))
	git := func(args ...string) error {
		cmd := exec.CommandContext(ctx, "git", append([]string{"-C", repo}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("git %s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
		}
		return nil
	}
	if err := git("switch", "-c", branch); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(repo, path), out, 0o644); err != nil {
		return "", err
	}
	// Rendered again, so what follows the images (the version labels)
	// does too; Secrets are kept as they are.
	changed, err := renderGitOps(renderOptions{Root: root, Repo: repo})
	if err != nil {
		return "", err
	}
	if err := git("add", "-A", "--", path, appsDir, envsDir); err != nil {
		return "", err
	}
	_ = changed
	msg := fmt.Sprintf("promote %s to %s\n\n%s\n", from, to, strings.Join(moved, "\n"))
	if err := git("commit", "-q", "-m", msg); err != nil {
		return "", err
	}
	fmt.Fprintf(w, "promoted %s to %s on branch %s:\n  %s\npush it and open a pull request; once merged, Flux applies it\n", from, to, branch, strings.Join(moved, "\n  "))
	return branch, nil
}

// describeImage is an image entry as a reference.
func describeImage(img kImage) string {
	ref := img.NewName
	if img.NewTag != "" {
		ref += ":" + img.NewTag
	}
	if img.Digest != "" {
		ref += "@" + img.Digest
	}
	return ref
}

// RenderGitOps renders the GitOps layout of the stack files into repo
// (renderGitOps). With only set, that stack's Secrets are rendered too:
// its decrypted config is read from its backend.
func (d *Driver) RenderGitOps(ctx context.Context, repo, only string) error {
	if repo == "" {
		return fmt.Errorf("gitops render needs --repo: the work tree of the repository Flux follows")
	}
	o := renderOptions{Root: d.workDir(), Repo: repo, Stack: only, Out: d.Out}
	if only != "" {
		s, err := d.Open(ctx)
		if err != nil {
			return err
		}
		cfg, err := s.GetAllConfig(ctx)
		if err != nil {
			return fmt.Errorf("read stack %s's config: %w", only, err)
		}
		o.Secrets = map[string]string{}
		for k, v := range cfg {
			if v.Secret {
				o.Secrets[k] = v.Value
			}
		}
		if tool, err := findSops(d.Root); err != nil {
			o.Sops = missingSops{err}
		} else {
			o.Sops = tool
		}
	}
	changed, err := renderGitOps(o)
	if err != nil {
		return err
	}
	if len(changed) == 0 {
		fmt.Fprintln(d.Out, "gitops render: nothing changed")
		return nil
	}
	fmt.Fprintf(d.Out, "gitops render: %d file(s) changed:\n  %s\n", len(changed), strings.Join(changed, "\n  "))
	return nil
}
