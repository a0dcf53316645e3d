package flux_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/flux"
	"github.com/plinth-dev/plinth/pkg/plinthtest/inputtest"
)

// Every field another resource may fill is refused the same way as a
// literal and as an Output (see inputtest).
func TestEveryInputIsCheckedLiteralAndLate(t *testing.T) {
	create := func(ctx *pulumi.Context, a flux.Args) error { _, err := flux.New(ctx, "flux", a); return err }
	credential := "a git credential: the git server judges it when Flux fetches, and a check here could only echo a secret"
	inputtest.Check(t, prodArgs(identity(t)), `flux "flux": `, create, []inputtest.Case[flux.Args]{
		{Field: "repository.username", Unchecked: credential},
		{Field: "repository.password", Unchecked: credential},
		{Field: "repository.sshPrivateKey", Unchecked: credential},
		{Field: "decryptionKey", Bad: "AGE-SECRET-KEY-1NOTAKEY", Want: "is not an age identity"},
	})
}
