package main

import (
	"strings"
	"testing"
)

const stackFile = `config:
  plinth:tier: dev
  # The applications.
  plinth:apps:
    - name: web
      image: registry.example.com/shop/web:1.0.0 # set by the image workflow
      host: web.example.com
    - name: checkout
      namespace: shop
      image: registry.example.com/shop/checkout:2.3.0
      strategy: BlueGreen
      greenImage: registry.example.com/shop/checkout:2.4.0
`

const digest = "sha256:3b1f0c2d9e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c"

func TestSetImageChangesOneLineAndKeepsTheRest(t *testing.T) {
	out, err := SetImage([]byte(stackFile), "checkout", "greenImage", "registry.example.com/shop/checkout:2.5.0@"+digest)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(stackFile, "greenImage: registry.example.com/shop/checkout:2.4.0", "greenImage: registry.example.com/shop/checkout:2.5.0@"+digest, 1)
	if string(out) != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
	out, err = SetImage([]byte(stackFile), "web", "image", "registry.example.com/shop/web:1.1.0@"+digest)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "image: registry.example.com/shop/web:1.1.0@"+digest) || !strings.Contains(string(out), "# The applications.") {
		t.Fatalf("got:\n%s", out)
	}
}

func TestSetImageRefuses(t *testing.T) {
	for _, c := range []struct{ app, field, image, want string }{
		{"web", "image", "registry.example.com/shop/web:1.1.0", "has no digest"},
		{"web", "image", "Registry/web@" + digest, "registry host"},
		{"api", "image", "registry.example.com/shop/api@" + digest, `no app "api" (it has [web checkout])`},
		{"web", "greenImage", "registry.example.com/shop/web@" + digest, "has no greenImage"},
		{"web", "tag", "registry.example.com/shop/web@" + digest, "use image, greenImage or canaryImage"},
	} {
		_, err := SetImage([]byte(stackFile), c.app, c.field, c.image)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s %s: err = %v, want …%s…", c.app, c.field, c.image, err, c.want)
		}
	}
}
