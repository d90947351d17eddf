package upstream

import (
	"net/url"
	"strings"
)

// archives are the places a distribution moves builds to when it retires
// them from its main tree: Rocky Linux keeps only the current minor
// releases under pub/rocky/ and moves the others, unchanged, to
// vault/rocky/ on dl.rockylinux.org (download.rockylinux.org serves the same
// tree).
var archives = []struct {
	hosts    []string
	from, to string
}{
	{hosts: []string{"dl.rockylinux.org", "download.rockylinux.org"}, from: "/pub/rocky/", to: "/vault/rocky/"},
}

// ArchiveURL is where a pinned build URL lives once upstream has retired
// it, or false when its distribution keeps no archive the bot knows of.
// The caller checks the answer with a HEAD before it records it.
func ArchiveURL(pinned string) (string, bool) {
	u, err := url.Parse(pinned)
	if err != nil || u.Host == "" {
		return "", false
	}
	for _, a := range archives {
		for _, h := range a.hosts {
			if strings.EqualFold(u.Host, h) && strings.HasPrefix(u.Path, a.from) {
				v := *u
				v.Host = "dl.rockylinux.org"
				v.Path = a.to + strings.TrimPrefix(u.Path, a.from)
				v.RawPath = ""
				return v.String(), true
			}
		}
	}
	return "", false
}
