package catalog

import (
	"bytes"
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"
)

// ErrNoEnable is returned by Disable for an entry without a plain `enable`
// scalar: the bot changes a value the operator wrote, it never adds the key.
var ErrNoEnable = errors.New("entry has no plain enable: true to change")

// Disable returns the file's bytes with the `enable` value of the entry named
// name changed to false, and nothing else: only the bytes of that scalar are
// replaced (its quoting kept), and the result is parsed again and compared
// with the original, item by item, before it is returned. It is the one
// operator-owned field the bot changes, and only when asked
// (--disable-eol, docs/lifecycle.md).
func (f *File) Disable(name string) ([]byte, error) {
	i, err := f.imageIndex(name)
	if err != nil {
		return nil, err
	}
	if err := f.tree(); err != nil {
		return nil, err
	}
	if f.p == nil {
		return nil, errors.New("the file was not read by Load")
	}
	n := lookup(f.p.items[i], "enable")
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return nil, fmt.Errorf("%s: %w", name, ErrNoEnable)
	}
	start := f.p.lines.offset(n.Line, n.Column)
	var raw []byte
	switch n.Style {
	case 0:
		raw = []byte(n.Value)
	case yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle:
		return nil, fmt.Errorf("%s: %w (it is quoted, so not a boolean)", name, ErrNoEnable)
	default:
		return nil, fmt.Errorf("%s: %w", name, ErrNoEnable)
	}
	if !bytes.HasPrefix(f.Data[start:], raw) {
		return nil, fmt.Errorf("%s: enable value not found at line %d", name, n.Line)
	}
	value := []byte("false")
	switch string(raw) {
	case "false", "False", "FALSE":
		return bytes.Clone(f.Data), nil // already disabled
	case "True":
		value = []byte("False")
	case "TRUE":
		value = []byte("FALSE")
	}
	out := make([]byte, 0, len(f.Data)+1)
	out = append(append(append(out, f.Data[:start]...), value...), f.Data[start+len(raw):]...)
	if err := f.checkDisabled(out, i); err != nil {
		return nil, fmt.Errorf("disable %s: %w", name, err)
	}
	return out, nil
}

// checkDisabled parses out again: every image the same as before, except
// that image i is no longer enabled.
func (f *File) checkDisabled(out []byte, i int) error {
	g, ferr := parseFile(f.Path, out)
	if ferr != nil {
		return ferr
	}
	if len(g.Images) != len(f.Images) {
		return fmt.Errorf("the edit changed the number of images")
	}
	for k := range f.Images {
		if g.Images[k].Name != f.Images[k].Name {
			return fmt.Errorf("the edit changed image %d's name", k)
		}
		a, b := f.p.items[k], g.p.items[k]
		if k == i {
			if g.Entry(g.Images[k]).Enabled {
				return fmt.Errorf("%s is still enabled", f.Images[k].Name)
			}
			a, b = withoutKey(a, "enable"), withoutKey(b, "enable")
		}
		if !(&nodeComparer{}).same(a, b) {
			return fmt.Errorf("the edit changed %s beyond its enable flag", f.Images[k].Name)
		}
	}
	return nil
}

// withoutKey is a shallow copy of mapping m without key.
func withoutKey(m *yaml.Node, key string) *yaml.Node {
	c := *m
	c.Content = nil
	for j := 0; j+1 < len(m.Content); j += 2 {
		if m.Content[j].Value != key {
			c.Content = append(c.Content, m.Content[j], m.Content[j+1])
		}
	}
	return &c
}
