package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/yamlline"
)

// parsed is what Apply needs besides the exported fields.
type parsed struct {
	root  *yaml.Node   // the top-level mapping
	key   *yaml.Node   // the "images" key
	seq   *yaml.Node   // the images list
	items []*yaml.Node // the item of each Image
	lines *lineIndex
	crlf  bool
	// flow: the images list is written in flow style ("images: [...]") and
	// has no spans.
	flow bool
	// conservative: blank and comment lines between items could not be told
	// apart from item content (say, a block scalar ending in "# ..." lines),
	// so each span runs from its "- " line to the next item's and no comment
	// travels with an item.
	conservative bool
	// end is where the images list ends in Data: the start of the line of the
	// next top-level key, or len(Data).
	end int
}

type spanMode int

const (
	modeAuto         spanMode = iota // precise spans, conservative when they do not check out
	modePrecise                      // precise spans only
	modeConservative                 // conservative spans only
)

var yamlErrLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): ((?s).*)$`) })

// parserProblems are the errors of libyaml's parser (as opposed to its
// scanner), for which yaml.v3 reports the line before the right one: it
// prints a 0-based mark for them (see fail in yaml.v3's decode.go).
var parserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// yamlError turns a yaml.v3 error into a FileError with its line.
// data is the file's text: yaml.v3 names the line where the enclosing block
// begins, and yamlline finds the line of the mistake itself.
func yamlError(rel string, err error, data []byte) *FileError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlErrLine().FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if slices.Contains(parserProblems, msg) {
		line++
	}
	if line > 0 {
		line = yamlline.Problem(data, line)
	}
	return &FileError{Path: rel, Line: line, Err: errors.New(msg)}
}

// decodeDocuments parses every document of data. yaml.v3 is a port of libyaml
// that has panicked on malformed input in the past; a catalog file is input,
// so a panic there becomes an error.
func decodeDocuments(data []byte) (docs []*yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			docs, err = nil, fmt.Errorf("yaml: the YAML parser failed on this input: %v", r)
		}
	}()
	if bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) {
		return nil, errors.New("yaml: UTF-16 is not supported; save the file as UTF-8")
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &doc)
	}
}

func parseFile(rel string, data []byte) (*File, *FileError) {
	return parseFileMode(rel, data, modeAuto)
}

func parseFileMode(rel string, data []byte, mode spanMode) (*File, *FileError) {
	fail := func(line int, format string, args ...any) (*File, *FileError) {
		return nil, &FileError{Path: rel, Line: line, Err: fmt.Errorf(format, args...)}
	}
	docs, err := decodeDocuments(data)
	if err != nil {
		return nil, yamlError(rel, err, data)
	}
	switch {
	case len(docs) == 0:
		return fail(0, "empty file: no images list")
	case len(docs) > 1:
		return fail(docs[1].Line, "a second YAML document starts here; a catalog file holds one")
	}
	doc := docs[0]
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return fail(doc.Line, "the top level is not a mapping with an images list")
	}
	if line, key := duplicateKey(doc.Content[0]); line > 0 {
		return fail(line, "duplicate key %q", key)
	}
	p := &parsed{root: doc.Content[0], lines: newLineIndex(data), crlf: firstBreakIsCRLF(data)}
	f := &File{Path: rel, Data: data, Indent: 2, p: p}
	for i := 0; i+1 < len(p.root.Content); i += 2 {
		if k := p.root.Content[i]; k.Kind == yaml.ScalarNode && k.Value == "images" {
			p.key, p.seq = k, p.root.Content[i+1]
			p.end = len(data)
			if i+2 < len(p.root.Content) {
				p.end = p.lines.start(p.root.Content[i+2].Line)
			}
			break
		}
	}
	if p.seq == nil {
		return fail(p.root.Line, "no images list at the top level")
	}
	if p.seq.Kind != yaml.SequenceNode {
		return fail(p.seq.Line, "images is not a list")
	}
	p.flow = p.seq.Style&yaml.FlowStyle != 0
	for i, item := range p.seq.Content {
		if item.Kind != yaml.MappingNode {
			return fail(item.Line, "images[%d] is not a mapping", i)
		}
		name := scalarValue(item, "name")
		if name == "" {
			return fail(item.Line, "images[%d] has no name", i)
		}
		versions, err := readVersions(item)
		if err != nil {
			return fail(item.Line, "images[%d] (%s): %v", i, name, err)
		}
		f.Images = append(f.Images, &Image{Name: name, Line: item.Line, Versions: versions})
		f.entries = append(f.entries, entryOf(item))
		p.items = append(p.items, item)
	}
	if p.flow {
		f.Indent = p.key.Column + 1
		return f, nil
	}
	f.Indent = p.seq.Column - 1
	if ferr := p.locate(rel, f.Images, mode); ferr != nil {
		return nil, ferr
	}
	return f, nil
}

// duplicateKey finds a key used twice in one mapping. PyYAML keeps the last
// value and yaml.v3 the first; rather than guess which one a person meant,
// such a file is not edited.
func duplicateKey(n *yaml.Node) (int, string) {
	if n.Kind == yaml.MappingNode {
		seen := map[[2]string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Value == "<<" {
				continue
			}
			id := [2]string{k.Tag, k.Value}
			if seen[id] {
				return k.Line, k.Value
			}
			seen[id] = true
		}
	}
	if n.Kind == yaml.AliasNode {
		return 0, ""
	}
	for _, c := range n.Content {
		if line, key := duplicateKey(c); line > 0 {
			return line, key
		}
	}
	return 0, ""
}

// lookup returns the value of key in mapping m, following an alias.
func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return deref(m.Content[i+1])
		}
	}
	return nil
}

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// scalarValue is the text of a scalar under key, or "".
func scalarValue(m *yaml.Node, key string) string {
	if v := lookup(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// readVersions reads an image's versions leniently: Validate is where a
// malformed version is reported.
func readVersions(item *yaml.Node) ([]Version, error) {
	seq := lookup(item, "versions")
	if seq == nil || seq.Kind != yaml.SequenceNode {
		return nil, nil
	}
	var out []Version
	for _, vn := range seq.Content {
		vn = deref(vn)
		if vn.Kind != yaml.MappingNode {
			continue
		}
		v := Version{Line: vn.Line}
		for i := 0; i+1 < len(vn.Content); i += 2 {
			k, val := vn.Content[i], deref(vn.Content[i+1])
			scalar := ""
			if val.Kind == yaml.ScalarNode {
				scalar = val.Value
			}
			switch k.Value {
			case "version":
				v.Version = scalar
			case "url":
				v.URL = scalar
			case "checksum":
				v.Checksum = scalar
			case "build_date":
				v.BuildDate = scalar
			default:
				y, err := flowYAML(vn.Content[i+1])
				if err != nil {
					return nil, fmt.Errorf("versions line %d: %s: %w", vn.Line, k.Value, err)
				}
				v.Extra = append(v.Extra, Field{Key: k.Value, YAML: y})
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// maxFlowNodes bounds alias expansion in flowYAML ("billion laughs").
const maxFlowNodes = 10000

// flowYAML writes a value as one line of YAML that PyYAML (YAML 1.1) reads
// back as the same value.
func flowYAML(n *yaml.Node) (string, error) {
	budget := maxFlowNodes
	c, err := flowCopy(n, &budget, 0)
	if err != nil {
		return "", err
	}
	out, err := yaml.Marshal(c)
	if err != nil {
		return "", err
	}
	s := strings.TrimSuffix(string(out), "\n")
	if strings.ContainsAny(s, "\r\n") {
		return "", fmt.Errorf("value does not fit on one line: %q", s)
	}
	return s, nil
}

func flowCopy(n *yaml.Node, budget *int, depth int) (*yaml.Node, error) {
	n = deref(n)
	*budget--
	if *budget < 0 || depth > 100 {
		return nil, errors.New("value too large or too deeply nested")
	}
	c := &yaml.Node{Kind: n.Kind, Tag: n.Tag, Value: n.Value, Style: n.Style}
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		c.Style = yaml.FlowStyle
		for _, ch := range n.Content {
			cc, err := flowCopy(ch, budget, depth+1)
			if err != nil {
				return nil, err
			}
			c.Content = append(c.Content, cc)
		}
	case yaml.ScalarNode:
		switch {
		case n.Style&yaml.TaggedStyle != 0:
			// An explicit tag says what the value is; keep it.
		case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0, strings.ContainsAny(n.Value, "\r\n") && n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) == 0:
			// Block and multi-line plain scalars are strings; a
			// double-quoted one holds the same string on one line.
			c.Style, c.Tag = yaml.DoubleQuotedStyle, "!!str"
		case n.Style == 0 && n.Tag == "!!null" && n.Value == "":
			c.Value = "null"
		case n.Style == 0 && depth > 0 && strings.Contains(n.Value, ":") && resolve11(n.Value) != "!!str":
			// Inside a flow collection the encoder must quote a ":", which
			// would turn a timestamp or a base-60 number into a string;
			// an explicit tag keeps its type.
			c.Tag, c.Style = resolve11(n.Value), yaml.TaggedStyle
		case n.Style == 0:
			// Without a tag the encoder writes the text plain when YAML
			// allows it there, and quotes it only when it must, so a plain
			// "yes" stays a YAML 1.1 bool and "2026-07-05" a date.
			c.Tag = ""
		}
	default:
		return nil, fmt.Errorf("unexpected YAML node kind %v", n.Kind)
	}
	return c, nil
}

// nodeComparer compares YAML trees, ignoring positions and comments. An
// alias compares by its anchor's name and, once per pair, by what it points
// to, so a document full of aliases still compares in linear time.
type nodeComparer struct {
	seen map[[2]*yaml.Node]bool
}

func (c *nodeComparer) same(a, b *yaml.Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Style != b.Style ||
		a.Anchor != b.Anchor || len(a.Content) != len(b.Content) {
		return false
	}
	if a.Kind == yaml.AliasNode {
		pair := [2]*yaml.Node{a.Alias, b.Alias}
		if c.seen == nil {
			c.seen = map[[2]*yaml.Node]bool{}
		}
		if c.seen[pair] {
			return true
		}
		c.seen[pair] = true
		return c.same(a.Alias, b.Alias)
	}
	for i := range a.Content {
		if !c.same(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// release drops the file's YAML tree, the largest part of a parsed file
// (about 12 KB an image entry against the few hundred bytes of its Image
// and Entry). Load releases every file: a run reads the trees of the few
// files it changes again (tree), and the catalog of a large unchanged run
// stays small.
func (f *File) release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.p == nil {
		return
	}
	f.conservative, f.p, f.released = f.p.conservative, nil, true
}

// tree makes sure f.p is set, parsing Data again when Load released it. The
// bytes are the same, so they parse to the same images with the same spans;
// the mode the first parse settled on is taken as it is, not checked again.
func (f *File) tree() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.p != nil || !f.released {
		return nil
	}
	mode := modePrecise
	if f.conservative {
		mode = modeConservative
	}
	g, ferr := parseFileMode(f.Path, f.Data, mode)
	if ferr != nil {
		return fmt.Errorf("parse %s again: %w", f.Path, ferr)
	}
	if len(g.Images) != len(f.Images) {
		return fmt.Errorf("parse %s again: %d images, had %d", f.Path, len(g.Images), len(f.Images))
	}
	for i, img := range f.Images {
		if gi := g.Images[i]; gi.Name != img.Name || gi.Start != img.Start || gi.EntryStart != img.EntryStart || gi.End != img.End {
			return fmt.Errorf("parse %s again: images[%d] moved", f.Path, i)
		}
	}
	f.p = g.p
	return nil
}
