package bot

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/plan"
	"github.com/osism/image-crawler/internal/render"
)

// validate checks a catalog file as the image manager would: against the
// catalog repository's own schema (etc/schema.yaml) when it has one, else
// the built-in copy; and that every entry's latest version by the image
// manager's natsort is its newest build (docs/catalog.md).
func (c *Crawled) validate(rel string, data []byte) []error {
	return append(catalog.ValidateWith(c.Schema, rel, data), catalog.CheckLatest(rel, data)...)
}

// loadSchema reads the catalog repository's etc/schema.yaml (the folder
// above the catalog directory) through an os.Root at the repository, so a
// symbolic link cannot lead it elsewhere.
func loadSchema(root, catalogDir string) (*catalog.Schema, error) {
	r, err := os.OpenRoot(root)
	if errors.Is(err, fs.ErrNotExist) {
		return catalog.BuiltinSchema(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("open catalog repository: %w", err)
	}
	defer r.Close()
	s, err := catalog.LoadSchema(r.FS(), catalogDir)
	if err != nil {
		return nil, fmt.Errorf("catalog schema: %w", err)
	}
	return s, nil
}

// addMirrorURL writes mirror_url into the version a change adds, when
// --mirror-url-template is set. shortname is the catalog entry's own, if
// the entry exists.
func (o *Options) addMirrorURL(ch *plan.Change, shortname string) error {
	if o.MirrorURL == nil || ch.Add == nil {
		return nil
	}
	v := ch.Add
	if slices.ContainsFunc(v.Extra, func(f catalog.Field) bool { return f.Key == "mirror_url" }) {
		return nil
	}
	u, err := o.MirrorURL.Render(ch.Image, shortname, render.Version{Version: v.Version, URL: v.URL, Checksum: v.Checksum, BuildDate: v.BuildDate})
	if err != nil {
		return err
	}
	quoted, err := yaml.Marshal(u)
	if err != nil {
		return err
	}
	ch.MirrorURL = u
	v.Extra = append(v.Extra, catalog.Field{Key: "mirror_url", YAML: string(bytes.TrimSpace(quoted))})
	for i := range ch.Versions {
		if ch.Versions[i].Version == v.Version {
			ch.Versions[i].Extra = v.Extra
		}
	}
	return nil
}

// editVersions makes a change to the version items of an entry the
// operator owns: the added item, the respun item, the pruned and repinned
// ones. Every other byte of the file stays as it is.
func editVersions(f *catalog.File, ch *plan.Change) ([]byte, error) {
	e := catalog.VersionEdit{Image: ch.Image.Name}
	for _, p := range ch.Prune {
		e.Remove = append(e.Remove, p.Version)
	}
	for _, r := range ch.Repin {
		e.Update = append(e.Update, catalog.ItemUpdate{Version: r.Version, Set: []catalog.KV{{Key: "url", Value: catalog.StringValue(r.To)}}})
	}
	if ch.Respin != "" {
		u := ch.Update
		date, err := catalog.ParseDate(u.BuildDate)
		if err != nil {
			return nil, err
		}
		e.Update = append(e.Update, catalog.ItemUpdate{Version: ch.Respin, Set: []catalog.KV{
			{Key: "url", Value: catalog.StringValue(u.URL)},
			{Key: "checksum", Value: catalog.StringValue(u.Checksum)},
			{Key: "build_date", Value: date},
		}})
	}
	if a := ch.Add; a != nil {
		date, err := catalog.ParseDate(a.BuildDate)
		if err != nil {
			return nil, err
		}
		item := catalog.Item{
			{Key: "version", Value: catalog.StringValue(a.Version)},
			{Key: "url", Value: catalog.StringValue(a.URL)},
		}
		if ch.MirrorURL != "" {
			item = append(item, catalog.KV{Key: "mirror_url", Value: catalog.StringValue(ch.MirrorURL)})
		}
		item = append(item,
			catalog.KV{Key: "checksum", Value: catalog.StringValue(a.Checksum)},
			catalog.KV{Key: "build_date", Value: date})
		e.Add = append(e.Add, item)
	}
	return f.EditVersions(e)
}

// botOwned are the keys of a new entry that come from the sources and the
// template, not from its sibling.
var botOwned = map[string]bool{"name": true, "shortname": true, "latest_url": true, "latest_checksum_url": true}

// fromSibling makes a rendered new entry look like the operator's own: it
// takes the sibling entry's keys in the sibling's order, with the sibling's
// values for everything the operator owns (enable, visibility, tags, meta
// other than os_version and architecture, keys the bot does not know), and
// the rendered values for what identifies the new image.
func fromSibling(rendered []byte, sibling *yaml.Node) ([]byte, error) {
	if sibling == nil || sibling.Kind != yaml.MappingNode {
		return rendered, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(rendered, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.SequenceNode || len(doc.Content[0].Content) != 1 {
		return nil, errors.New("the rendered entry is not one list item")
	}
	mine := doc.Content[0].Content[0]
	if mine.Kind != yaml.MappingNode {
		return nil, errors.New("the rendered entry is not a mapping")
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	used := map[string]bool{}
	for i := 0; i+1 < len(sibling.Content); i += 2 {
		k, sv := sibling.Content[i], sibling.Content[i+1]
		key := k.Value
		mv := valueOf(mine, key)
		var v *yaml.Node
		switch {
		case botOwned[key]:
			if mv == nil {
				continue
			}
			v = mv
		case key == "meta":
			v = mergeMeta(sv, mv)
		case key == "versions":
			v = mv
			if v == nil {
				continue
			}
			restyleItems(v, sv)
		default:
			v = sv
		}
		used[key] = true
		out.Content = append(out.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	}
	for i := 0; i+1 < len(mine.Content); i += 2 {
		if !used[mine.Content[i].Value] {
			out.Content = append(out.Content, mine.Content[i], mine.Content[i+1])
		}
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{out}}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(seq); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// mergeMeta is the sibling's meta with the new image's os_version and
// architecture.
func mergeMeta(sibling, mine *yaml.Node) *yaml.Node {
	if sibling.Kind != yaml.MappingNode || mine == nil || mine.Kind != yaml.MappingNode {
		if mine != nil {
			return mine
		}
		return sibling
	}
	own := map[string]bool{"os_version": true, "architecture": true}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	used := map[string]bool{}
	for i := 0; i+1 < len(sibling.Content); i += 2 {
		key := sibling.Content[i].Value
		v := sibling.Content[i+1]
		if own[key] {
			mv := valueOf(mine, key)
			if mv == nil {
				continue
			}
			quoteLike(mv, v)
			v = mv
		}
		used[key] = true
		out.Content = append(out.Content, sibling.Content[i], v)
	}
	for i := 0; i+1 < len(mine.Content); i += 2 {
		if key := mine.Content[i].Value; own[key] && !used[key] {
			out.Content = append(out.Content, mine.Content[i], mine.Content[i+1])
		}
	}
	return out
}

// quoteLike gives a quoted scalar the quote style of the sibling's value
// of the same key, so a new entry quotes as the operator's do ('44' where
// they write '43').
func quoteLike(mine, sibling *yaml.Node) {
	if mine == nil || sibling == nil || mine.Kind != yaml.ScalarNode || sibling.Kind != yaml.ScalarNode {
		return
	}
	quoted := func(st yaml.Style) bool { return st&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 }
	if quoted(mine.Style) && quoted(sibling.Style) && !strings.ContainsAny(mine.Value, "'\n\\") {
		mine.Style = sibling.Style
	}
}

// restyleItems quotes the new entry's version items as the sibling's first
// item quotes the same keys.
func restyleItems(mine, sibling *yaml.Node) {
	if mine.Kind != yaml.SequenceNode || sibling.Kind != yaml.SequenceNode || len(sibling.Content) == 0 {
		return
	}
	first := sibling.Content[0]
	if first.Kind != yaml.MappingNode {
		return
	}
	for _, item := range mine.Content {
		if item.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(item.Content); i += 2 {
			quoteLike(item.Content[i+1], valueOf(first, item.Content[i].Value))
		}
	}
}

func valueOf(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
