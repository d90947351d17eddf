package bot

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/plan"
	"github.com/osism/image-crawler/internal/render"
)

// validate checks a catalog file as the image manager would: against the
// catalog repository's own schema (etc/schema.yaml) when it has one, else
// the built-in copy.
func (o *Options) validate(rel string, data []byte) []error {
	return catalog.Validate(rel, data)
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
		date, err := buildDate(u.BuildDate)
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
		date, err := buildDate(a.BuildDate)
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

func buildDate(s string) (catalog.Value, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return catalog.Value{}, fmt.Errorf("build date %q: %w", s, err)
	}
	return catalog.DateValue(t), nil
}

// botOwned are the keys of a new entry that come from the sources and the
// template, not from its sibling.
var botOwned = map[string]bool{"name": true, "shortname": true, "versions": true, "latest_url": true, "latest_checksum_url": true}

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

func valueOf(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
