# The released static (musl) binary on an empty image: nothing else to patch or scan.
# Built by .github/workflows/release.yml from the release archives, per platform:
#   image/linux/amd64/actuator-lint, image/linux/arm64/actuator-lint
# Use: docker run --rm -v "$PWD:/src" ghcr.io/actuator-lint/actuator-lint check /src
FROM scratch
ARG TARGETPLATFORM
COPY ${TARGETPLATFORM}/actuator-lint /usr/local/bin/actuator-lint
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/actuator-lint"]
CMD ["check", "."]
