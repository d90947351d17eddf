# image-crawler built from source: the same image the releases publish
# (ghcr.io/osism/image-crawler, which the action runs; GoReleaser makes it from
# its prebuilt binaries with Dockerfile.release), for people who build their own.
#
#   docker build --build-arg VERSION="$(git describe --tags --always)" -t image-crawler .
#
# VERSION is stamped into the binary (image-crawler version); without it the
# build says "dev", since the build context holds no .git to describe.
#
# The build stage runs ./build.sh and nothing else, the same script CI runs and
# tests (static binary, size budget): no Docker engine is needed to check what
# goes into this image.

FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so that a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN VERSION="$VERSION" ./build.sh

# distroless/static: CA certificates, tzdata, /etc/passwd and an empty /tmp, no
# shell, no package manager (about 2 MB). go-git is pure Go, so git needs no
# binary here. The default user is root on purpose: GitHub runs Docker actions
# as root and mounts the workspace and the GITHUB_OUTPUT files owned by the
# runner's user, which a non-root user of the image could not write
# (elsewhere: docker run --user 65532:65532).
FROM gcr.io/distroless/static-debian12
COPY --from=build /src/dist/image-crawler /usr/local/bin/image-crawler
ENTRYPOINT ["/usr/local/bin/image-crawler"]
CMD ["--help"]
