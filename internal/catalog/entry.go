package catalog

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Entry is what the bot reads of an image entry besides its versions: the
// fields that decide which upstream stream it follows and whether it is in
// use. Everything here belongs to the operator; the bot reads it and never
// writes it (docs/catalog.md, "Who owns what").
type Entry struct {
	LatestURL         string // latest_url, "" when absent
	LatestChecksumURL string // latest_checksum_url, "" when absent
	Arch              string // meta.architecture, "" when absent
	Shortname         string // shortname, "" when absent
	Format            string // format, "" when absent
	// Enabled is the entry's enable flag; the image manager's default
	// (absent) is true.
	Enabled bool
	// OSDistro and OSVersion are meta.os_distro and meta.os_version, ""
	// when absent: the release whose end of life the entry is checked
	// against (docs/lifecycle.md).
	OSDistro, OSVersion string
}

// Entry reads img's entry fields. img must be one of f.Images. They were
// read when the file was parsed, so Entry needs no YAML tree (Node does).
func (f *File) Entry(img *Image) Entry {
	for i, im := range f.Images {
		if im == img && i < len(f.entries) {
			return f.entries[i]
		}
	}
	return Entry{Enabled: true}
}

// entryOf reads the Entry of an image item's mapping.
func entryOf(n *yaml.Node) Entry {
	e := Entry{Enabled: true}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n == nil || n.Kind != yaml.MappingNode {
		return e
	}
	e.LatestURL = strings.TrimSpace(scalarValue(n, "latest_url"))
	e.LatestChecksumURL = strings.TrimSpace(scalarValue(n, "latest_checksum_url"))
	e.Shortname = strings.TrimSpace(scalarValue(n, "shortname"))
	e.Format = strings.TrimSpace(scalarValue(n, "format"))
	if v := lookup(n, "enable"); v != nil && v.Kind == yaml.ScalarNode {
		switch strings.ToLower(v.Value) {
		case "false", "no", "off", "n":
			e.Enabled = false
		}
	}
	if meta := lookup(n, "meta"); meta != nil && meta.Kind == yaml.MappingNode {
		e.Arch = strings.TrimSpace(scalarValue(meta, "architecture"))
	}
	e.OSDistro, e.OSVersion = osRelease(n)
	return e
}

// osRelease reads meta.os_distro and meta.os_version as written, following
// aliases (meta: *common, os_version: *v) as the image manager's YAML
// loader does.
func osRelease(n *yaml.Node) (distro, version string) {
	meta := lookup(n, "meta")
	if meta == nil || meta.Kind != yaml.MappingNode {
		return "", ""
	}
	return strings.TrimSpace(scalarValue(meta, "os_distro")), strings.TrimSpace(scalarValue(meta, "os_version"))
}

// Node is the parsed mapping of img's entry, for reading only: the file's
// bytes, not this node, are what an edit changes. Nil when img is not an
// item of f or is not a mapping. A file from Load is parsed again for it
// (and kept parsed), so a run asks only for the entries it edits.
func (f *File) Node(img *Image) *yaml.Node {
	if f.tree() != nil || f.p == nil {
		return nil
	}
	for i, im := range f.Images {
		if im == img && i < len(f.p.items) {
			n := f.p.items[i]
			if n.Kind == yaml.AliasNode {
				n = n.Alias
			}
			if n.Kind != yaml.MappingNode {
				return nil
			}
			return n
		}
	}
	return nil
}

// Parse reads one catalog file's bytes as Load does (path is the file's
// slash path relative to the catalog directory, for messages). An edit
// that runs in several steps parses each step's result with it.
func Parse(path string, data []byte) (*File, error) {
	f, ferr := parseFile(path, data)
	if ferr != nil {
		return nil, ferr
	}
	return f, nil
}
