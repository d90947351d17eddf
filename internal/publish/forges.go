package publish

import (
	"fmt"

	"github.com/osism/image-crawler/internal/buildinfo"
	"github.com/osism/image-crawler/internal/forge"
	"github.com/osism/image-crawler/internal/forge/github"
)

// The forges image-crawler knows are picked here and nowhere else: a second
// forge is a package under internal/forge that implements forge.Forge, a
// case in forgeRepo that knows its clone URLs, and one in newForge
// (docs/development.md).

// forgeRepo is the repository of the catalog on its forge: --repo, or the
// repository a clone URL names. ok is false when neither says.
func forgeRepo(o *config, catalogURL string) (r forge.Repo, ok bool, err error) {
	if o.Repo != "" {
		r, err := forge.ParseRepo(o.Repo)
		if err != nil {
			return forge.Repo{}, false, &UsageError{fmt.Errorf("--repo: %w", err)}
		}
		return r, true, nil
	}
	if r, ok := github.RepoFromURL(catalogURL); ok {
		return r, true, nil
	}
	return forge.Repo{}, false, nil
}

// newForge makes the client of the catalog's forge.
func newForge(o *config) (forge.Forge, error) {
	c, err := github.New(github.Options{APIURL: o.APIURL, Token: o.Token, UserAgent: buildinfo.UserAgent(), HTTPClient: o.httpClient()})
	if err != nil {
		return nil, &UsageError{fmt.Errorf("--github-api-url: %w", err)}
	}
	return c, nil
}
