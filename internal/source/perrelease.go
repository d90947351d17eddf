package source

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// ReleaseSettings are the upstream settings of one release of a
// per-release source that differ from the source's own: a signing key per
// major release (AlmaLinux, Rocky), an end of life per release, file names
// that changed between releases (openSUSE Leap 15.6 and 16.0), and whether
// a new entry of the release is enabled. They are
// written under upstream.per_release, keyed by the release
// (docs/sources.md, "Per-release settings"), and ForCodename applies them.
// An empty field keeps the source's value; keys, when given, replace the
// source's keys.
type ReleaseSettings struct {
	Checksums     string   `yaml:"checksums"`
	Filename      string   `yaml:"filename"`
	Pinned        string   `yaml:"pinned"`
	EOL           string   `yaml:"eol"`
	ReleaseNotes  string   `yaml:"release_notes"`
	Signature     string   `yaml:"signature"`
	SignatureFile string   `yaml:"signature_file"`
	Keys          []string `yaml:"keys"`
	// Enable is the release's image.enable, for a release a new catalog
	// gets disabled (AlmaLinux 8 and Rocky 8, as osism ships them).
	Enable *bool `yaml:"enable"`

	// KeyData holds the contents of Keys, read when the sources file was
	// loaded, as Upstream.KeyData does.
	KeyData  [][]byte `yaml:"-"`
	keyLines []int
}

// Settings returns the upstream settings of one release: the source's,
// with what upstream.per_release says for that release in their place.
func (u Upstream) Settings(release string) Upstream {
	s, ok := u.PerRelease[release]
	out := u
	out.PerRelease = nil
	if !ok {
		return out
	}
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&out.Checksums, s.Checksums}, {&out.Filename, s.Filename}, {&out.Pinned, s.Pinned},
		{&out.EOL, s.EOL}, {&out.ReleaseNotes, s.ReleaseNotes}, {&out.Signature, s.Signature},
		{&out.SignatureFile, s.SignatureFile},
	} {
		if f.src != "" {
			*f.dst = f.src
		}
	}
	switch {
	case s.Signature == SignatureOff && s.Keys == nil:
		// A release that is not signed has no keys: the source's would
		// only be kept for a stream they do not sign (upstream.Follow).
		out.Keys, out.KeyData, out.keyLines = nil, nil, nil
	case s.Keys != nil:
		out.Keys = slices.Clone(s.Keys)
		out.KeyData = slices.Clone(s.KeyData)
		out.keyLines = slices.Clone(s.keyLines)
	}
	return out
}

// validatePerRelease checks upstream.per_release: only a per-release source
// has one, every key is a release its releases directory could list, and
// each release's settings, merged with the source's, are valid on their own.
func (img *Image) validatePerRelease() []string {
	u := img.Upstream
	if len(u.PerRelease) == 0 {
		return nil
	}
	var msgs []string
	if !img.PerRelease() {
		return []string{"upstream.per_release: only a per-release source (upstream.releases or releases_only) has settings per release"}
	}
	pattern := releaseNumber
	if u.ReleasePattern != "" && !u.ByCodename() {
		pattern = u.ReleasePattern
	}
	for _, r := range slices.Sorted(mapKeys(u.PerRelease)) {
		add := func(format string, a ...any) {
			msgs = append(msgs, fmt.Sprintf("upstream.per_release.%q: ", r)+fmt.Sprintf(format, a...))
		}
		if _, ok := matchPattern("", pattern, "", r); !ok {
			add("not a release number this source lists (want %s)", pattern)
			continue
		}
		if len(u.ReleasesOnly) > 0 && !slices.Contains(u.ReleasesOnly, r) {
			add("not one of upstream.releases_only %v", u.ReleasesOnly)
		}
		m := u.Settings(r)
		s := u.PerRelease[r]
		if s.EOL != "" {
			if _, err := time.Parse(time.DateOnly, s.EOL); err != nil {
				add("eol %q: want a date, YYYY-MM-DD", s.EOL)
			}
		}
		if !signatures[m.Signature] {
			add("signature %q: want required, optional or off", m.Signature)
		}
		if (m.Signature == SignatureRequired || m.Signature == SignatureOptional) && len(m.Keys) == 0 {
			add("signature is %s but no key is named for this release", m.Signature)
		}
		if sf := s.SignatureFile; sf != "" && (strings.Contains(sf, "..") || strings.ContainsAny(sf, "/\\") || strings.Contains(sf, "://")) {
			add("signature_file %q: want a file name in the checksum file's directory", sf)
		}
		for _, kv := range [][2]string{{"checksums", s.Checksums}, {"filename", s.Filename}, {"pinned", s.Pinned}} {
			if strings.Contains(kv[1], "..") || strings.HasPrefix(kv[1], "/") || strings.Contains(kv[1], "://") {
				add("%s %q: want a name relative to upstream.url", kv[0], kv[1])
			}
			if strings.Contains(kv[1], CodenamePlaceholder) {
				add("%s %q: %s belongs in upstream.url only", kv[0], kv[1], CodenamePlaceholder)
			}
		}
		if strings.Count(s.Pinned, "{version}") > 1 {
			add("pinned %q: {version} may appear once", s.Pinned)
		}
		for _, kv := range [][2]string{
			{"checksums", s.Checksums}, {"filename", s.Filename}, {"pinned", s.Pinned},
			{"signature_file", s.SignatureFile}, {"release_notes", s.ReleaseNotes},
		} {
			if msg := controlFree(kv[0], kv[1]); msg != "" {
				add("%s", msg)
			}
		}
		if s.ReleaseNotes != "" {
			if err := checkURL(strings.NewReplacer("{version}", "v", "{release}", "r", "{codename}", "c", "{build}", "b", "{major}", "1", "{minor}", "0").Replace(s.ReleaseNotes)); err != nil {
				add("release_notes: %v", err)
			}
		}
	}
	return msgs
}

// loadReleaseKeys reads the key files of every upstream.per_release entry,
// as loadKeys does for the source's own.
func (img *Image) loadReleaseKeys(path string, n *yaml.Node, dir fs.FS) Errors {
	var errs Errors
	pr := mapValue(mapValue(n, "upstream"), "per_release")
	for _, r := range slices.Sorted(mapKeys(img.Upstream.PerRelease)) {
		s := img.Upstream.PerRelease[r]
		s.KeyData, s.keyLines = nil, nil
		lines := itemLines(mapValue(mapValue(pr, r), "keys"))
		for i, name := range s.Keys {
			line := n.Line
			if i < len(lines) {
				line = lines[i]
			}
			data, err := readKeyFile(dir, name)
			if err != nil {
				errs = append(errs, &Error{Path: path, Line: line, Msg: fmt.Sprintf("image %q: upstream.per_release.%q.keys: %s: %v", img.Name, r, name, unwrapKeyErr(err))})
				continue
			}
			s.KeyData = append(s.KeyData, data)
			s.keyLines = append(s.keyLines, line)
		}
		img.Upstream.PerRelease[r] = s
	}
	return errs
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
