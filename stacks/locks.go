package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/shirou/gopsutil/v4/process"
)

// A DIY backend (a directory, S3) locks a stack with one object per run,
// .pulumi/locks/organization/<project>/<stack>/<id>.json, holding the
// pid, user, host and start time of the CLI that wrote it (pulumi's
// backend/diy/lock.go). `pulumi cancel` deletes them all, whether their
// runs still go on or not: deleting a live run's lock lets a second run
// save over it, and the first run's records are lost. So the driver
// reads the locks first and says which runs are alive.

// StaleAfter is how old a lock from another host must be before the
// driver calls its run gone: it cannot see another host's processes, and
// a cloud stack's first up can take an hour.
const StaleAfter = 2 * time.Hour

// lockHolder is the run one lock object names.
type lockHolder struct {
	Pid       int       `json:"pid"`
	Username  string    `json:"username"`
	Hostname  string    `json:"hostname"`
	Timestamp time.Time `json:"timestamp"`
	// Key is the lock object's key in the backend.
	Key string `json:"-"`
}

// Liveness of a lock's run.
const (
	runAlive   = "alive"   // a pulumi process with its pid runs on this host
	runGone    = "gone"    // this host, and no such process (or a zombie); or older than StaleAfter
	runUnknown = "unknown" // another host, younger than StaleAfter
)

// liveness judges whether the run that holds a lock still goes on.
func (h lockHolder) liveness(now time.Time) string {
	host, _ := os.Hostname()
	if h.Hostname == host {
		if p, err := process.NewProcess(int32(h.Pid)); err == nil {
			if n, err := p.Name(); err == nil && strings.HasPrefix(n, "pulumi") {
				// A zombie (killed, not yet reaped by its parent) is gone.
				st, serr := p.Status()
				zombie := serr == nil && len(st) > 0 && st[0] == process.Zombie
				if ct, err := p.CreateTime(); err == nil && !zombie && !time.UnixMilli(ct).After(h.Timestamp.Add(time.Second)) {
					return runAlive
				}
			}
		}
		return runGone
	}
	if now.Sub(h.Timestamp) > StaleAfter {
		return runGone
	}
	return runUnknown
}

func (h lockHolder) String() string {
	return fmt.Sprintf("pulumi (pid %d) of %s@%s, started %s", h.Pid, h.Username, h.Hostname, h.Timestamp.Local().Format("2006-01-02 15:04:05"))
}

// locks returns the stack's lock objects in the backend the driver uses,
// oldest first. Backends other than a directory and S3 are not read: the
// error says so.
func (d *Driver) locks(ctx context.Context) ([]lockHolder, error) {
	backend := d.environment()["PULUMI_BACKEND_URL"]
	u, err := url.Parse(backend)
	if err != nil {
		return nil, err
	}
	dir := path.Join(".pulumi", "locks", "organization", projectName, d.Stack)
	var read func() (map[string][]byte, error)
	switch u.Scheme {
	case "file":
		read = func() (map[string][]byte, error) { return readLockDir(filepath.Join(u.Path, filepath.FromSlash(dir))) }
	case "s3":
		read = func() (map[string][]byte, error) { return readS3Locks(ctx, u, dir) }
	default:
		return nil, fmt.Errorf("the driver reads locks in a directory or S3 backend, not %s://", u.Scheme)
	}
	objs, err := read()
	if err != nil {
		return nil, fmt.Errorf("read the stack's locks: %w", err)
	}
	var out []lockHolder
	for key, b := range objs {
		h := lockHolder{Key: key}
		if err := json.Unmarshal(b, &h); err != nil {
			return nil, fmt.Errorf("lock %s: %w", key, err)
		}
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Timestamp.Before(out[j].Timestamp) })
	return out, nil
}

func readLockDir(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if errors.Is(err, os.ErrNotExist) {
			continue // released since the listing
		}
		if err != nil {
			return nil, err
		}
		out[filepath.Join(dir, e.Name())] = b
	}
	return out, nil
}

// readS3Locks reads the lock objects of an S3 backend URL
// (s3://bucket?endpoint=…&region=…&s3ForcePathStyle=true), with the
// credentials of the environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), as the CLI's own calls use.
func readS3Locks(ctx context.Context, u *url.URL, dir string) (map[string][]byte, error) {
	q := u.Query()
	opts := s3.Options{
		Region:       cmpOr(q.Get("region"), os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), "us-east-1"),
		UsePathStyle: q.Get("s3ForcePathStyle") == "true",
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			id, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
			if id == "" || secret == "" {
				return aws.Credentials{}, errors.New("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
			}
			return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: os.Getenv("AWS_SESSION_TOKEN"), Source: "environment"}, nil
		}),
	}
	if ep := q.Get("endpoint"); ep != "" {
		if !strings.Contains(ep, "://") {
			ep = map[bool]string{true: "http://", false: "https://"}[q.Get("disableSSL") == "true"] + ep
		}
		opts.BaseEndpoint = aws.String(ep)
	}
	client := s3.New(opts)
	prefix := strings.Trim(path.Join(strings.TrimPrefix(u.Path, "/"), dir), "/") + "/"
	list, err := client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(u.Host), Prefix: aws.String(prefix)})
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, o := range list.Contents {
		if !strings.HasSuffix(aws.ToString(o.Key), ".json") {
			continue
		}
		got, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(u.Host), Key: o.Key})
		if err != nil {
			continue // released since the listing
		}
		b, err := io.ReadAll(got.Body)
		got.Body.Close()
		if err != nil {
			return nil, err
		}
		out["s3://"+u.Host+"/"+aws.ToString(o.Key)] = b
	}
	return out, nil
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// recoveryCommand is the command that clears a stack's stale lock and
// pending operations, built with only what the stack needs: a
// Kubernetes-only stack's build leaves out the AWS and GCP SDKs, which
// take minutes to compile.
func (d *Driver) recoveryCommand(extra ...string) string {
	cmd := "go run ./stacks cancel --stack " + d.Stack
	if d.kubernetesOnly() {
		cmd = "go run -tags plinthlocal ./stacks cancel --stack " + d.Stack
	}
	return strings.Join(append([]string{cmd}, extra...), " ")
}

// lockAdvice explains a refused operation on a locked stack from the
// locks themselves: whose run holds the stack, whether it still goes on,
// and what to do.
func (d *Driver) lockAdvice(ctx context.Context) string {
	holders, err := d.locks(ctx)
	if err != nil {
		return fmt.Sprintf("\nThe stack %q is locked by another run. The driver cannot tell whether it still goes on (%v): check the run the error names, and only if it has ended clear its lock with:\n  %s --force\n", d.Stack, err, d.recoveryCommand())
	}
	if len(holders) == 0 {
		return fmt.Sprintf("\nThe stack %q was locked by another run, which has released it since: run the command again.\n", d.Stack)
	}
	now := time.Now()
	var alive, unknown, gone []string
	for _, h := range holders {
		switch h.liveness(now) {
		case runAlive:
			alive = append(alive, h.String())
		case runUnknown:
			unknown = append(unknown, fmt.Sprintf("%s, %s ago", h, now.Sub(h.Timestamp).Round(time.Second)))
		default:
			gone = append(gone, h.String())
		}
	}
	switch {
	case len(alive) > 0:
		return fmt.Sprintf("\nThe stack %q is being changed by a run that is still going on: %s.\nWait for it to end, then run the command again. Do not cancel it: its records would be lost.\n", d.Stack, strings.Join(alive, "; "))
	case len(unknown) > 0:
		return fmt.Sprintf("\nThe stack %q is locked by a run on another machine, which may still be going on: %s.\nWait for it; only once you know it has ended (its job was cancelled, its machine is gone) clear the lock with:\n  %s --force\n", d.Stack, strings.Join(unknown, "; "), d.recoveryCommand())
	}
	return fmt.Sprintf("\nThe stack %q is locked by a run that did not finish and no longer runs: %s.\nClear the lock and the operations it left pending with:\n  %s\n", d.Stack, strings.Join(gone, "; "), d.recoveryCommand())
}
