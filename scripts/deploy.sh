#!/usr/bin/env bash
# Deploys one stack, verifies it from its outputs, and on failure rolls it
# back to the last commit that deployed and verified (the stack tag
# plinth:deployed-sha). Used by .gitlab-ci.yml; the GitHub workflow
# deploy-stack.yml runs the same steps.
#
# The stack program is built once and runs as its own driver (the
# Automation API runs it inline), so the CI image needs the Pulumi CLI but
# no Go language host.
set -euo pipefail
stack="$1"
sha="${CI_COMMIT_SHA:-$(git rev-parse HEAD)}"
previous="$(pulumi stack tag get plinth:deployed-sha --stack "$stack" 2>/dev/null || true)"
program="$(mktemp -d)/stacks"
go build -o "$program" ./stacks

if "$program" up --stack "$stack" && "$program" verify --stack "$stack"; then
  pulumi stack tag set plinth:deployed-sha "$sha" --stack "$stack"
  echo "deployed and verified $stack at $sha"
  exit 0
fi

if [ -z "$previous" ]; then
  echo "deployment of $stack failed and it has no earlier good deployment to roll back to: fix forward" >&2
  exit 1
fi
echo "deployment of $stack at $sha failed: rolling back to $previous" >&2
git worktree add /tmp/plinth-rollback "$previous"
(cd /tmp/plinth-rollback && go build -o "$program" ./stacks && "$program" up --stack "$stack" && "$program" verify --stack "$stack")
echo "ROLLED BACK: $stack is at $previous again; $sha did not deploy" >&2
exit 1
