#!/usr/bin/env bash
# Exchanges the job's GitLab OIDC token for short-lived cloud credentials:
# AWS through sts:AssumeRoleWithWebIdentity, GCP through workload identity
# federation. Nothing long-lived is stored in CI variables.
#
# ROLE picks the role: "preview" (read-only; merge requests) or "deploy"
# (main only). The role variables are scoped (docs/ci.md): production's
# exist only in the production and production-preview environments.
set -euo pipefail
case "${ROLE:-}" in
  preview) aws_role="${AWS_PREVIEW_ROLE_ARN:-}" gcp_account="${GCP_PREVIEW_SERVICE_ACCOUNT:-}" ;;
  deploy) aws_role="${AWS_DEPLOY_ROLE_ARN:-}" gcp_account="${GCP_DEPLOY_SERVICE_ACCOUNT:-}" ;;
  *) echo "ROLE must be preview or deploy" >&2; exit 2 ;;
esac
case "${CLOUD:-}" in
  aws)
    test -n "$aws_role" || { echo "no AWS $ROLE role for this job: is the variable scoped to its environment?" >&2; exit 2; }
    printf '%s' "$AWS_ID_TOKEN" > /tmp/aws-web-identity-token
    export AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/aws-web-identity-token
    export AWS_ROLE_ARN="$aws_role"
    echo "AWS: assuming the $ROLE role $AWS_ROLE_ARN with the job's OIDC token"
    ;;
  gcp)
    test -n "$gcp_account" || { echo "no GCP $ROLE service account for this job: is the variable scoped to its environment?" >&2; exit 2; }
    printf '%s' "$GCP_ID_TOKEN" > /tmp/gcp-oidc-token
    gcloud iam workload-identity-pools create-cred-config "$GCP_WORKLOAD_IDENTITY_PROVIDER" \
      --service-account="$gcp_account" --credential-source-file=/tmp/gcp-oidc-token \
      --output-file=/tmp/gcp-credentials.json
    export GOOGLE_APPLICATION_CREDENTIALS=/tmp/gcp-credentials.json
    echo "GCP: impersonating the $ROLE service account $gcp_account through workload identity federation"
    ;;
  *) echo "CLOUD must be aws or gcp" >&2; exit 2 ;;
esac
