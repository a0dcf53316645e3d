// Package localbackend runs a shared Pulumi state backend on loopback: an
// S3 bucket for the state (Pulumi's DIY backend, with its lock objects)
// and KMS keys for the stacks' secrets, both served by moto_server, the
// AWS API emulator. The e2e suite uses it to prove what a team relies on
// with real S3 and KMS (docs/state.md): one run at a time per stack,
// stale locks cleared, backups restored, no plaintext secret in the
// state. `make local-backend` starts one for trying the workflow.
//
// moto keeps its data in memory. So the backend keeps what a restart
// needs: its port (moto.lastport, reused when free, so the backend URL a
// stack was created with stays valid), and the bucket's objects, saved to
// snapshot/ by Snapshot (`make local-backend-down` saves before it
// stops) and put back by Up into an empty bucket. moto cannot keep a KMS
// key's material (it draws it at random, and takes no imported
// material), so secrets under a moto KMS key do not survive a restart;
// docs/state.md says how to keep them.
//
// The bucket and keys are created with the AWS SDK against moto's
// endpoint, so the same calls work against AWS.
package localbackend

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/plinth-dev/plinth/internal/loopback"
)

// Defaults of Options.
const (
	DefaultBucket = "plinth-state"
	DefaultRegion = "us-east-1"
)

// moto accepts any credentials; these say so.
const accessKey, secretKey = "plinth-local", "plinth-local-not-a-secret"

// Options configure a backend.
type Options struct {
	// StateDir holds moto's pid, port and log. Required.
	StateDir string
	// Bucket is the state bucket. Default: DefaultBucket.
	Bucket string
	// Region is the AWS region the clients name. Default: DefaultRegion.
	Region string
	// MotoServer is the moto_server command. Default: - moto_server on PATH.
	MotoServer string
}

// Backend is a running moto_server with the state bucket.
type Backend struct {
	// Endpoint is moto's URL, e.g. http://127.0.0.1:41234.
	Endpoint string
	// Bucket is the state bucket.
	Bucket string
	// Region is the region the clients and URLs name.
	Region string

	// Restored is how many objects Up put back from the last snapshot
	// into a bucket a restart had emptied.
	Restored int

	dir string
	s3  *s3.Client
	kms *kms.Client
}

// Start starts a backend for a test in a temporary directory and stops it
// when the test ends. A machine without moto_server fails the test,
// saying how to install it: the tests that need it are never skipped.
func Start(t testing.TB) *Backend {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := Up(ctx, Options{StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Stop(); err != nil {
			t.Errorf("stop the local backend: %v", err)
		}
	})
	return b
}

// Up starts moto_server in o.StateDir, or reuses the one running there,
// and creates the state bucket.
func Up(ctx context.Context, o Options) (*Backend, error) {
	if o.StateDir == "" {
		return nil, errors.New("localbackend: Options.StateDir is empty: give a directory for moto's pid, port and log")
	}
	if o.Bucket == "" {
		o.Bucket = DefaultBucket
	}
	if o.Region == "" {
		o.Region = DefaultRegion
	}
	if o.MotoServer == "" {
		o.MotoServer = "moto_server"
	}
	if err := os.MkdirAll(o.StateDir, 0o700); err != nil {
		return nil, err
	}
	endpoint, ok := running(ctx, o.StateDir)
	if !ok {
		var err error
		if endpoint, err = spawn(ctx, o); err != nil {
			return nil, err
		}
	}
	b := newBackend(endpoint, o)
	_, err := b.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b.Bucket)})
	var owned *s3types.BucketAlreadyOwnedByYou
	if err != nil && !errors.As(err, &owned) {
		return nil, fmt.Errorf("create the state bucket %s: %w", b.Bucket, err)
	}
	if b.Restored, err = b.restore(ctx); err != nil {
		return nil, fmt.Errorf("restore the bucket from %s: %w", b.snapshotDir(), err)
	}
	return b, nil
}

// snapshotDir holds the bucket's objects saved by Snapshot.
func (b *Backend) snapshotDir() string { return filepath.Join(b.dir, "snapshot", b.Bucket) }

// Snapshot saves every object of the bucket under StateDir/snapshot,
// replacing the previous snapshot, and returns how many. The objects are
// saved as they are: the secrets in a state stay encrypted.
func (b *Backend) Snapshot(ctx context.Context) (int, error) {
	keys, err := b.Keys(ctx, "")
	if err != nil {
		return 0, err
	}
	tmp := b.snapshotDir() + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return 0, err
	}
	for _, k := range keys {
		body, err := b.Object(ctx, k)
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", k, err)
		}
		path := filepath.Join(tmp, filepath.FromSlash(k))
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return 0, err
		}
		if err := os.WriteFile(path, body, 0o600); err != nil {
			return 0, err
		}
	}
	if err := os.RemoveAll(b.snapshotDir()); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(b.snapshotDir()), 0o700); err != nil {
		return 0, err
	}
	if len(keys) == 0 {
		return 0, os.RemoveAll(tmp)
	}
	return len(keys), os.Rename(tmp, b.snapshotDir())
}

// restore puts the snapshot back into an empty bucket (a restarted
// moto), and returns how many objects it put.
func (b *Backend) restore(ctx context.Context) (int, error) {
	if keys, err := b.Keys(ctx, ""); err != nil || len(keys) > 0 {
		return 0, err
	}
	n := 0
	err := filepath.WalkDir(b.snapshotDir(), func(path string, d os.DirEntry, err error) error {
		if errors.Is(err, os.ErrNotExist) {
			return filepath.SkipAll
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(b.snapshotDir(), path)
		if err != nil {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if _, err := b.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b.Bucket), Key: aws.String(filepath.ToSlash(rel)), Body: bytes.NewReader(body)}); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}

func newBackend(endpoint string, o Options) *Backend {
	creds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey, Source: "localbackend"}, nil
	})
	return &Backend{
		Endpoint: endpoint, Bucket: o.Bucket, Region: o.Region, dir: o.StateDir,
		s3:  s3.New(s3.Options{Region: o.Region, BaseEndpoint: aws.String(endpoint), UsePathStyle: true, Credentials: creds}),
		kms: kms.New(kms.Options{Region: o.Region, BaseEndpoint: aws.String(endpoint), Credentials: creds}),
	}
}

// URL is the Pulumi backend URL of the bucket (PULUMI_BACKEND_URL).
func (b *Backend) URL() string {
	q := url.Values{"endpoint": {b.Endpoint}, "s3ForcePathStyle": {"true"}, "region": {b.Region}}
	return "s3://" + b.Bucket + "?" + q.Encode()
}

// SecretsProvider returns the Pulumi secrets provider URL of the KMS key
// with the alias alias/<name>, creating the key when the alias does not
// exist yet.
func (b *Backend) SecretsProvider(ctx context.Context, name string) (string, error) {
	alias := "alias/" + name
	if _, err := b.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(alias)}); err != nil {
		var missing *kmstypes.NotFoundException
		if !errors.As(err, &missing) {
			return "", fmt.Errorf("describe %s: %w", alias, err)
		}
		key, err := b.kms.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("Pulumi secrets of " + name)})
		if err != nil {
			return "", fmt.Errorf("create the key of %s: %w", alias, err)
		}
		if _, err := b.kms.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: key.KeyMetadata.KeyId}); err != nil {
			return "", fmt.Errorf("create %s: %w", alias, err)
		}
	}
	q := url.Values{"endpoint": {b.Endpoint}, "region": {b.Region}}
	return "awskms://" + alias + "?" + q.Encode(), nil
}

// Env are the variables the Pulumi CLI needs to use the backend: the
// backend URL and credentials moto accepts.
func (b *Backend) Env() map[string]string {
	return map[string]string{
		"PULUMI_BACKEND_URL":        b.URL(),
		"AWS_ACCESS_KEY_ID":         accessKey,
		"AWS_SECRET_ACCESS_KEY":     secretKey,
		"AWS_REGION":                b.Region,
		"AWS_EC2_METADATA_DISABLED": "true",
	}
}

// Keys lists the object keys under prefix.
func (b *Backend) Keys(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	p := s3.NewListObjectsV2Paginator(b.s3, &s3.ListObjectsV2Input{Bucket: aws.String(b.Bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys, nil
}

// Object reads an object of the bucket.
func (b *Backend) Object(ctx context.Context, key string) ([]byte, error) {
	out, err := b.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.Bucket), Key: aws.String(key)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

// Delete deletes an object of the bucket.
func (b *Backend) Delete(ctx context.Context, key string) error {
	_, err := b.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b.Bucket), Key: aws.String(key)})
	return err
}

// Dir is the directory holding moto's pid, port and log.
func (b *Backend) Dir() string { return b.dir }

// Stop stops moto_server (its data is gone) and removes its files.
func (b *Backend) Stop() error { return StopDir(b.dir) }

// Running reports whether the moto_server recorded in stateDir answers.
func Running(stateDir string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, ok := running(ctx, stateDir)
	return ok
}

// StopDir stops the moto_server recorded in stateDir: SIGTERM, then
// SIGKILL after 10 s. A recorded pid is signalled only while moto answers
// on the recorded port, so a pid reused by another process is left alone.
func StopDir(stateDir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	_, ok := running(ctx, stateDir)
	cancel()
	pid, err := readInt(filepath.Join(stateDir, "moto.pid"))
	if ok && err == nil {
		p, _ := os.FindProcess(pid)
		_ = p.Signal(syscall.SIGTERM)
		deadline := time.Now().Add(10 * time.Second)
		for Running(stateDir) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if Running(stateDir) {
			_ = p.Signal(syscall.SIGKILL)
		}
	}
	// moto.lastport stays: the next start takes the same port.
	for _, f := range []string{"moto.pid", "moto.port"} {
		if err := os.Remove(filepath.Join(stateDir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// running returns the endpoint of the moto_server recorded in dir when it
// answers moto's own API there.
func running(ctx context.Context, dir string) (string, bool) {
	port, err := readInt(filepath.Join(dir, "moto.port"))
	if err != nil {
		return "", false
	}
	endpoint := "http://127.0.0.1:" + strconv.Itoa(port)
	return endpoint, answers(ctx, endpoint)
}

// answers reports whether moto's API answers at endpoint.
func answers(ctx context.Context, endpoint string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"/moto-api/data.json", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// spawn starts moto_server on a free loopback port, in its own session so
// it outlives the command that started it, and waits until it answers.
func spawn(ctx context.Context, o Options) (string, error) {
	bin, err := exec.LookPath(o.MotoServer)
	if err != nil {
		return "", fmt.Errorf("%s not found: install moto's server (`pip install 'moto[server]'`, moto 5): the shared-backend tests and `make local-backend` run on it", o.MotoServer)
	}
	var lastErr error
	// The free port can be taken between the probe and moto's bind: try again.
	for attempt := 0; attempt < 3; attempt++ {
		port, err := loopback.FreePort()
		if err != nil {
			return "", err
		}
		// The port of the last run, while it is free: the backend URL a
		// stack was created with stays the same.
		if last, err := readInt(filepath.Join(o.StateDir, "moto.lastport")); err == nil && attempt == 0 && loopback.Free(last) {
			port = last
		}
		log, err := os.OpenFile(filepath.Join(o.StateDir, "moto.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return "", err
		}
		cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
		cmd.Stdout, cmd.Stderr = log, log
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		err = cmd.Start()
		log.Close()
		if err != nil {
			return "", fmt.Errorf("start %s: %w", bin, err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		endpoint := "http://127.0.0.1:" + strconv.Itoa(port)
		if lastErr = waitAnswers(ctx, endpoint, exited); lastErr == nil {
			if err := os.WriteFile(filepath.Join(o.StateDir, "moto.pid"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o600); err != nil {
				return "", err
			}
			if err := os.WriteFile(filepath.Join(o.StateDir, "moto.lastport"), []byte(strconv.Itoa(port)), 0o600); err != nil {
				return "", err
			}
			return endpoint, os.WriteFile(filepath.Join(o.StateDir, "moto.port"), []byte(strconv.Itoa(port)), 0o600)
		}
		_ = cmd.Process.Kill()
	}
	return "", fmt.Errorf("moto_server did not start (see %s): %w", filepath.Join(o.StateDir, "moto.log"), lastErr)
}

func waitAnswers(ctx context.Context, endpoint string, exited <-chan error) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if answers(ctx, endpoint) {
			return nil
		}
		select {
		case err := <-exited:
			return fmt.Errorf("moto_server exited: %v", err)
		case <-ctx.Done():
			return fmt.Errorf("moto_server did not answer at %s: %w", endpoint, ctx.Err())
		case <-tick.C:
		}
	}
}

func readInt(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}
