// Package lookup turns the resource options a caller gives a component
// into the invoke options of the provider functions (lookups) the
// component makes before it registers anything: the provider of the
// lookup's package the caller chose (pulumi.Provider or
// pulumi.Providers), or else the one its parent passes down. So a
// component given pulumi.Provider(usWest2) plans its zones and region in
// us-west-2, as it creates its resources there.
package lookup

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AWS returns the invoke options for aws lookups under opts.
func AWS(opts ...pulumi.ResourceOption) ([]pulumi.InvokeOption, error) {
	ro, err := pulumi.NewResourceOptions(opts...)
	if err != nil {
		return nil, err
	}
	var out []pulumi.InvokeOption
	if ro.Parent != nil {
		out = append(out, pulumi.Parent(ro.Parent))
	}
	for _, p := range append([]pulumi.ProviderResource{ro.Provider}, ro.Providers...) {
		if aws, ok := p.(*aws.Provider); ok {
			return append(out, pulumi.Provider(aws)), nil
		}
	}
	return out, nil
}
