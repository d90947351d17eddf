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
}

// Entry reads img's entry fields. img must be one of f.Images.
func (f *File) Entry(img *Image) Entry {
	e := Entry{Enabled: true}
	n := f.Node(img)
	if n == nil {
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
	return e
}

// Node is the parsed mapping of img's entry, for reading only: the file's
// bytes, not this node, are what an edit changes. Nil when img is not an
// item of f or is not a mapping.
func (f *File) Node(img *Image) *yaml.Node {
	if f.p == nil {
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
