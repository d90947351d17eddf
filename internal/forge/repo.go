package forge

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Repo names a repository on a forge: OWNER/NAME.
type Repo struct {
	Owner, Name string
}

func (r Repo) String() string { return r.Owner + "/" + r.Name }

// GitHub's rules, loosened where GitHub Enterprise is more permissive
// (underscores in owners that come from LDAP or SAML).
var (
	ownerRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9_])?$`) })
	nameRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`) })
)

// ParseRepo parses "owner/name".
func ParseRepo(s string) (Repo, error) {
	owner, name, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok || strings.Contains(name, "/") {
		return Repo{}, fmt.Errorf("repository %q: want OWNER/NAME", s)
	}
	if !ownerRE().MatchString(owner) {
		return Repo{}, fmt.Errorf("repository %q: %q is not a valid owner", s, owner)
	}
	if !nameRE().MatchString(name) || name == "." || name == ".." {
		return Repo{}, fmt.Errorf("repository %q: %q is not a valid repository name", s, name)
	}
	return Repo{Owner: owner, Name: name}, nil
}
