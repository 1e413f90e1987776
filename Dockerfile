# syntax=docker/dockerfile:1
#
# rds-evidence in a small, non-root image:
#
#   docker build -t rds-evidence .
#   docker run --rm rds-evidence --help
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" \
#       -e AWS_REGION -e AWS_PROFILE -v "$HOME/.aws:/home/nonroot/.aws:ro" \
#       rds-evidence run --config run.toml        # run.toml's store in the current directory
#
# Needs BuildKit (the default builder of Docker 23+, or `docker buildx build`) for the cache
# mounts. See docs/SCHEDULING.md for running it on a schedule.

ARG RUST_VERSION=1.95

# ---- build ------------------------------------------------------------------------------
FROM rust:${RUST_VERSION}-slim-bookworm AS build

# Nothing to install: the slim image has gcc and libc6-dev, which is all aws-lc-sys needs on
# x86_64 and aarch64 Linux (its cc builder with pre-generated bindings: no cmake, no clang,
# no perl, no Go), and the TLS stack is rustls, so no OpenSSL headers or pkg-config.

WORKDIR /src
COPY . .

# The registry and the target directory are cache mounts, so a rebuild after a source change
# recompiles only the workspace crates. A cache mount is not part of the image: the binary is
# copied out of it in the same step.
ARG TARGETARCH
RUN --mount=type=cache,target=/usr/local/cargo/registry,id=cargo-registry,sharing=locked \
    --mount=type=cache,target=/src/target,id=rds-evidence-target-${TARGETARCH},sharing=locked \
    cargo build --release --locked -p rds-evidence \
    && install -D -m 0755 target/release/rds-evidence /out/rds-evidence \
    && install -d -m 0750 /out/cache

# ---- runtime ----------------------------------------------------------------------------
# glibc, libgcc_s and the CA certificates (rustls reads the system roots), nothing else:
# no shell, no package manager. Debian 12, like the build stage, so glibc matches.
FROM gcr.io/distroless/cc-debian12:nonroot

LABEL org.opencontainers.image.title="rds-evidence" \
      org.opencontainers.image.description="Evidence for the Amazon RDS Service Delivery designation, from a read-only look at the customer's AWS account." \
      org.opencontainers.image.source="https://github.com/rds-evidence/rds-evidence" \
      org.opencontainers.image.licenses="Apache-2.0"

COPY --from=build /out/rds-evidence /usr/local/bin/rds-evidence
# The checklist profiles, for `--checklist` / `profile =` (the 2025-08 edition is also built in).
COPY profiles/ /usr/share/rds-evidence/profiles/
# A writable home for an S3 store's local mirror (run.toml: store_cache), owned by the user
# below, for volumes that take their owner from the image (an ECS/Fargate VOLUME).
COPY --from=build --chown=65532:65532 /out/cache /var/cache/rds-evidence

# The image's `nonroot` user, by number: Kubernetes' runAsNonRoot can only check a numeric
# user. USER before WORKDIR: BuildKit then creates /work owned by that user.
USER 65532:65532
WORKDIR /work

ENTRYPOINT ["rds-evidence"]
CMD ["--help"]
