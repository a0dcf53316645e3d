package plinthtest

import (
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Recorder is the mock resource monitor RunErr uses, for harnesses that
// drive a program themselves: a component provider's test server
// (pulumi-go-provider's integration.WithMocks) runs Construct against it.
type Recorder struct{ m *mocks }

// NewRecorder returns a Recorder for project and stack.
func NewRecorder(project, stack string) *Recorder {
	return &Recorder{m: &mocks{project: project, stack: stack, overrides: map[string]OutputsFunc{},
		calls: map[string]func(resource.PropertyMap) resource.PropertyMap{}, stackRefs: map[string]map[string]any{}}}
}

// NewResource records a registration and answers it.
func (r *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return r.m.NewResource(args)
}

// Call records a provider function call and answers it.
func (r *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return r.m.Call(args)
}

// Stack returns what was recorded so far.
func (r *Recorder) Stack() *Stack {
	r.m.mu.Lock()
	defer r.m.mu.Unlock()
	return &Stack{Project: r.m.project, Name: r.m.stack, Resources: append([]Resource(nil), r.m.resources...), Invokes: append([]Invoke(nil), r.m.invokes...)}
}
