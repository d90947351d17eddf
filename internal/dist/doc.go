// Package dist checks the release build: build.sh, which the Dockerfile runs
// and CI runs, must make a static, stripped, version-stamped binary small
// enough for the container image's size budget. It has no code of its own,
// only tests: no Docker engine is at hand where the tests run, so they check
// what goes into the image rather than the image.
package dist
