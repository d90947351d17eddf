package plan

import (
	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/upstream"
)

// chooseVersion is the version string a new build is recorded under in an
// entry that already holds versions (ChooseVersion).
func chooseVersion(existing []catalog.Version, res upstream.Result) (string, error) {
	c, err := ChooseVersion(existing, Build{ID: res.Version, Date: res.BuildDate})
	if err != nil {
		return "", err
	}
	return c.Version, nil
}
