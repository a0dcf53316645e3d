package monitoring_test

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/monitoring"
	"github.com/plinth-dev/plinth/pkg/plinthtest/inputtest"
)

// Every field another resource may fill is refused the same way as a
// literal and as an Output (see inputtest).
func TestEveryInputIsCheckedLiteralAndLate(t *testing.T) {
	create := func(ctx *pulumi.Context, a monitoring.Args) error {
		_, err := monitoring.New(ctx, "monitoring", a)
		return err
	}
	good := installArgs()
	good.Prometheus = &monitoring.PrometheusArgs{StorageSize: "50Gi"}
	webhook := "a webhook URL is a credential: Alertmanager reports one that fails when it sends, and a check here could only echo it"
	inputtest.Check(t, good, `monitoring "monitoring": `, create, []inputtest.Case[monitoring.Args]{
		{Field: "storageClass", Bad: "GP3_Encrypted", Want: "is not a valid object name"},
		{Field: "grafana.adminPassword", Bad: "  ", Want: "is empty: set a password"},
		{Field: "alerting.pagingUrl", Unchecked: webhook},
		{Field: "alerting.chatUrl", Unchecked: webhook},
	})
}
