package layout

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// sourceRedHat lays out an image of the Red Hat family (AlmaLinux, Rocky,
// CentOS Stream, Fedora) of a sources file, or one upstream.Follow made of a
// catalog entry, for Source: the types that read a CHECKSUM file
// (alias-checksum, alias-sidecar, pattern, fedora). builds are dates
// (YYYYMMDD), oldest first; each becomes a build identifier the way that
// distribution writes one. The layout follows the host, as the real mirrors
// differ by host and not by the source's type (AlmaLinux and CentOS Stream
// share one).
func sourceRedHat(m *mirror.Server, img source.Image, builds []string) error {
	u, err := url.Parse(img.Upstream.URL)
	if err != nil {
		return err
	}
	last := builds[len(builds)-1]
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch {
	case u.Host == "repo.almalinux.org" && len(segs) == 5: // almalinux/9/cloud/x86_64/images
		major := segs[1]
		build := major + ".1-" + last
		if n, _ := strconv.Atoi(major); n >= 10 {
			build += ".0" // AlmaLinux 10 adds a respin number
		}
		AlmaLinux(m, "/"+segs[0]+"/", major, segs[3], build, "")
	case (u.Host == "dl.rockylinux.org" || u.Host == "download.rockylinux.org") && len(segs) == 5: // pub/rocky/9/images/x86_64
		var vs []string
		for i, b := range builds {
			vs = append(vs, fmt.Sprintf("%s.%d-%s.0", segs[2], i+4, b))
		}
		Rocky(m, "/"+segs[0]+"/"+segs[1]+"/", segs[2], segs[4], vs, "")
	case u.Host == "cloud.centos.org" && len(segs) == 4: // centos/9-stream/x86_64/images
		var vs []string
		for _, b := range builds {
			vs = append(vs, b+".0")
		}
		CentOSStream(m, "/"+segs[0]+"/", strings.TrimSuffix(segs[1], "-stream"), segs[2], vs, "")
	case u.Host == "dl.fedoraproject.org" && img.PerRelease():
		root := strings.TrimPrefix(img.Upstream.ReleasesURL(), u.Scheme+"://"+u.Host)
		mod := dateIn(last)
		Fedora(m, root, "", FedoraCompose{ID: "42-1.1", Modified: mod}, FedoraCompose{ID: "43-1.6", Modified: mod}, FedoraCompose{ID: "44-1.7", Modified: mod})
	default:
		return fmt.Errorf("layout: no layout for %s images at %s (%s)", img.Type, img.Upstream.URL, img.Name)
	}
	return nil
}
