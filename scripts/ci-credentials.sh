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
    # An external-account credential configuration (the file
    # `gcloud iam workload-identity-pools create-cred-config` writes): the
    # SDKs exchange the token for the service account's, so the image
    # needs no gcloud.
    cat > /tmp/gcp-credentials.json <<JSON
{
  "type": "external_account",
  "audience": "//iam.googleapis.com/${GCP_WORKLOAD_IDENTITY_PROVIDER}",
  "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
  "token_url": "https://sts.googleapis.com/v1/token",
  "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${gcp_account}:generateAccessToken",
  "credential_source": {"file": "/tmp/gcp-oidc-token"}
}
JSON
    export GOOGLE_APPLICATION_CREDENTIALS=/tmp/gcp-credentials.json
    echo "GCP: impersonating the $ROLE service account $gcp_account through workload identity federation"
    ;;
  *) echo "CLOUD must be aws or gcp" >&2; exit 2 ;;
esac
