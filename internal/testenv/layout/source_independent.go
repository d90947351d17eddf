package layout

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// sourceIndependent lays out an image of a distribution with a strategy of
// its own (openSUSE, Arch, Flatcar, Alpine, CirrOS) of a sources file for
// Source. builds are dates (YYYYMMDD), oldest first; each
// becomes a build the way that distribution names one (openSUSE 19.100,
// Arch 20260705.550001, Flatcar 4401.2.1, Alpine <branch>.2, CirrOS 0.6.3).
func sourceIndependent(m *mirror.Server, img source.Image, builds []string) error {
	u, err := url.Parse(img.Upstream.URL)
	if err != nil {
		return err
	}
	up := img.Upstream
	switch img.Type {
	case "opensuse":
		var bs []OpenSUSEBuild
		for i, b := range builds {
			bs = append(bs, OpenSUSEBuild{Version: fmt.Sprintf("19.%d", 100+i), Date: dateOf(b)})
		}
		OpenSUSE(m, u.Path, up.Filename, up.Pinned, bs, "  ", "")
	case "arch":
		var vs []string
		for i, b := range builds {
			vs = append(vs, fmt.Sprintf("%s.%d", b, 550000+i))
		}
		Arch(m, u.Path, vs, "")
	case "flatcar":
		var rs []FlatcarRelease
		for i, b := range builds {
			rs = append(rs, FlatcarRelease{Version: fmt.Sprintf("%d.2.%d", 4400+i, i+1), BuildID: dateOf(b).Format("2006-01-02-1504")})
		}
		// The boards differ only in the path; the architecture as seed
		// keeps their digests apart.
		Flatcar(m, u.Path, rs, img.Arch)
	case "alpine":
		branch, root := "3.23", ""
		if img.PerRelease() {
			root = strings.TrimPrefix(up.ReleasesURL(), u.Scheme+"://"+u.Host)
		} else {
			branch = strings.TrimPrefix(strings.Split(strings.Trim(u.Path, "/"), "/")[1], "v")
		}
		var rs []AlpineRelease
		for i, b := range builds {
			rs = append(rs, AlpineRelease{Version: fmt.Sprintf("%s.%d", branch, i+1), Built: dateOf(b)})
		}
		if root != "" {
			Alpine(m, root, []string{"3.22", branch}, rs, "")
		} else {
			AlpineCloud(m, u.Path, rs, "")
		}
	case "cirros":
		var rs []CirrosRelease
		for i, b := range builds {
			rs = append(rs, CirrosRelease{Version: fmt.Sprintf("0.6.%d", i+2), Date: dateOf(b)})
		}
		Cirros(m, u.Path, rs, "")
	default:
		return fmt.Errorf("layout: no layout for type %q (%s)", img.Type, img.Name)
	}
	return nil
}

// archSiblings names an image of every architecture a release directory
// publishes side by side: for "...-amd64..." (or "...-arm64...") both. Laying
// out each image of a sources file with the same list keeps one checksum
// file listing them all, whichever image is laid out last.
func archSiblings(name string) []string {
	names := []string{name}
	for _, pair := range [][2]string{{"amd64", "arm64"}, {"arm64", "amd64"}} {
		if strings.Contains(name, pair[0]) {
			names = append(names, strings.Replace(name, pair[0], pair[1], 1))
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}
