# The stack runner: the plinth stack program and the Pulumi CLI and
# kubernetes provider it drives, for CI jobs and operators who deploy from
# a container. Multi-stage: everything is compiled in the build stage; the
# runtime stage holds three binaries, CA certificates and git, and runs as
# an unprivileged user.
#
#   docker build -t plinth-runner .
#   docker run --rm -e PULUMI_BACKEND_URL -e PULUMI_CONFIG_PASSPHRASE \
#     plinth-runner preview --stack dev
#
# No HEALTHCHECK: the runner is a command that exits, not a service.

FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV GOFLAGS=-buildvcs=false CGO_ENABLED=0
COPY go.mod go.sum ./
RUN go mod download
COPY tools/ tools/
COPY Makefile ./
RUN make /out/pulumi /out/pulumi-resource-kubernetes BIN=/out
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /out/stacks ./stacks

# The CI image of the GitLab preview and deploy jobs (`docker build
# --target ci`): the Go toolchain and make (the jobs build the stack
# program of the commit they run, with the Go build cache restored), the
# Pulumi CLI, and the providers the stacks use, installed at build time so
# the jobs download no plugin. Credentials need no cloud CLI: the jobs
# exchange their OIDC token through environment variables and a
# credential file (scripts/ci-credentials.sh).
FROM golang:1.26-bookworm AS ci
COPY --from=build /out/pulumi /out/pulumi-resource-kubernetes /usr/local/bin/
ENV PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME=/opt/pulumi GOFLAGS=-buildvcs=false
RUN useradd --uid 10001 --create-home --shell /bin/bash plinth \
 && pulumi plugin install resource kubernetes v4.25.0 --file /usr/local/bin/pulumi-resource-kubernetes \
 && pulumi plugin install resource aws v6.83.4 \
 && pulumi plugin install resource gcp v7.38.0 \
 && chown -R 10001:10001 /opt/pulumi
USER 10001:10001

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --create-home --shell /usr/sbin/nologin plinth \
 && mkdir -p /work/stacks
COPY --from=build /out/stacks /out/pulumi /out/pulumi-resource-kubernetes /usr/local/bin/
# Pulumi.yaml names stacks/ as the program directory; the program itself
# is the stacks binary, run inline.
COPY --from=build /src/Pulumi.yaml /src/Pulumi.*.yaml /work/
USER 10001:10001
WORKDIR /work
ENV PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME=/home/plinth/.pulumi
ENTRYPOINT ["/usr/local/bin/stacks"]
CMD ["preview", "--stack", "dev"]
