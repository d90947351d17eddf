package layout

import (
	"fmt"
	"net/url"
	"strings"
	"time"

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
		// amd64 and arm64 share one SHA256SUMS: lay out both, whichever
		// this image is.
		UbuntuArches(m, u.Path, archSiblings(up.Filename), builds, "")
	case "ubuntu-daily":
		// What a catalog entry following the daily stream crawls (see
		// upstream.Follow): <series>/ or minimal/daily/<series>/.
		UbuntuDaily(m, u.Path, up.Filename, builds, "")
	case "debian":
		var debBuilds []string
		for i, b := range builds {
			debBuilds = append(debBuilds, fmt.Sprintf("%s-%04d", b, 1990+i))
		}
		if codename, ok := strings.CutSuffix(u.Path, "daily/"); ok {
			DebianDaily(m, codename, strings.TrimSuffix(strings.TrimSuffix(up.Filename, ".qcow2"), "-daily"), debBuilds, "")
			break
		}
		DebianArches(m, u.Path, archSiblings(strings.TrimSuffix(up.Filename, ".qcow2")), debBuilds, "")
	case "alias-checksum", "alias-checksum-minor", "alias-sidecar", "alias-sidecar-minor", "pattern", "fedora":
		return sourceRedHat(m, img, builds)
	case "opensuse", "arch", "flatcar", "alpine", "cirros":
		return sourceIndependent(m, img, builds)
	default:
		return fmt.Errorf("layout: no layout for type %q (%s)", img.Type, img.Name)
	}
	return nil
}

// Site is a set of mirror listeners, one per upstream host, serving images
// of a sources file where the real hosts publish them.
type Site struct {
	Servers []*mirror.Server
	// Mirrors are the --mirror FROM=TO arguments that send the crawler here.
	Mirrors []string
	// Images is how many catalog images the site publishes: a series
	// source ({codename}) stands for one per release laid out.
	Images int
	byHost map[string]int
}

// seriesReleases are the releases Serve lays out for a source that lists
// releases by series directory: the ones the shipped sources offer.
var seriesReleases = map[string][][2]string{
	"ubuntu": {{"22.04", "jammy"}, {"24.04", "noble"}, {"26.04", "resolute"}},
	"debian": {{"11", "bullseye"}, {"12", "bookworm"}, {"13", "trixie"}},
}

// numberedReleases are the releases Serve lays out for a source that lists
// numbered release directories, by its releases directory: the ones the
// shipped sources offer. Fedora and Alpine lay out their own.
var numberedReleases = map[string][]string{
	"https://repo.almalinux.org/almalinux/":            {"8", "9", "10"},
	"https://dl.rockylinux.org/pub/rocky/":             {"8", "9", "10"},
	"https://cloud.centos.org/centos/":                 {"9", "10"},
	"https://download.opensuse.org/distribution/leap/": {"15.6", "16.0"},
}

// concrete is img, or for a series source one image per release of
// seriesReleases, for a numbered one of numberedReleases.
func concrete(img source.Image) []source.Image {
	if !img.PerRelease() {
		return []source.Image{img}
	}
	var out []source.Image
	if !img.Upstream.ByCodename() {
		rs, ok := numberedReleases[img.Upstream.ReleasesURL()]
		if !ok {
			return []source.Image{img}
		}
		for _, r := range rs {
			out = append(out, img.ForRelease(r))
		}
		return out
	}
	for _, r := range seriesReleases[img.Type] {
		out = append(out, img.ForCodename(r[0], r[1]))
	}
	return out
}

// Close stops every listener.
func (s *Site) Close() {
	for _, m := range s.Servers {
		m.Close()
	}
}

// Serve lays out every image of src on a new Site (listeners made with
// mirror.Start, each with the given latency per request).
func Serve(src *source.File, builds []string, latency time.Duration) (*Site, error) {
	s := &Site{byHost: map[string]int{}}
	for _, img := range src.Images {
		u, err := url.Parse(img.Upstream.URL)
		if err != nil {
			return nil, err
		}
		i, ok := s.byHost[u.Host]
		if !ok {
			m := mirror.Start()
			m.Latency(latency)
			i = len(s.Servers)
			s.byHost[u.Host] = i
			s.Servers = append(s.Servers, m)
			s.Mirrors = append(s.Mirrors, fmt.Sprintf("%s://%s/=%s/", u.Scheme, u.Host, m.URL))
		}
		for _, c := range concrete(img) {
			if err := Source(s.Servers[i], c, builds); err != nil {
				s.Close()
				return nil, err
			}
			s.Images++
		}
	}
	return s, nil
}
