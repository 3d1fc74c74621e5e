# The container image of a release: the static musl binary of the release archives on an
# empty base, run as a non-root user. No shell, no package manager, nothing else to patch.
#
# The release workflow lays the binaries out as dist/image/<arch>/plumb (arch: amd64, arm64)
# and builds both platforms with `docker buildx build --platform linux/amd64,linux/arm64`.
# By hand:
#   cargo build --release --target x86_64-unknown-linux-musl
#   mkdir -p dist/image/amd64 && cp target/x86_64-unknown-linux-musl/release/plumb dist/image/amd64/
#   docker build -t plumb .
#   docker run --rm -v "$PWD:/src" plumb check .
FROM scratch

ARG TARGETARCH=amd64
COPY dist/image/${TARGETARCH}/plumb /usr/local/bin/plumb

# the UID and GID distroless calls nonroot; plumb only reads the files it is given
USER 65532:65532
WORKDIR /src

# a command-line tool, not a service: nothing to probe
HEALTHCHECK NONE

LABEL org.opencontainers.image.title="plumb" \
      org.opencontainers.image.description="Policy linter and CI gatekeeper for GitHub Actions, Dockerfiles, docker-compose, Kubernetes and Terraform" \
      org.opencontainers.image.source="https://github.com/plumb-lint/plumb" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"

ENTRYPOINT ["/usr/local/bin/plumb"]
CMD ["check", "."]
