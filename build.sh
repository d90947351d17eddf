#!/bin/sh
# Builds the release binary: static (no cgo), no local paths (-trimpath),
# stripped, version stamped. The Dockerfile runs exactly this script, and CI
# runs it and tests its result (internal/dist), so the image holds a binary
# built the way CI checked.
#
#   VERSION  version to stamp (default: git describe, else "dev")
#   OUT      where to write the binary (default: dist/image-crawler)
set -eu
cd "$(dirname "$0")"

if [ -z "${VERSION:-}" ]; then
	VERSION=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
fi
OUT=${OUT:-dist/image-crawler}

export CGO_ENABLED=0
exec go build -trimpath \
	-ldflags "-s -w -X github.com/osism/image-crawler/internal/buildinfo.Version=${VERSION}" \
	-o "$OUT" ./cmd/image-crawler
