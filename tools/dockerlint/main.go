// Command dockerlint lints Dockerfiles with BuildKit's own parser and
// lint rules (the checks `docker build --check` runs while parsing), plus
// the rules plinth's images follow: base images pinned to a version, and a
// final stage that runs as a non-root user.
//
//	dockerlint Dockerfile [...]
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: dockerlint Dockerfile [...]")
		os.Exit(2)
	}
	problems := 0
	for _, path := range os.Args[1:] {
		for _, p := range lint(path) {
			fmt.Println(p)
			problems++
		}
	}
	if problems > 0 {
		os.Exit(1)
	}
}

func lint(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", path, err)}
	}
	var out []string
	for _, w := range res.Warnings {
		var loc []parser.Range
		if w.Location != nil {
			loc = []parser.Range{*w.Location}
		}
		out = append(out, fmt.Sprintf("%s:%d: %s", path, line(loc), w.Short))
	}
	lt := linter.New(&linter.Config{Warn: func(rule, _, _, msg string, loc []parser.Range) {
		out = append(out, fmt.Sprintf("%s:%d: %s: %s", path, line(loc), rule, msg))
	}})
	stages, _, err := instructions.Parse(res.AST, lt)
	if err != nil {
		return append(out, fmt.Sprintf("%s: %v", path, err))
	}
	for _, s := range stages {
		img := s.BaseName
		if !strings.Contains(img, ":") && !strings.Contains(img, "@") && !isStage(stages, img) || strings.HasSuffix(img, ":latest") {
			out = append(out, fmt.Sprintf("%s:%d: FROM %s is not pinned to a version tag or digest", path, line(s.Location), img))
		}
	}
	if len(stages) > 0 {
		last := stages[len(stages)-1]
		user := ""
		for _, c := range last.Commands {
			if u, ok := c.(*instructions.UserCommand); ok {
				user = u.User
			}
		}
		if user == "" || user == "root" || user == "0" || strings.HasPrefix(user, "0:") || strings.HasPrefix(user, "root:") {
			out = append(out, fmt.Sprintf("%s: the final stage runs as root: add USER with a non-root UID", path))
		}
	}
	return out
}

func isStage(stages []instructions.Stage, name string) bool {
	for _, s := range stages {
		if strings.EqualFold(s.Name, name) {
			return true
		}
	}
	return false
}

func line(loc []parser.Range) int {
	if len(loc) == 0 {
		return 0
	}
	return loc[0].Start.Line
}
