package gke_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/gke"
	"github.com/plinth-dev/plinth/pkg/plinthtest/inputtest"
)

// Every field another resource may fill is refused the same way as a
// literal and as an Output (see inputtest).
func TestEveryInputIsCheckedLiteralAndLate(t *testing.T) {
	create := func(ctx *pulumi.Context, a gke.Args) error { _, err := gke.New(ctx, "main", a); return err }
	ref := "Compute Engine takes a network's name, id or self link here, and refuses one that does not exist when the cluster is created"
	inputtest.Check(t, prodArgs(), `gke "main": `, create, []inputtest.Case[gke.Args]{
		{Field: "network", Unchecked: ref},
		{Field: "subnetwork", Unchecked: ref},
		{Field: "databaseEncryptionKey", Bad: "gke-secrets", Want: "is not a Cloud KMS key name"},
	})
}
