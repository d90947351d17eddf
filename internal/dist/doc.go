// Package dist checks the release build: build.sh, which the Dockerfile runs
// and CI runs, must make a static, stripped, version-stamped binary small
// enough for the container image's size budget; GoReleaser's configuration
// must build the same way and publish the image action.yml runs, under the
// major version action.yml and CHANGELOG.md name (docs/releasing.md). It has
// no code of its own, only tests: no Docker engine is at hand where the tests
// run, so they check what goes into the images rather than the images.
package dist
