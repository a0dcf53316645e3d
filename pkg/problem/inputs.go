package problem

import (
	"strconv"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A component takes what another resource may produce (an image, an ARN,
// an id) as a pulumi.StringInput. Such a value is validated twice, by one
// function: a literal before anything is registered (List.Input), and an
// output when it resolves (Resolved), where a bad value fails the update
// with the same message, naming the same field.

// Literal returns the value of a literal input (pulumi.String) and true;
// false for outputs and nil.
func Literal(in pulumi.StringInput) (string, bool) {
	s, ok := in.(pulumi.String)
	return string(s), ok
}

// Input records check's problem with a literal input at path; outputs and
// nil are left to Resolved. It reports whether no problem was recorded.
func (l *List) Input(path string, in pulumi.StringInput, check func(string) error) bool {
	if v, ok := Literal(in); ok {
		if err := check(v); err != nil {
			l.Add(path, err)
			return false
		}
	}
	return true
}

// InputArray is Input for an array input: a literal (pulumi.StringArray,
// or pulumi.ToStringArray's) has each element checked at path[i].
func (l *List) InputArray(path string, in pulumi.StringArrayInput, check func(string) error) bool {
	arr, ok := in.(pulumi.StringArray)
	if !ok {
		return true
	}
	good := true
	for i, e := range arr {
		good = l.Input(path+"["+strconv.Itoa(i)+"]", e, check) && good
	}
	return good
}

// Inputs is Input for each element of a list of inputs, at path[i].
func (l *List) Inputs(path string, in []pulumi.StringInput, check func(string) error) bool {
	good := true
	for i, e := range in {
		good = l.Input(path+"["+strconv.Itoa(i)+"]", e, check) && good
	}
	return good
}

// Resolved returns in as an output that runs check on its value when it
// resolves: a bad value fails the update with prefix, path and check's
// message, e.g. `app "web": image: "ACME/web" is not a valid image
// reference …`. Secretness and dependencies are kept; an unknown value (in
// a preview) is not checked.
func Resolved(prefix, path string, in pulumi.StringInput, check func(string) error) pulumi.StringOutput {
	return in.ToStringOutput().ApplyT(func(v string) (string, error) {
		if err := check(v); err != nil {
			return "", &Error{Prefix: prefix, Path: path, Message: err.Error()}
		}
		return v, nil
	}).(pulumi.StringOutput)
}

// ResolvedArray is Resolved for each element of an array input, with the
// element's index in the path.
func ResolvedArray(prefix, path string, in pulumi.StringArrayInput, check func(string) error) pulumi.StringArrayOutput {
	return in.ToStringArrayOutput().ApplyT(func(vs []string) ([]string, error) {
		var l List
		l.Prefix = prefix
		for i, v := range vs {
			if err := check(v); err != nil {
				l.Add(path+"["+strconv.Itoa(i)+"]", err)
			}
		}
		return vs, l.Err()
	}).(pulumi.StringArrayOutput)
}
