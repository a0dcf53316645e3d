package config_test

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/pkg/config"
	"github.com/plinth-dev/plinth/pkg/plinthtest"
)

var localConfig = map[string]string{
	"plinth:tier":  "local",
	"plinth:cloud": "local",
	"plinth:apps":  `[{"name":"web","image":"ghcr.io/acme/web:1.4.2","secretEnv":[{"name":"DB_PASSWORD","fromConfig":"dbPassword"}]}]`,
}

func TestLoadReturnsSecretsAsSecrets(t *testing.T) {
	var env *config.Environment
	plinthtest.Run(t, func(ctx *pulumi.Context) error {
		var err error
		env, err = config.Load(ctx)
		return err
	}, plinthtest.WithStack("local"), plinthtest.WithConfig(localConfig),
		plinthtest.WithSecretConfig(map[string]string{"plinth:dbPassword": "pw", "plinth:alertChatUrl": "https://chat.example.com/hook"}))

	if env.Name != "local" || env.Tier != config.TierLocal || env.Apps[0].Namespace != "web" {
		t.Fatalf("Load = %+v, want the local environment with defaults", env)
	}
	for key, want := range map[string]string{"dbPassword": "pw", "alertChatUrl": "https://chat.example.com/hook"} {
		out, ok := env.Secrets[key]
		if !ok {
			t.Fatalf("Secrets lacks %q: %v", key, env.Secrets)
		}
		got := plinthtest.Await(t, out)
		if !got.Secret || got.Value != want {
			t.Fatalf("Secrets[%q] = %+v, want the secret %q", key, got, want)
		}
	}
}

func TestLoadRejectsPlaintextSecrets(t *testing.T) {
	_, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		_, err := config.Load(ctx)
		return err
	}, plinthtest.WithConfig(localConfig), plinthtest.WithConfig(map[string]string{"plinth:dbPassword": "pw"}))
	if err == nil || !strings.Contains(err.Error(), "plinth:dbPassword is stored in plaintext: store it encrypted with `pulumi config set --secret plinth:dbPassword`") {
		t.Fatalf("Load error = %v, want the plaintext-secret error", err)
	}
}

func TestLoadReportsConfigErrors(t *testing.T) {
	_, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		_, err := config.Load(ctx)
		return err
	}, plinthtest.WithConfig(map[string]string{"plinth:tier": "prod", "plinth:cloud": "local"}))
	if err == nil || !strings.Contains(err.Error(), `plinth:tier: "prod" does not go with cloud "local"`) {
		t.Fatalf("Load error = %v, want the tier/cloud mismatch", err)
	}
}

// Under the CLI's Go language host, the config comes with the list of its
// keys (PULUMI_CONFIG): a misspelt one is refused, not ignored.
func TestLoadRefusesAMisspeltKeyTheCLIListed(t *testing.T) {
	t.Setenv(pulumi.EnvConfig, `{"plinth:tier":"local","plinth:cloud":"local","plinth:appz":"[]"}`)
	_, err := plinthtest.RunErr(func(ctx *pulumi.Context) error {
		_, err := config.Load(ctx)
		return err
	}, plinthtest.WithConfig(map[string]string{"plinth:tier": "local", "plinth:cloud": "local", "plinth:appz": "[]"}))
	if err == nil || !strings.Contains(err.Error(), "plinth:appz is not a plinth setting, so it would be ignored: did you mean plinth:apps?") {
		t.Fatalf("Load error = %v, want plinth:appz refused", err)
	}
}
