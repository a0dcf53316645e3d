package plinthtest

import (
	"slices"
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/pkg/problem"
)

// RequireProblem fails the test unless err reports a problem at path whose
// line starts with prefix+path and contains text. prefix is what the
// validator puts first, e.g. `app "web": ` or "plinth:".
func RequireProblem(t testing.TB, err error, prefix, path, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want a problem at %s", path)
	}
	if !slices.Contains(problem.Paths(err), path) {
		t.Fatalf("problem paths = %v, want %q; error:\n%v", problem.Paths(err), path, err)
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		if strings.HasPrefix(line, prefix+path) && strings.Contains(line, text) {
			return
		}
	}
	t.Fatalf("no error line starts with %q and contains %q; error:\n%v", prefix+path, text, err)
}
