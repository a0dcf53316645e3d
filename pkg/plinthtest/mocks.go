package plinthtest

import (
	"fmt"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Resource is one resource a program registered (or read).
type Resource struct {
	// Type is the type token, e.g. "kubernetes:apps/v1:Deployment".
	Type string
	// Name is the logical name.
	Name string
	// URN is the resource URN, computed as the engine does.
	URN string
	// Parent is the parent's URN; the stack's URN for top-level resources.
	Parent string
	// Provider is the provider reference ("<urn>::<id>"), "" for the default provider.
	Provider string
	// Custom is false for component resources.
	Custom bool
	// ID is the mocked physical id ("" for components).
	ID string
	// Inputs are the inputs as the engine received them; secrets are
	// resource.Secret values and unknowns (in a preview) are computed values.
	Inputs resource.PropertyMap
	// Outputs are what the mocks answered.
	Outputs resource.PropertyMap
	// IgnoreChanges, Aliases (URNs or specs as text), Protect,
	// DeleteBeforeReplace, ReplaceOnChanges, AdditionalSecretOutputs and
	// Dependencies are the resource options the program set.
	IgnoreChanges           []string
	Aliases                 []string
	Protect                 bool
	DeleteBeforeReplace     bool
	ReplaceOnChanges        []string
	AdditionalSecretOutputs []string
	Dependencies            []string
	// DeletedWith is the URN of the resource whose deletion deletes this
	// one (the DeletedWith option; "" when unset). The engine also passes
	// a parent's DeletedWith to its children, which mocks do not show.
	DeletedWith string
	// Remote is true for multi-language components (e.g. Helm Chart v4),
	// whose children are created by their provider and are not seen here.
	Remote bool
}

// OutputsFunc returns the outputs the mocks answer for a resource, given
// the default answer; it may change and return it.
type OutputsFunc func(r Resource, outputs resource.PropertyMap) resource.PropertyMap

// mocks records registrations and answers them.
type mocks struct {
	project, stack string
	// region is the default AWS provider's region: the run's aws:region
	// config, as the real provider reads it, else Region.
	region    string
	overrides map[string]OutputsFunc
	calls     map[string]func(args resource.PropertyMap) resource.PropertyMap
	stackRefs map[string]map[string]any

	mu        sync.Mutex
	resources []Resource
	invokes   []Invoke
}

// Invoke is one provider function call the program made.
type Invoke struct {
	// Token names the function, e.g. "aws:index/getAvailabilityZones:getAvailabilityZones".
	Token string
	// Args are the arguments.
	Args resource.PropertyMap
	// Provider is the URN of the provider the call went to ("" for the
	// default provider).
	Provider string
}

// NewResource records a registration (or read) and answers it with the
// default or overridden outputs.
func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := Resource{
		Type:     args.TypeToken,
		Name:     args.Name,
		Provider: args.Provider,
		Custom:   args.Custom,
		Inputs:   args.Inputs,
	}
	if rpc := args.RegisterRPC; rpc != nil {
		r.Parent = rpc.GetParent()
		r.IgnoreChanges = rpc.GetIgnoreChanges()
		r.Protect = rpc.GetProtect()
		r.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		r.ReplaceOnChanges = rpc.GetReplaceOnChanges()
		r.AdditionalSecretOutputs = rpc.GetAdditionalSecretOutputs()
		r.Dependencies = rpc.GetDependencies()
		r.Remote = rpc.GetRemote()
		r.DeletedWith = rpc.GetDeletedWith()
		for _, a := range rpc.GetAliases() {
			r.Aliases = append(r.Aliases, a.String())
		}
	} else if rpc := args.ReadRPC; rpc != nil {
		r.Parent = rpc.GetParent()
	}
	r.URN = m.urn(r.Parent, r.Type, r.Name)
	if r.Custom || args.ReadRPC != nil {
		r.ID = args.ID
		if r.ID == "" {
			r.ID = mockID(r)
		}
	}
	out := defaultOutputs(r, m.regionOf(r.Provider))
	if r.Type == "pulumi:pulumi:StackReference" {
		out["outputs"] = resource.NewPropertyValue(map[string]any{})
		if refs, ok := m.stackRefs[r.Name]; ok {
			out["outputs"] = resource.NewPropertyValue(refs)
		}
	}
	if f, ok := m.overrides[r.Type]; ok {
		out = f(r, out)
	}
	r.Outputs = out

	m.mu.Lock()
	m.resources = append(m.resources, r)
	m.mu.Unlock()
	return r.ID, out, nil
}

// Call records a provider function call and answers it, as the provider
// it went to would: AWS lookups answer for that provider's region.
func (m *mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.invokes = append(m.invokes, Invoke{Token: args.Token, Args: args.Args, Provider: providerURN(args.Provider)})
	m.mu.Unlock()
	if f, ok := m.calls[args.Token]; ok {
		return f(args.Args), nil
	}
	if f, ok := defaultCalls[args.Token]; ok {
		return f(args.Args, m.regionOf(args.Provider))
	}
	return resource.PropertyMap{}, nil
}

// regionOf returns the region of the provider a reference names: its
// "region" input, or Region for the default provider.
func (m *mocks) regionOf(ref string) string {
	urn := providerURN(ref)
	if urn == "" {
		return m.region
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.resources {
		if r.URN == urn {
			if v, ok := r.Inputs["region"]; ok && v.IsString() {
				return v.StringValue()
			}
		}
	}
	return m.region
}

// urn computes a URN the way the engine (and the mock monitor) does.
func (m *mocks) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

func mockID(r Resource) string {
	prefix := map[string]string{
		"aws:ec2/vpc:Vpc":                         "vpc-",
		"aws:ec2/subnet:Subnet":                   "subnet-",
		"aws:ec2/securityGroup:SecurityGroup":     "sg-",
		"aws:ec2/internetGateway:InternetGateway": "igw-",
		"aws:ec2/natGateway:NatGateway":           "nat-",
		"aws:ec2/routeTable:RouteTable":           "rtb-",
		"aws:ec2/eip:Eip":                         "eipalloc-",
		"aws:ec2/launchTemplate:LaunchTemplate":   "lt-",
	}[r.Type]
	if prefix != "" {
		return prefix + shortHash(r.URN)
	}
	if strings.HasPrefix(r.Type, "kubernetes:") {
		if ns, name := k8sNames(r); ns != "" {
			return ns + "/" + name
		} else if name != "" {
			return name
		}
	}
	return r.Name + "-id"
}

func shortHash(s string) string {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return fmt.Sprintf("%017x", h)[:17]
}
