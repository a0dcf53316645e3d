// Package problem collects validation problems with the path of the field
// each one is about, so that plinth reports every problem in one error and
// each message names the field and the fix.
//
// Config and every component validate through a List before registering
// anything:
//
//	var p problem.List
//	p.Prefix = `app "web": `
//	if a.MinReplicas > a.MaxReplicas {
//		p.Addf("autoscaling.minReplicas", "(%d) is greater than maxReplicas (%d): make minReplicas ≤ maxReplicas", a.MinReplicas, a.MaxReplicas)
//	}
//	return p.Err()
package problem

import (
	"errors"
	"fmt"
	"slices"
)

// Error is one validation problem.
type Error struct {
	// Prefix says what is being validated, e.g. `app "web": ` or "plinth:".
	Prefix string
	// Path is the field path, e.g. "apps[1].image" or "autoscaling.minReplicas".
	Path string
	// Message says what is wrong and how to fix it.
	Message string
}

// Error returns prefix, path and message, e.g.
// `plinth:apps[1].image: "nginx" has no tag or digest: pin a tag or a digest`.
func (e *Error) Error() string {
	if e.Path == "" {
		return e.Prefix + e.Message
	}
	// "port (0) is …" and "image is empty: …" read as sentences; a message
	// that starts with the offending value follows a colon:
	// `image: "nginx" has no tag …`.
	sep := ": "
	if m := e.Message; m != "" && (m[0] == '(' || (m[0] >= 'a' && m[0] <= 'z')) {
		sep = " "
	}
	return e.Prefix + e.Path + sep + e.Message
}

// List accumulates problems. The zero value is ready to use.
type List struct {
	// Prefix is put before every path.
	Prefix string
	errs   []error
}

// Addf records a problem at path. A message that starts with "(" or a
// lowercase word follows the path after a space (`minReplicas (5) is
// greater than …`, `image is empty: …`); one that starts with the
// offending value follows a colon (`image: "nginx" has no tag …`).
func (l *List) Addf(path, format string, args ...any) {
	l.errs = append(l.errs, &Error{Prefix: l.Prefix, Path: path, Message: fmt.Sprintf(format, args...)})
}

// Add records err at path, keeping err's text as the message. It does
// nothing when err is nil.
func (l *List) Add(path string, err error) {
	if err != nil {
		l.errs = append(l.errs, &Error{Prefix: l.Prefix, Path: path, Message: err.Error()})
	}
}

// Len returns the number of problems recorded.
func (l *List) Len() int { return len(l.errs) }

// Err returns nil when nothing was recorded, or all problems joined with
// errors.Join (one per line).
func (l *List) Err() error {
	if len(l.errs) == 0 {
		return nil
	}
	return errors.Join(l.errs...)
}

// Unwrap returns the individual errors of an error built by errors.Join
// (as List.Err does), or the error itself.
func Unwrap(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// Errors returns every *Error in err, in order, looking through every
// wrapper, including the Pulumi runtime's list of a program's errors.
func Errors(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *Error:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, e := range e.Unwrap() {
				walk(e)
			}
		default:
			walk(errors.Unwrap(err))
		}
	}
	walk(err)
	return out
}

// Paths returns the field path of every *Error in err (see Errors), in
// order. Tests use it to assert which fields were rejected.
func Paths(err error) []string {
	var out []string
	for _, e := range Errors(err) {
		out = append(out, e.Path)
	}
	return out
}

// Except returns err without the problems at paths: a composition
// validates a component before the resources it is wired to exist, and
// the fields it will wire (e.g. "subnetIds") are not problems then. It
// returns nil when nothing else remains.
func Except(err error, paths ...string) error {
	var keep []error
	for _, e := range Unwrap(err) {
		var pe *Error
		if errors.As(e, &pe) && slices.Contains(paths, pe.Path) {
			continue
		}
		keep = append(keep, e)
	}
	return errors.Join(keep...)
}

// Remap returns err with every problem re-prefixed with prefix and its path
// passed through mapPath: a composition reports a component's problems
// under the paths of its own configuration (`app "web": image` becomes
// `plinth:apps[1].image`). Errors that are not *Error are kept as they are.
func Remap(err error, prefix string, mapPath func(string) string) error {
	var out []error
	for _, e := range Unwrap(err) {
		var pe *Error
		if errors.As(e, &pe) {
			out = append(out, &Error{Prefix: prefix, Path: mapPath(pe.Path), Message: pe.Message})
			continue
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}
