package github

import (
	"net/url"
	"strings"

	"github.com/osism/image-crawler/internal/forge"
)

// RepoFromURL derives the repository from a github.com clone URL:
// https://github.com/o/r(.git), ssh://git@github.com/o/r.git or
// git@github.com:o/r.git. It reports false for anything else, including
// repositories on other hosts, whose API URL it could not know.
func RepoFromURL(u string) (forge.Repo, bool) {
	u = strings.TrimSpace(u)
	var host, path string
	if rest, ok := strings.CutPrefix(u, "git@"); ok && !strings.Contains(u, "://") {
		// scp-like syntax: git@github.com:o/r.git
		host, path, ok = strings.Cut(rest, ":")
		if !ok {
			return forge.Repo{}, false
		}
	} else {
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "https" && pu.Scheme != "http" && pu.Scheme != "ssh" && pu.Scheme != "git") {
			return forge.Repo{}, false
		}
		if pu.RawQuery != "" || pu.Fragment != "" || pu.Port() != "" {
			return forge.Repo{}, false
		}
		host, path = pu.Hostname(), pu.Path
	}
	host = strings.ToLower(host)
	if host != "github.com" && host != "www.github.com" {
		return forge.Repo{}, false
	}
	path = strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	r, err := forge.ParseRepo(path)
	if err != nil {
		return forge.Repo{}, false
	}
	return r, true
}
