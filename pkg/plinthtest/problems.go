package plinthtest

import (
	"slices"
	"strings"

	"github.com/plinth-dev/plinth/pkg/problem"
)

// RequireProblem fails the test unless err reports a problem at path whose
// line starts with prefix+path (after any "<context>: " the runtime wraps
// it in) and contains text. prefix is what the
// validator puts first, e.g. `app "web": ` or "plinth:".
func RequireProblem(t T, err error, prefix, path, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want a problem at %s", path)
	}
	if !slices.Contains(problem.Paths(err), path) {
		t.Fatalf("problem paths = %v, want %q; error:\n%v", problem.Paths(err), path, err)
	}
	RequireProblemLine(t, err, prefix, path, text)
}

// RequireProblemLine is RequireProblem for an error that crossed the
// Pulumi runtime as text (a check that failed when an Output resolved):
// only its lines are read.
func RequireProblemLine(t T, err error, prefix, path, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want a problem at %s", path)
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		// The Pulumi runtime lists a program's errors as "\t* <error>".
		line = strings.TrimPrefix(strings.TrimSpace(line), "* ")
		// An error raised while resolving an Output reaches the program
		// wrapped as "<context>: <error>".
		at := strings.Index(line, prefix+path)
		if at >= 0 && (at == 0 || strings.HasSuffix(line[:at], ": ")) && strings.Contains(line[at:], text) {
			return
		}
	}
	t.Fatalf("no error line starts with %q and contains %q; error:\n%v", prefix+path, text, err)
}
