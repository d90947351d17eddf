package plan

import (
	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/upstream"
)

// chooseVersion is the version string a new build is recorded under in an
// entry that already holds versions.
func chooseVersion(existing []catalog.Version, res upstream.Result) (string, error) {
	return res.Version, nil
}
