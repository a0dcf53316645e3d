package credential_test

import (
	"strings"
	"testing"

	"github.com/plinth-dev/plinth/pkg/credential"
)

func TestNames(t *testing.T) {
	for _, name := range []string{
		"DB_PASSWORD", "dbPassword", "PASSWD", "MYSQL_PWD", "GPG_PASSPHRASE",
		"SECRET", "JWT_SECRET", "CLIENT_SECRETS", "API_TOKEN", "githubToken",
		"STRIPE_KEY", "apiKey", "APIKEY", "PRIVATE_KEY", "privateKey", "AWS_SECRET_ACCESS_KEY",
		"SIGNING_KEY", "KEY", "GOOGLE_APPLICATION_CREDENTIALS", "CREDS", "BASIC_AUTH", "redis.auth",
	} {
		if credential.Name(name) == "" {
			t.Errorf("%s is not taken for a credential", name)
		}
	}
	for _, name := range []string{
		"AUTHOR", "AUTH_URL", "AUTH_ENABLED", "OAUTH_CLIENT_ID", "MONKEY", "KEYBOARD_LAYOUT",
		"PUBLIC_KEY", "STRIPE_PUBLISHABLE_KEY", "CACHE_KEY", "AWS_ACCESS_KEY_ID", "KEY_ID",
		"TOKEN_URL", "SECRET_NAME", "PASSWORD_FILE", "TOKEN_TTL", "SESSION_TOKEN_PREFIX", "LOG_LEVEL", "PORT", "",
	} {
		if why := credential.Name(name); why != "" {
			t.Errorf("%s is taken for a credential: %s", name, why)
		}
	}
}

func TestValues(t *testing.T) {
	for _, tt := range []struct{ value, want string }{
		{"postgres://app:s3cret@db.internal:5432/app", "a URL with a password"},
		{"redis://:hunter2@cache:6379/0", "a URL with a password"},
		{"amqp://user:p%40ss@mq/", "a URL with a password"},
		{"https://api.example.com/v1?api_key=abc123", "a credential in its query (api_key)"},
		{"AKIAIOSFODNN7EXAMPLE", "an AWS access key ID"},
		{"token ASIAY34FZKBOKMUTVV7A here", "an AWS access key ID"},
		{"ghp_" + strings.Repeat("a1B2", 9), "a GitHub token"},
		{"github_pat_" + strings.Repeat("A", 82), "a GitHub token"},
		{"glpat-" + strings.Repeat("x", 20), "a GitLab token"},
		{"sk_live_" + strings.Repeat("4eC39HqLyjWDarjtT1zdp7dc", 1), "a Stripe secret key"},
		{"rk_test_" + strings.Repeat("Z", 24), "a Stripe secret key"},
		{"xoxb-1234567890-abcdefghij", "a Slack token"},
		{"AIza" + strings.Repeat("S", 35), "a Google API key"},
		{"npm_" + strings.Repeat("n", 36), "an npm token"},
		{"-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "a PEM private key"},
		{"-----BEGIN OPENSSH PRIVATE KEY-----", "a PEM private key"},
		{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "a JSON Web Token"},
	} {
		if got := credential.Value(tt.value); !strings.Contains(got, tt.want) {
			t.Errorf("Value(%q) = %q, want %q", tt.value, got, tt.want)
		}
	}
	for _, v := range []string{
		"postgres://app@db.internal:5432/app",       // no password
		"postgres://app:$(DB_PASSWORD)@db:5432/app", // expanded by Kubernetes from a secret variable
		"postgres://app:${DB_PASSWORD}@db/app",
		"https://api.example.com/v1?page=2",
		"https://hooks.example.com/token-less",
		"-----BEGIN PUBLIC KEY-----",
		"AKIA-not-a-key", "ghp_short", "info", "8080", "true", "",
		"sk_live_", "eyJhbGciOi",
	} {
		if why := credential.Value(v); why != "" {
			t.Errorf("Value(%q) = %q, want none", v, why)
		}
	}
}

func TestCheckUsesNameThenValue(t *testing.T) {
	if got := credential.Check("DATABASE_URL", "postgres://u:p@db/x"); !strings.Contains(got, "URL with a password") {
		t.Fatalf("Check = %q", got)
	}
	if got := credential.Check("DB_PASSWORD", "x"); !strings.Contains(got, "name") {
		t.Fatalf("Check = %q", got)
	}
	if got := credential.Check("LOG_LEVEL", "info"); got != "" {
		t.Fatalf("Check = %q", got)
	}
}
