// Command setimage writes an application's image, by digest, into a stack
// file: what the image pipeline (.github/workflows/image.yml, and the
// GitLab template .gitlab/image.gitlab-ci.yml) runs before it opens the
// pull request that deploys the image.
//
//	go run github.com/plinth-dev/plinth/cmd/setimage -file Pulumi.dev.yaml -app web \
//	    -image registry.example.com/shop/web:1.4.2@sha256:…
//
// It edits plinth:apps[name=<app>].<field> in place (comments and the
// order of keys are kept), and refuses an image without a digest: the
// image policy verifies what a digest names (docs/supply-chain.md).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/plinth-dev/plinth/pkg/imageref"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func main() {
	file := flag.String("file", "", "the stack file (Pulumi.<stack>.yaml)")
	app := flag.String("app", "", "the application's name in plinth:apps")
	image := flag.String("image", "", "the image, with its digest (repository[:tag]@sha256:…)")
	field := flag.String("field", "image", "the field: image, greenImage or canaryImage")
	flag.Parse()
	if err := run(*file, *app, *field, *image); err != nil {
		fmt.Fprintln(os.Stderr, "setimage:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: plinth:apps[%s].%s = %s\n", *file, *app, *field, *image)
}

func run(file, app, field, image string) error {
	if file == "" || app == "" {
		return fmt.Errorf("-file and -app are required")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	out, err := SetImage(b, app, field, image)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return os.WriteFile(file, out, 0o644) //nolint:gosec // a stack file, committed to git
}

// SetImage returns the stack file b with plinth:apps[name=app].field set
// to image.
func SetImage(b []byte, app, field, image string) ([]byte, error) {
	switch field {
	case "image", "greenImage", "canaryImage":
	default:
		return nil, fmt.Errorf("-field %q: use image, greenImage or canaryImage", field)
	}
	ref, err := imageref.Parse(image)
	if err != nil {
		return nil, fmt.Errorf("-image %w", err)
	}
	if ref.Digest == "" {
		return nil, fmt.Errorf("-image %q has no digest: give repository[:tag]@sha256:… (the digest the pipeline pushed and signed)", image)
	}
	doc, err := yaml.Parse(string(b))
	if err != nil {
		return nil, err
	}
	apps, err := doc.Pipe(yaml.Lookup("config", "plinth:apps"))
	if err != nil {
		return nil, err
	}
	if apps == nil {
		return nil, fmt.Errorf("has no config.plinth:apps")
	}
	entry, err := apps.Pipe(yaml.MatchElement("name", app))
	if err != nil {
		return nil, err
	}
	if entry == nil {
		names, _ := apps.ElementValues("name")
		return nil, fmt.Errorf("plinth:apps has no app %q (it has %v)", app, names)
	}
	f := entry.Field(field)
	if f == nil || f.Value == nil {
		return nil, fmt.Errorf("app %q has no %s: its strategy does not use one", app, field)
	}
	// The value is replaced where it is written, so the rest of the file
	// (comments, quoting, indentation) stays byte for byte.
	v := f.Value.YNode()
	if v.Kind != yaml.ScalarNode {
		return nil, fmt.Errorf("app %q: %s is not a string", app, field)
	}
	lines := strings.SplitAfter(string(b), "\n")
	line := lines[v.Line-1]
	start := v.Column - 1
	end := start + len(v.Value)
	if v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		end += 2
	}
	if start < 0 || end > len(line) || strings.Trim(line[start:end], `"'`) != v.Value {
		return nil, fmt.Errorf("app %q: %s is not written on one line: write it as a plain string", app, field)
	}
	lines[v.Line-1] = line[:start] + image + line[end:]
	return []byte(strings.Join(lines, "")), nil
}
