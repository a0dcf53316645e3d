// Package imageref checks container image references the way registries
// and kubelets read them, using the reference grammar of the distribution
// project, and decides whether a reference is pinned.
//
// A reference is pinned when it carries a digest, or a tag other than
// "latest". An unpinned reference lets the same configuration run
// different code on every pull, so plinth rejects it unless asked.
package imageref

import (
	"fmt"
	"strings"

	"github.com/distribution/reference"
)

// Ref is a parsed image reference.
type Ref struct {
	// Name is the repository, normalised with the default registry and
	// library prefix, e.g. "docker.io/library/nginx".
	Name string
	// Tag is the tag, or "" when there is none.
	Tag string
	// Digest is the content digest, e.g. "sha256:…", or "" when there is none.
	Digest string
}

// Parse parses an image reference. The error says what is wrong and how to
// fix it.
func Parse(s string) (Ref, error) {
	if s == "" {
		return Ref{}, fmt.Errorf("is empty: set an image such as %q", "ghcr.io/acme/web:1.4.2")
	}
	if strings.TrimSpace(s) != s {
		return Ref{}, fmt.Errorf("%q has surrounding spaces: remove them", s)
	}
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return Ref{}, fmt.Errorf("%q is not a valid image reference (%v): use [registry/]repository[:tag][@sha256:digest] in lowercase", s, err)
	}
	// The reference grammar reads a first path element with an uppercase
	// letter as a registry host ("ACME/web" is host "ACME"): a host
	// without a dot, a port or the name localhost is almost always a
	// mistyped (uppercase) repository, and a pull would go to a host that
	// does not exist.
	if d := reference.Domain(named); !strings.ContainsAny(d, ".:") && d != "localhost" {
		return Ref{}, fmt.Errorf("%q names %q as its registry host, which has no dot or port (repository names are lowercase; uppercase makes the first part a host): lowercase the repository, or give the registry's full host name", s, d)
	}
	r := Ref{Name: named.Name()}
	if t, ok := named.(reference.Tagged); ok {
		r.Tag = t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		r.Digest = d.Digest().String()
	}
	return r, nil
}

// Pinned reports whether the reference names one image for good: it has a
// digest, or a tag other than "latest".
func (r Ref) Pinned() bool {
	return r.Digest != "" || (r.Tag != "" && r.Tag != "latest")
}

// Version returns what identifies the image version: the tag if any,
// otherwise the digest.
func (r Ref) Version() string {
	if r.Tag != "" {
		return r.Tag
	}
	return r.Digest
}

// Check parses s and, unless allowMutable, rejects references that are not
// pinned. Errors read well after a field path, e.g.
// `apps[1].image: "nginx" has no tag or digest: pin a tag or a digest`.
func Check(s string, allowMutable bool) error {
	r, err := Parse(s)
	if err != nil {
		return err
	}
	if allowMutable || r.Pinned() {
		return nil
	}
	if r.Tag == "latest" {
		return fmt.Errorf("%q uses the mutable tag \"latest\": pin a version tag or a digest", s)
	}
	return fmt.Errorf("%q has no tag or digest: pin a tag or a digest", s)
}
