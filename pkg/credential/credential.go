// Package credential tells whether a plain setting holds a credential:
// by its name (DB_PASSWORD, STRIPE_KEY) or by its value (a URL with a
// password in it, a key in a format its issuer documents). Components use
// it to refuse credentials in plain environment variables, which end up in
// pod specs, task definitions and the Pulumi state in the clear.
//
// The value formats are the ones their issuers publish, so a match is a
// credential, not a guess; names are matched by whole words, so AUTHOR or
// MONKEY are not taken for AUTH or KEY.
//
// Why not gitleaks? Its detector is a command-line tool's internals: as a
// library it brings some seventy modules (archive decoders, a TUI styling
// library, a config framework) into every build of every program that
// imports plinth, for the handful of formats an environment variable can
// hold.
package credential

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// A format is a credential format its issuer documents.
type format struct {
	what string
	re   *regexp.Regexp
}

// formats are matched anywhere in a value.
var formats = []format{
	// AWS: access key IDs start AKIA (long-term) or ASIA (temporary);
	// IAM User Guide, "IAM identifiers", unique ID prefixes.
	{"an AWS access key ID", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
	// GitHub: ghp_, gho_, ghu_, ghs_, ghr_ and github_pat_ tokens
	// (GitHub Docs, "About authentication to GitHub", token formats).
	{"a GitHub token", regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b`)},
	// GitLab personal access tokens (GitLab Docs, "Token prefixes").
	{"a GitLab token", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}\b`)},
	// Stripe secret and restricted keys (Stripe Docs, "API keys").
	{"a Stripe secret key", regexp.MustCompile(`\b[sr]k_(live|test)_[A-Za-z0-9]{16,}\b`)},
	// Slack bot, user, app and refresh tokens (Slack API, "Token types").
	{"a Slack token", regexp.MustCompile(`\bxox[abeoprs]-[A-Za-z0-9-]{10,}\b`)},
	// Google API keys (Google Cloud, "Manage API keys"): AIza and 35 more.
	{"a Google API key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`)},
	// npm access tokens (npm Docs, "About access tokens").
	{"an npm token", regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`)},
	// PEM private keys of every kind (RFC 7468, section 10 and 11).
	{"a PEM private key", regexp.MustCompile(`-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----`)},
	// A signed JSON Web Token (RFC 7519): base64url JSON header and claims,
	// both starting `{"`, and a signature.
	{"a JSON Web Token", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}`)},
}

// secretWords are name words that mark a credential on their own.
var secretWords = map[string]bool{
	"PASSWORD": true, "PASSWD": true, "PWD": true, "PASSPHRASE": true,
	"SECRET": true, "SECRETS": true, "TOKEN": true, "TOKENS": true,
	"CREDENTIAL": true, "CREDENTIALS": true, "CREDS": true,
	"APIKEY": true, "PRIVATEKEY": true, "ACCESSKEY": true,
}

// aboutWords, after a secret word, name something about the credential
// that is not the credential: TOKEN_URL, SECRET_NAME, PASSWORD_FILE.
var aboutWords = map[string]bool{
	"NAME": true, "NAMES": true, "ID": true, "URL": true, "URI": true,
	"ENDPOINT": true, "PATH": true, "FILE": true, "DIR": true, "ARN": true,
	"REF": true, "TTL": true, "EXPIRY": true, "LIFETIME": true, "LENGTH": true,
	"POLICY": true, "ROTATION": true, "VERSION": true, "ENABLED": true,
	"TYPE": true, "HEADER": true, "MIN": true, "MAX": true, "PREFIX": true,
	"SUFFIX": true,
}

// publicKeys are words before KEY that name something not secret.
var publicKeys = map[string]bool{
	"PUBLIC": true, "PUBLISHABLE": true, "CACHE": true, "PARTITION": true,
	"SORT": true, "PRIMARY": true, "FOREIGN": true, "IDEMPOTENCY": true,
	"ROUTING": true, "SHARD": true, "LOOKUP": true,
}

// Name returns why a variable called name holds a credential, or "".
// Words are split at "_", "-", "." and lower-to-upper case changes:
// DB_PASSWORD, dbPassword, STRIPE_KEY and BASIC_AUTH match; AUTHOR,
// PUBLIC_KEY, CACHE_KEY, TOKEN_URL and SECRET_NAME do not.
func Name(name string) string {
	words := split(name)
	for i, w := range words {
		last := i == len(words)-1
		switch {
		case secretWords[w] && !slices.ContainsFunc(words[i+1:], func(w string) bool { return aboutWords[w] }):
			return "its name says it holds a credential (" + strings.ToLower(w) + ")"
		// "…_KEY" is a key unless the word before says it is public;
		// "…_KEY_ID" names a key without being one.
		case w == "KEY" && last && (i == 0 || !publicKeys[words[i-1]]):
			return "its name says it holds a key"
		// BASIC_AUTH, REDIS_AUTH; but not AUTH_URL or AUTH_ENABLED.
		case w == "AUTH" && last && i > 0:
			return "its name says it holds a credential (auth)"
		}
	}
	return ""
}

// split breaks a variable name into upper-case words.
func split(name string) []string {
	var words []string
	var cur []rune
	rs := []rune(name)
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToUpper(string(cur)))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == '.':
			flush()
			continue
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

// Value returns why value is a credential, or "": a URL whose user info
// carries a password (postgres://app:s3cret@db/app) or whose query names
// one (?password=…), or a key in a format its issuer documents.
func Value(value string) string {
	if u, err := url.Parse(strings.TrimSpace(value)); err == nil && u.Scheme != "" {
		if pw, ok := u.User.Password(); ok && pw != "" && !placeholder(pw) {
			return "it is a URL with a password in it"
		}
		for k, vs := range u.Query() {
			if Name(k) != "" && len(vs) > 0 && vs[0] != "" && !placeholder(vs[0]) {
				return "it is a URL with a credential in its query (" + k + ")"
			}
		}
	}
	for _, f := range formats {
		if f.re.MatchString(value) {
			return "its value is " + f.what
		}
	}
	return ""
}

// placeholder reports a value that only refers to a secret kept elsewhere:
// $(VAR) is expanded by Kubernetes from another variable, ${VAR} by a
// shell or the application.
func placeholder(s string) bool {
	s, _ = url.PathUnescape(s)
	return (strings.HasPrefix(s, "$(") && strings.HasSuffix(s, ")")) ||
		(strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}"))
}

// Check returns why a variable called name, set to value, holds a
// credential, or "" when neither its name nor its value says so.
func Check(name, value string) string {
	if why := Name(name); why != "" {
		return why
	}
	return Value(value)
}
