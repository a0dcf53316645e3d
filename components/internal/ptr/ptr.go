// Package ptr holds what the components' defaulting needs of pointers to
// nested arguments: a nested Args struct is optional (nil takes every
// default), and defaulting works on a copy, never on the caller's value.
package ptr

// Clone returns a pointer to a copy of *p, or to a zero T when p is nil.
func Clone[T any](p *T) *T {
	var v T
	if p != nil {
		v = *p
	}
	return &v
}

// Or returns p, or a pointer to def when p is nil: an optional scalar's
// default applies only when it is unset, so an explicit zero reaches
// validation, which honours it or refuses it.
func Or[T any](p *T, def T) *T {
	if p != nil {
		return p
	}
	return &def
}
