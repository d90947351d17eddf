package bot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

// Why a new catalog entry is written. An image the catalog already holds is
// never "new": the bot only edits its versions (docs/catalog.md).
const (
	// NewBootstrap: the catalog holds no image at all, so the whole
	// selected set is written from the templates.
	NewBootstrap = "bootstrap"
	// NewRequested: --add NAME or --add-all asked for it.
	NewRequested = "requested"
	// NewRelease: a per-release source lists a release newer than the
	// newest one the catalog holds of it (Fedora 45 next to Fedora 44).
	NewRelease = "new release"
	// NewArch: an aarch64 twin of an image the catalog holds, in a family
	// the catalog already carries aarch64 images of.
	NewArch = "new architecture"
)

// scope is which images a run touches, decided from the sources and the
// catalog before anything is crawled.
type scope struct {
	// images are crawled: every source image the catalog holds, and the
	// new entries below.
	images []source.Image
	// fresh names the images that get a new entry, and why.
	fresh map[string]string
	// sibling is, for a NewRelease or NewArch entry, the catalog entry whose
	// operator-owned fields the new entry copies.
	sibling map[string]siblingRef
	// available are shipped images the catalog lacks and nobody asked for.
	available []string
}

// siblingRef points at a catalog entry.
type siblingRef struct {
	file *catalog.File
	img  *catalog.Image
}

// AddOptions say which images the catalog lacks that a run adds.
type AddOptions struct {
	Names []string // --add, matched case-insensitively
	All   bool     // --add-all
}

// decideScope applies the rules of docs/catalog.md ("What gets managed"):
// an empty catalog gets the whole selected set; a catalog with images is
// managed as it is, plus new releases and aarch64 twins of what it carries,
// plus what --add asks for. release is, for each image that came from a
// per-release source, the sources-file line of that source (its family).
//
// ended says whether an image's release is past its end of life: such an
// image is not part of a new catalog (bootstrap) nor of --add-all, only of
// --add NAME, and a catalog that holds it keeps it (docs/lifecycle.md).
// lenient leaves --add names that match none of imgs to the caller, which
// decides the scope of the per-release images apart (they are discovered
// while the others are crawled).
func decideScope(cat *catalog.Catalog, imgs []source.Image, add AddOptions, ended func(source.Image) bool, lenient bool) (*scope, error) {
	s := &scope{fresh: map[string]string{}, sibling: map[string]siblingRef{}}
	held := func(name string) bool { _, _, ok := cat.Lookup(name); return ok }
	empty := true
	for _, f := range cat.Files {
		if len(f.Images) > 0 {
			empty = false
		}
	}
	if len(cat.Errors) > 0 {
		// A file that does not parse may hold images: never bootstrap
		// over it.
		empty = false
	}
	requested, err := matchAdd(imgs, add.Names)
	if err != nil && !lenient {
		return nil, err
	}
	if ended == nil {
		ended = func(source.Image) bool { return false }
	}
	proposals := map[string]string{}
	siblings := map[string]siblingRef{}
	if !empty {
		proposeReleases(cat, imgs, proposals, siblings)
		proposeArches(cat, imgs, proposals, siblings)
	}
	for _, img := range imgs {
		switch {
		case held(img.Name):
			s.images = append(s.images, img)
		case empty && !ended(img):
			s.images = append(s.images, img)
			s.fresh[img.Name] = NewBootstrap
		case requested[img.Name] || add.All && !ended(img):
			s.images = append(s.images, img)
			s.fresh[img.Name] = NewRequested
		case proposals[img.Name] != "":
			s.images = append(s.images, img)
			s.fresh[img.Name] = proposals[img.Name]
			s.sibling[img.Name] = siblings[img.Name]
		default:
			s.available = append(s.available, img.Name)
		}
	}
	return s, nil
}

// matchAdd resolves --add names against the sources, ignoring case. The
// names it finds are returned even when others are unknown.
func matchAdd(imgs []source.Image, names []string) (map[string]bool, error) {
	out := map[string]bool{}
	var unknown []string
	for _, n := range names {
		found := false
		for _, img := range imgs {
			if strings.EqualFold(img.Name, strings.TrimSpace(n)) {
				out[img.Name], found = true, true
			}
		}
		if !found {
			unknown = append(unknown, fmt.Sprintf("%q", n))
		}
	}
	if len(unknown) > 0 {
		return out, fmt.Errorf("--add %s: no such image in the sources (see `image-crawler list`)", strings.Join(unknown, ", "))
	}
	return out, nil
}

// proposeReleases finds, for every per-release source of which the catalog
// holds a current release, the newer releases upstream lists.
func proposeReleases(cat *catalog.Catalog, imgs []source.Image, out map[string]string, siblings map[string]siblingRef) {
	families := map[int][]source.Image{}
	for _, img := range imgs {
		if img.Release != "" {
			families[img.Line] = append(families[img.Line], img)
		}
	}
	for _, fam := range families {
		var newest *source.Image
		var ref siblingRef
		for i := range fam {
			f, ci, ok := cat.Lookup(fam[i].Name)
			if !ok {
				continue
			}
			if newest == nil || upstream.CompareVersions(fam[i].Release, newest.Release) > 0 {
				newest, ref = &fam[i], siblingRef{f, ci}
			}
		}
		if newest == nil {
			continue
		}
		for _, img := range fam {
			if upstream.CompareVersions(img.Release, newest.Release) > 0 {
				out[img.Name] = NewRelease
				siblings[img.Name] = ref
			}
		}
	}
}

// proposeArches finds aarch64 images whose x86_64 twin the catalog holds,
// in a family of which the catalog already holds an aarch64 image.
func proposeArches(cat *catalog.Catalog, imgs []source.Image, out map[string]string, siblings map[string]siblingRef) {
	armByFamily := map[string]siblingRef{}
	for _, f := range cat.Files {
		for _, ci := range f.Images {
			if isARM(f.Entry(ci).Arch, ci.Name) {
				fam := family(ci.Name)
				if prev, ok := armByFamily[fam]; !ok || upstream.CompareVersions(ci.Name, prev.img.Name) > 0 {
					armByFamily[fam] = siblingRef{f, ci}
				}
			}
		}
	}
	for _, img := range imgs {
		if !isARM(img.Arch, img.Name) || out[img.Name] != "" {
			continue
		}
		ref, ok := armByFamily[family(img.Name)]
		if !ok {
			continue
		}
		if _, _, ok := cat.Lookup(twinName(img.Name)); ok {
			out[img.Name] = NewArch
			siblings[img.Name] = ref
		}
	}
}

func isARM(arch, name string) bool {
	return arch == "aarch64" || arch == "arm64" || slices.Contains(strings.Fields(strings.ToLower(name)), "aarch64")
}

// twinName is the x86_64 image's name of an aarch64 image's:
// "Ubuntu 24.04 aarch64" -> "Ubuntu 24.04".
func twinName(name string) string {
	var keep []string
	for _, w := range strings.Fields(name) {
		if !strings.EqualFold(w, "aarch64") && !strings.EqualFold(w, "arm64") {
			keep = append(keep, w)
		}
	}
	return strings.Join(keep, " ")
}

// family is an image name without its version and architecture words:
// "Ubuntu 24.04 Minimal aarch64" -> "ubuntu minimal", "Rocky 9" -> "rocky".
func family(name string) string {
	var keep []string
	for _, w := range strings.Fields(strings.ToLower(name)) {
		switch {
		case w == "aarch64", w == "arm64", w == "x86_64", w == "amd64":
		case strings.ContainsAny(w, "0123456789"):
		default:
			keep = append(keep, w)
		}
	}
	return strings.Join(keep, " ")
}
