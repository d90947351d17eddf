package source

import "github.com/osism/image-crawler/internal/lifecycle"

// Concrete returns the image named name: an image of the file by that
// name, or the release of a per-release image that name stands for ("Ubuntu
// 26.04" of "Ubuntu {release}"), its {codename} filled from the built-in
// release tables. It does not ask upstream whether the release exists; the
// crawl does (upstream.Discover).
func (f *File) Concrete(name string) (Image, bool) {
	for _, img := range f.Images {
		if img.Name == name {
			return img, true
		}
	}
	tables := lifecycle.Builtin()
	for _, img := range f.Images {
		r, ok := img.ReleaseNamed(name)
		if !ok || !img.PerRelease() {
			continue
		}
		codename := ""
		if img.Upstream.ByCodename() {
			rel, ok := tables.Lookup(img.Type, r)
			if !ok {
				continue
			}
			codename = rel.Codename
		}
		return img.ForCodename(r, codename), true
	}
	return Image{}, false
}
