package source

import (
	"fmt"
	"slices"
	"sync"

	"github.com/osism/image-crawler/internal/signature"
)

// CheckKeys parses the key files of imgs, each content once per process,
// and reports the ones that are no usable OpenPGP public key at their own
// line of the sources file. Loading a sources file only reads the key
// files: a run checks the keys of the images it crawls with signatures on,
// validate those of every image (docs/sources.md).
//
// The key files are parsed concurrently: parsing verifies RSA
// self-signatures, which is most of the cost of starting a run.
func CheckKeys(imgs []Image) error { return parseKeys(imgs, true) }

// parseKeys is CheckKeys, its key files parsed one after another unless
// parallel.
func parseKeys(imgs []Image, parallel bool) error {
	type job struct {
		img  *Image
		i    int
		data []byte
	}
	var jobs []job
	seen := map[string]bool{}
	for k := range imgs {
		u := &imgs[k].Upstream
		// A per-release source's settings per release name keys of their
		// own: they are checked as the concrete releases' keys.
		for _, r := range slices.Sorted(mapKeys(u.PerRelease)) {
			rel := imgs[k].ForRelease(r)
			for i, data := range rel.Upstream.KeyData {
				id := fmt.Sprint(u.keyPath, ":", lineOf(&rel.Upstream, i, rel.Line), ":", string(data))
				if !seen[id] {
					seen[id] = true
					relImg := rel
					jobs = append(jobs, job{&relImg, i, data})
				}
			}
		}
		for i, data := range u.KeyData {
			// One image per key file content and line is enough: per-release
			// images repeat their source's keys.
			id := fmt.Sprint(u.keyPath, ":", lineOf(u, i, imgs[k].Line), ":", string(data))
			if seen[id] {
				continue
			}
			seen[id] = true
			jobs = append(jobs, job{&imgs[k], i, data})
		}
	}
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for j, jb := range jobs {
		if !parallel {
			errs[j] = checkKey(jb.data)
			continue
		}
		wg.Go(func() { errs[j] = checkKey(jb.data) })
	}
	wg.Wait()
	var out Errors
	for j, err := range errs {
		if err == nil {
			continue
		}
		img, i := jobs[j].img, jobs[j].i
		name := ""
		if i < len(img.Upstream.Keys) {
			name = img.Upstream.Keys[i]
		}
		out = append(out, &Error{Path: img.Upstream.keyPath, Line: lineOf(&img.Upstream, i, img.Line),
			Msg: fmt.Sprintf("image %q: upstream.keys: %s: %v", img.Name, name, unwrapKeyErr(err))})
	}
	if len(out) > 0 {
		return out
	}
	return nil
}

// lineOf is the line of the i-th key of u, or the image's own line.
func lineOf(u *Upstream, i, line int) int {
	if i < len(u.keyLines) {
		return u.keyLines[i]
	}
	return line
}

// CheckKeysBeside is CheckKeys for a run that should not wait for it
// before its first request: the key files are only looked at before it
// returns (signature.ReadsAsPublicKeys, a fraction of the cost), and the
// full parse is left to wait, which returns CheckKeys's result. wait parses
// the files one after another, so that called beside the crawl it takes
// one core at most from it, and only once however often it is called.
// When a file does not even read as public keys, CheckKeys runs before
// CheckKeysBeside returns and its error (the same error: every broken key
// of imgs at its line) comes back at once, so a run stops before any
// request as it did.
func CheckKeysBeside(imgs []Image) (wait func() error, err error) {
	readable := func(keys [][]byte) bool {
		for _, data := range keys {
			if !signature.ReadsAsPublicKeys(data) {
				return false
			}
		}
		return true
	}
	for k := range imgs {
		ok := readable(imgs[k].Upstream.KeyData)
		// The keys a release's own settings name (per_release) too.
		for r := range imgs[k].Upstream.PerRelease {
			ok = ok && readable(imgs[k].ForRelease(r).Upstream.KeyData)
		}
		if ok {
			continue
		}
		if err := CheckKeys(imgs); err != nil {
			return nil, err
		}
		return func() error { return nil }, nil
	}
	return sync.OnceValue(func() error { return parseKeys(imgs, false) }), nil
}
