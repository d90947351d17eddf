package layout

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// Source lays out one image of a sources file on m, at the path of its
// upstream URL, with the given builds (the last is the latest). It is how
// the demo and the benchmark serve every shipped image.
func Source(m *mirror.Server, img source.Image, builds []string) error {
	u, err := url.Parse(img.Upstream.URL)
	if err != nil {
		return err
	}
	up := img.Upstream
	switch img.Type {
	case "ubuntu":
		Ubuntu(m, u.Path, up.Filename, builds, "")
	case "debian":
		var debBuilds []string
		for i, b := range builds {
			debBuilds = append(debBuilds, fmt.Sprintf("%s-%04d", b, 1990+i))
		}
		Debian(m, u.Path, strings.TrimSuffix(up.Filename, ".qcow2"), debBuilds, "")
	default:
		return fmt.Errorf("layout: no layout for type %q (%s)", img.Type, img.Name)
	}
	return nil
}
