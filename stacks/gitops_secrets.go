package main

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"filippo.io/age"
	"sigs.k8s.io/yaml"

	"github.com/plinth-dev/plinth/pkg/config"
)

// secretTool encrypts and decrypts a Secret manifest for the repository.
type secretTool interface {
	// Encrypt encrypts plaintext (YAML) to the age recipient; path is the
	// file's path in the repository.
	Encrypt(recipient, path string, plaintext []byte) ([]byte, error)
	// Decrypt decrypts ciphertext with the age identity.
	Decrypt(identity, path string, ciphertext []byte) ([]byte, error)
}

// encryptedRegex is what sops encrypts in a Secret: its values, not its
// metadata (kustomize-controller decrypts data and stringData).
const encryptedRegex = "^(data|stringData)$"

// sopsCLI is the sops command: SOPS with age, the format
// kustomize-controller decrypts natively. The renderer runs the sops
// binary a team already uses to edit its Secrets (make flux-tools builds
// bin/sops, from the same sops module kustomize-controller decrypts
// with), rather than linking sops, whose key services would add about a
// thousand packages to the stack program's build.
type sopsCLI struct{ bin string }

// findSops returns the sops binary: $PLINTH_SOPS, sops on PATH, or
// bin/sops under root.
func findSops(root string) (sopsCLI, error) {
	if p := os.Getenv("PLINTH_SOPS"); p != "" {
		return sopsCLI{p}, nil
	}
	if p, err := exec.LookPath("sops"); err == nil {
		return sopsCLI{p}, nil
	}
	if p := filepath.Join(root, "bin", "sops"); fileExists(p) {
		return sopsCLI{p}, nil
	}
	return sopsCLI{}, errors.New("sops is not installed: rendering Secrets needs it (`make flux-tools` builds bin/sops, or install sops 3.9 or later, or set PLINTH_SOPS)")
}

// missingSops stands for a sops that is not installed: a render that has
// a Secret to write says so.
type missingSops struct{ err error }

func (m missingSops) Encrypt(string, string, []byte) ([]byte, error) { return nil, m.err }
func (m missingSops) Decrypt(string, string, []byte) ([]byte, error) { return nil, m.err }

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// run runs sops with stdin in an empty directory (so no .sops.yaml of
// the caller's applies) and with only the age key given in env.
func (s sopsCLI) run(stdin []byte, env []string, args ...string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "plinth-sops-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command(s.bin, args...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "SOPS_") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("sops %s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return out.Bytes(), nil
}

func (s sopsCLI) Encrypt(recipient, path string, plaintext []byte) ([]byte, error) {
	return s.run(plaintext, nil, "encrypt", "--age", recipient, "--encrypted-regex", encryptedRegex,
		"--input-type", "yaml", "--output-type", "yaml", "--filename-override", path)
}

func (s sopsCLI) Decrypt(identity, path string, ciphertext []byte) ([]byte, error) {
	return s.run(ciphertext, []string{"SOPS_AGE_KEY=" + identity}, "decrypt",
		"--input-type", "yaml", "--output-type", "yaml", "--filename-override", path)
}

// ageIdentity returns the rendered stack's age identity and recipient.
func ageIdentity(o renderOptions) (string, string, error) {
	raw := strings.TrimSpace(o.Secrets[config.Namespace+":"+config.SecretGitOpsAgeKey])
	id, err := age.ParseX25519Identity(raw)
	if err != nil {
		return "", "", fmt.Errorf("plinth:%s: %v", config.SecretGitOpsAgeKey, err)
	}
	return raw, id.Recipient().String(), nil
}

// encryptSecret returns the file of a Secret at path: the one in the
// repository when it decrypts to the same Secret, else a new encryption,
// checked to hold no plaintext value.
func encryptSecret(o renderOptions, env *config.Environment, path string, sec obj) ([]byte, error) {
	if o.Sops == nil {
		return nil, errors.New("no sops to encrypt Secrets with")
	}
	identity, recipient, err := ageIdentity(o)
	if err != nil {
		return nil, err
	}
	plain, err := canonical(sec)
	if err != nil {
		return nil, err
	}
	if old, err := os.ReadFile(filepath.Join(o.Repo, path)); err == nil {
		if dec, err := o.Sops.Decrypt(identity, path, old); err == nil {
			var v any
			if yaml.Unmarshal(dec, &v) == nil {
				if again, err := canonical(v); err == nil && bytes.Equal(again, plain) {
					return old, nil
				}
			}
		}
	}
	enc, err := o.Sops.Encrypt(recipient, path, plain)
	if err != nil {
		return nil, err
	}
	if err := checkEncrypted(enc, sec, recipient); err != nil {
		return nil, fmt.Errorf("%s: refusing to write it: %w", path, err)
	}
	return enc, nil
}

// checkEncrypted holds an encrypted Secret to what makes it safe in git:
// sops metadata naming the recipient, every value of data and stringData
// an AES-GCM ciphertext, and no plaintext value anywhere in the file.
func checkEncrypted(enc []byte, sec obj, recipient string) error {
	var doc map[string]any
	if err := yaml.Unmarshal(enc, &doc); err != nil {
		return fmt.Errorf("the encrypted file is not YAML: %v", err)
	}
	meta, _ := doc["sops"].(map[string]any)
	if meta == nil || !strings.Contains(fmt.Sprint(meta["age"]), recipient) {
		return errors.New("it has no sops metadata for the environment's age recipient")
	}
	for _, field := range []string{"data", "stringData"} {
		m, _ := doc[field].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if v, _ := m[k].(string); !strings.HasPrefix(v, "ENC[AES256_GCM,") {
				return fmt.Errorf("%s.%s is not encrypted", field, k)
			}
		}
	}
	for _, field := range []string{"data", "stringData"} {
		m, _ := sec[field].(map[string]any)
		for k, v := range m {
			if s := fmt.Sprint(v); len(s) >= 4 && bytes.Contains(enc, []byte(s)) {
				return fmt.Errorf("the value of %s.%s appears in plaintext", field, k)
			}
		}
	}
	return nil
}

// sopsRules writes .sops.yaml: for each environment, its Secrets are
// encrypted to its age recipient (a person editing one with `sops
// envs/<env>/secrets/<file>` gets the same). The rendered stack's rule
// comes from its identity; the others' are kept.
func sopsRules(o renderOptions, out files, envs map[string]*config.Environment) error {
	type rule struct {
		PathRegex      string `json:"path_regex"`
		EncryptedRegex string `json:"encrypted_regex"`
		Age            string `json:"age"`
	}
	var cfg struct {
		CreationRules []rule `json:"creation_rules"`
	}
	if raw, err := os.ReadFile(filepath.Join(o.Repo, ".sops.yaml")); err == nil {
		_ = yaml.Unmarshal(raw, &cfg)
	}
	byEnv := map[string]rule{}
	for _, r := range cfg.CreationRules {
		byEnv[r.PathRegex] = r
	}
	if o.Stack != "" {
		_, recipient, err := ageIdentity(o)
		if err != nil {
			return err
		}
		re := "^" + envsDir + "/" + envs[o.Stack].Name + "/secrets/.*\\.yaml$"
		byEnv[re] = rule{PathRegex: re, EncryptedRegex: encryptedRegex, Age: recipient}
	}
	if len(byEnv) == 0 {
		return nil
	}
	cfg.CreationRules = nil
	for _, re := range slices.Sorted(maps.Keys(byEnv)) {
		cfg.CreationRules = append(cfg.CreationRules, byEnv[re])
	}
	return out.yaml(".sops.yaml", cfg)
}
