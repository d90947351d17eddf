// Package buildinfo tells which build of image-crawler is running.
package buildinfo

import "runtime/debug"

// Version is stamped at build time:
//
//	go build -ldflags "-X github.com/osism/image-crawler/internal/buildinfo.Version=v1.2.3"
var Version = "dev"

// Commit is the VCS revision, when the build recorded one.
func Commit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return ""
}

// UserAgent is sent with every upstream request.
func UserAgent() string { return "image-crawler/" + Version }
