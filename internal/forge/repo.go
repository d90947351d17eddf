package forge

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Repo names a GitHub repository.
type Repo struct {
	Owner, Name string
}

func (r Repo) String() string { return r.Owner + "/" + r.Name }

// GitHub's rules, loosened where GitHub Enterprise is more permissive
// (underscores in owners that come from LDAP or SAML).
var (
	ownerRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9_])?$`)
	nameRE  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
)

// ParseRepo parses "owner/name".
func ParseRepo(s string) (Repo, error) {
	owner, name, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok || strings.Contains(name, "/") {
		return Repo{}, fmt.Errorf("repository %q: want OWNER/NAME", s)
	}
	if !ownerRE.MatchString(owner) {
		return Repo{}, fmt.Errorf("repository %q: %q is not a valid owner", s, owner)
	}
	if !nameRE.MatchString(name) || name == "." || name == ".." {
		return Repo{}, fmt.Errorf("repository %q: %q is not a valid repository name", s, name)
	}
	return Repo{Owner: owner, Name: name}, nil
}

// RepoFromURL derives the repository from a github.com clone URL:
// https://github.com/o/r(.git), ssh://git@github.com/o/r.git or
// git@github.com:o/r.git. It reports false for anything else, including
// repositories on other hosts, whose API URL it could not know.
func RepoFromURL(u string) (Repo, bool) {
	u = strings.TrimSpace(u)
	var host, path string
	if rest, ok := strings.CutPrefix(u, "git@"); ok && !strings.Contains(u, "://") {
		// scp-like syntax: git@github.com:o/r.git
		host, path, ok = strings.Cut(rest, ":")
		if !ok {
			return Repo{}, false
		}
	} else {
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "https" && pu.Scheme != "http" && pu.Scheme != "ssh" && pu.Scheme != "git") {
			return Repo{}, false
		}
		if pu.RawQuery != "" || pu.Fragment != "" || pu.Port() != "" {
			return Repo{}, false
		}
		host, path = pu.Hostname(), pu.Path
	}
	host = strings.ToLower(host)
	if host != "github.com" && host != "www.github.com" {
		return Repo{}, false
	}
	path = strings.TrimSuffix(strings.Trim(path, "/"), ".git")
	r, err := ParseRepo(path)
	if err != nil {
		return Repo{}, false
	}
	return r, true
}
