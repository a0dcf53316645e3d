package localcluster

import (
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"strings"
	"testing"
)

func TestPKIIssuesCertificatesTheCAVerifies(t *testing.T) {
	p, err := newPKI(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.issue("apiserver", "kube-apiserver", nil, []net.IP{net.ParseIP("127.0.0.1")}, []string{"localhost"}, true); err != nil {
		t.Fatal(err)
	}
	if err := p.issue("admin", "plinth-admin", []string{"system:masters"}, nil, nil, false); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(p.caCert)
	load := func(name string) *x509.Certificate {
		b, err := p.read(name + ".crt")
		if err != nil {
			t.Fatal(err)
		}
		blk, _ := pem.Decode(b)
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if _, err := load("apiserver").Verify(x509.VerifyOptions{Roots: pool, DNSName: "localhost", KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		t.Fatalf("serving certificate: %v", err)
	}
	admin := load("admin")
	if _, err := admin.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("client certificate: %v", err)
	}
	if admin.Subject.CommonName != "plinth-admin" || admin.Subject.Organization[0] != "system:masters" {
		t.Fatalf("admin subject = %v", admin.Subject)
	}
	for _, f := range []string{"ca.key", "admin.key"} {
		info, err := os.Stat(p.path(f))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("%s mode = %v (%v), want 0600", f, info.Mode(), err)
		}
	}
}

func TestOptionsNeedAStateDirAndBinaries(t *testing.T) {
	if _, err := (Options{}).withDefaults(); err == nil || !strings.Contains(err.Error(), "StateDir is empty") {
		t.Fatalf("err = %v", err)
	}
	_, err := Options{StateDir: t.TempDir(), BinDir: t.TempDir()}.withDefaults()
	if err == nil || !strings.Contains(err.Error(), "run `make tools`") {
		t.Fatalf("err = %v, want a pointer to make tools", err)
	}
}
