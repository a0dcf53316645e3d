#!/usr/bin/env bash
# Exchanges the job's GitLab OIDC token for short-lived cloud credentials:
# AWS through sts:AssumeRoleWithWebIdentity, GCP through workload identity
# federation. Nothing long-lived is stored in CI variables.
set -euo pipefail
case "${CLOUD:-}" in
  aws)
    printf '%s' "$AWS_ID_TOKEN" > /tmp/aws-web-identity-token
    export AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/aws-web-identity-token
    export AWS_ROLE_ARN="$AWS_DEPLOY_ROLE_ARN"
    echo "AWS: assuming $AWS_ROLE_ARN with the job's OIDC token"
    ;;
  gcp)
    printf '%s' "$GCP_ID_TOKEN" > /tmp/gcp-oidc-token
    gcloud iam workload-identity-pools create-cred-config "$GCP_WORKLOAD_IDENTITY_PROVIDER" \
      --service-account="$GCP_DEPLOY_SERVICE_ACCOUNT" --credential-source-file=/tmp/gcp-oidc-token \
      --output-file=/tmp/gcp-credentials.json
    export GOOGLE_APPLICATION_CREDENTIALS=/tmp/gcp-credentials.json
    echo "GCP: impersonating $GCP_DEPLOY_SERVICE_ACCOUNT through workload identity federation"
    ;;
  *) echo "CLOUD must be aws or gcp" >&2; exit 2 ;;
esac
