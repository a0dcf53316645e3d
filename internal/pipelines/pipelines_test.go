package pipelines

import (
	"strings"
	"testing"
)

func TestRepositoryPipelines(t *testing.T) {
	for _, err := range Check("../..") {
		t.Error(err)
	}
}

// TestBrokenPipelinesAreCaught runs the checker on a deliberately broken
// copy (testdata/broken): every rule must catch its breakage.
func TestBrokenPipelinesAreCaught(t *testing.T) {
	errs := Check("testdata/broken")
	var all []string
	for _, e := range errs {
		all = append(all, e.Error())
	}
	text := strings.Join(all, "\n")
	for _, want := range []string{
		"preview.yml previews [dev], want every stack",
		"uses actions/checkout@v4, which is not pinned to a commit SHA",
		"expands a secret into its script",
		"runs \"printenv\"",
		"deploy.yml job prod deploys without the production environment's approval",
		"ci.yml runs no step with \"make e2e\"",
		"declares no top-level permissions",
		"has no concurrency group",
		".gitlab-ci.yml deploys prod without a manual approval",
		".gitlab-ci.yml has no merge-request preview of staging",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the broken copy was not caught for %q; findings:\n%s", want, text)
		}
	}
}
