package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Edit replaces and appends whole image entries of one file. An entry is the
// text of one YAML block sequence item at column 0, starting with
// "- name: ...", as a template renders it. Its trailing blank lines are
// dropped and it gets a final line break.
type Edit struct {
	Replace map[string][]byte // image name -> new entry
	Append  [][]byte          // new entries, appended in this order after the last item
}

// Apply returns the file's bytes with the edit made, leaving every other byte
// as it was.
//
// Entries are indented to the file's Indent and given its line breaks (CRLF
// files stay CRLF). A replaced entry takes the place of Data[EntryStart:End];
// the comments above it stay. Appended entries go right after the last item,
// so blank lines and comments that end the list stay at the end; when the
// file separates its last two items with a blank line, each appended entry
// gets one too. An empty flow list ("images: []") becomes a block list.
//
// Apply then parses its result again and checks that every image it did not
// replace has the same bytes and value as before, that the replaced and
// appended entries are where they should be with the right names, and that
// nothing else moved. If any of that fails it returns an error and nothing
// should be written.
func (f *File) Apply(e Edit) ([]byte, error) {
	out, err := f.apply(e)
	if err != nil {
		return nil, fmt.Errorf("edit %s: %w", f.Path, err)
	}
	return out, nil
}

type prepared struct {
	name string
	text []byte
}

// want is where an image should be in the edited file.
type want struct {
	name              string
	start, entry, end int
	old               *yaml.Node // the unchanged item it must still equal, or nil
}

func (f *File) apply(e Edit) ([]byte, error) {
	if err := f.tree(); err != nil {
		return nil, err
	}
	p := f.p
	if p == nil {
		return nil, errors.New("the file was not read by Load")
	}
	if len(e.Replace) == 0 && len(e.Append) == 0 {
		return bytes.Clone(f.Data), nil
	}
	nl := "\n"
	if p.crlf {
		nl = "\r\n"
	}
	index := map[string]int{}
	for i, img := range f.Images {
		if _, dup := index[img.Name]; dup {
			index[img.Name] = -1
			continue
		}
		index[img.Name] = i
	}
	replace := map[int][]byte{}
	for _, name := range slices.Sorted(maps.Keys(e.Replace)) {
		i, ok := index[name]
		switch {
		case !ok:
			return nil, fmt.Errorf("cannot replace %q: no such image", name)
		case i < 0:
			return nil, fmt.Errorf("cannot replace %q: the file has more than one image of that name", name)
		case p.flow:
			return nil, fmt.Errorf("cannot replace %q: the images list is written in flow style ([...]); rewrite it as a block list first", name)
		}
		pe, err := prepareEntry(e.Replace[name], f.Indent, nl)
		if err != nil {
			return nil, fmt.Errorf("entry for %q: %w", name, err)
		}
		if pe.name != name {
			return nil, fmt.Errorf("entry for %q is named %q", name, pe.name)
		}
		replace[i] = pe.text
	}
	var appends []prepared
	for _, raw := range e.Append {
		pe, err := prepareEntry(raw, f.Indent, nl)
		if err != nil {
			return nil, fmt.Errorf("appended entry: %w", err)
		}
		if _, ok := index[pe.name]; ok {
			return nil, fmt.Errorf("cannot append %q: the file already has an image of that name", pe.name)
		}
		index[pe.name] = -1
		appends = append(appends, pe)
	}
	if p.flow {
		if len(f.Images) > 0 {
			return nil, errors.New("cannot append to an images list written in flow style ([...]); rewrite it as a block list first")
		}
		out, wants, err := f.appendToEmptyFlow(appends, nl)
		if err != nil {
			return nil, err
		}
		return out, f.check(out, wants)
	}
	out, wants := f.spliceBlock(replace, appends, nl)
	return out, f.check(out, wants)
}

// prepareEntry checks an entry and indents it for the file.
func prepareEntry(raw []byte, indent int, nl string) (prepared, error) {
	s := strings.ReplaceAll(string(raw), "\r\n", "\n")
	if strings.ContainsAny(s, "\r\u0085\u2028\u2029") {
		return prepared{}, errors.New(`entry contains a line break other than "\n" (CR, NEL, LS or PS); write such characters escaped in a double-quoted string`)
	}
	lines := strings.Split(s, "\n")
	for len(lines) > 0 && isBlankLine([]byte(lines[len(lines)-1])) {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return prepared{}, errors.New("entry is empty")
	}
	if first := lines[0]; first != "-" && !strings.HasPrefix(first, "- ") {
		return prepared{}, fmt.Errorf(`entry must start with "- " at column 0, found %q`, first)
	}
	text := strings.Join(lines, "\n") + "\n"
	docs, err := decodeDocuments([]byte(text))
	if err != nil {
		return prepared{}, fmt.Errorf("entry is not valid YAML: %w", err)
	}
	if len(docs) != 1 || len(docs[0].Content) != 1 {
		return prepared{}, errors.New("entry is not one YAML list item")
	}
	seq := docs[0].Content[0]
	if seq.Kind != yaml.SequenceNode || seq.Style&yaml.FlowStyle != 0 || len(seq.Content) != 1 || seq.Content[0].Kind != yaml.MappingNode {
		return prepared{}, errors.New("entry is not one YAML list item holding a mapping")
	}
	if line, key := duplicateKey(seq); line > 0 {
		return prepared{}, fmt.Errorf("line %d of the entry: duplicate key %q", line, key)
	}
	if isCommentLine([]byte(lines[len(lines)-1])) && endsWithComment(lines, seq) {
		// It would read as a comment above whatever follows the entry.
		return prepared{}, errors.New("entry must not end with a comment line")
	}
	name := scalarValue(seq.Content[0], "name")
	if name == "" {
		return prepared{}, errors.New("entry has no name")
	}
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(pad)
			b.WriteString(l)
		}
		b.WriteString(nl)
	}
	return prepared{name: name, text: []byte(b.String())}, nil
}

// endsWithComment tells a real comment on the last line of an entry from a
// block scalar's line that starts with "#": without a comment the entry reads
// the same.
func endsWithComment(lines []string, seq *yaml.Node) bool {
	docs, err := decodeDocuments([]byte(strings.Join(lines[:len(lines)-1], "\n") + "\n"))
	return err == nil && len(docs) == 1 && len(docs[0].Content) == 1 && (&nodeComparer{}).same(docs[0].Content[0], seq)
}

func endsWithBreak(b []byte) bool {
	return len(b) == 0 || b[len(b)-1] == '\n' || b[len(b)-1] == '\r'
}

// spliceBlock edits a file whose images list is a block sequence.
func (f *File) spliceBlock(replace map[int][]byte, appends []prepared, nl string) ([]byte, []want) {
	p, imgs, data := f.p, f.Images, f.Data
	var out []byte
	var wants []want
	out = append(out, data[:imgs[0].Start]...)
	for i, img := range imgs {
		w := want{name: img.Name, start: len(out), old: p.items[i]}
		out = append(out, data[img.Start:img.EntryStart]...)
		w.entry = len(out)
		if text, ok := replace[i]; ok {
			out = append(out, text...)
			w.old = nil
		} else {
			out = append(out, data[img.EntryStart:img.End]...)
		}
		last := i == len(imgs)-1
		if last && len(appends) > 0 && !endsWithBreak(out) {
			out = append(out, nl...)
		}
		w.end = len(out)
		if !last {
			out = append(out, data[img.End:imgs[i+1].Start]...)
		}
		wants = append(wants, w)
	}
	// Follow the file's habit: a blank line between its last two items
	// means one before each new item.
	sep := ""
	if n := len(imgs); n >= 2 && hasBlankLine(data[imgs[n-2].End:imgs[n-1].Start]) {
		sep = nl
	}
	for _, a := range appends {
		out = append(out, sep...)
		if p.conservative {
			// Conservative spans run up to the next item's dash line.
			wants[len(wants)-1].end = len(out)
		}
		w := want{name: a.name, start: len(out), entry: len(out)}
		out = append(out, a.text...)
		w.end = len(out)
		wants = append(wants, w)
	}
	out = append(out, data[imgs[len(imgs)-1].End:]...)
	if p.conservative {
		// The last span runs to the end of the images list, which the
		// edit moved by as many bytes as it added.
		wants[len(wants)-1].end = p.end + len(out) - len(data)
	}
	return out, wants
}

func hasBlankLine(b []byte) bool {
	li := newLineIndex(b)
	for n := 1; n <= li.count(); n++ {
		if li.start(n) < len(b) && isBlankLine(li.text(n)) {
			return true
		}
	}
	return false
}

// appendToEmptyFlow turns "images: []" into a block list holding the entries.
func (f *File) appendToEmptyFlow(appends []prepared, nl string) ([]byte, []want, error) {
	p, data := f.p, f.Data
	if p.root.Style&yaml.FlowStyle != 0 {
		return nil, nil, errors.New("cannot append: the top level is a flow mapping ({...})")
	}
	li := p.lines
	lb := li.offset(p.seq.Line, p.seq.Column)
	if lb >= len(data) || data[lb] != '[' {
		return nil, nil, fmt.Errorf("line %d: cannot find the [ of the images list", p.seq.Line)
	}
	rb := -1
	for i := lb + 1; i < len(data) && rb < 0; i++ {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
		case '#':
			i = li.ends[li.lineAt(i)-1] - 1
		case ']':
			rb = i
		default:
			return nil, nil, fmt.Errorf("line %d: cannot find the ] of the empty images list", p.seq.Line)
		}
	}
	if rb < 0 {
		return nil, nil, fmt.Errorf("line %d: cannot find the ] of the empty images list", p.seq.Line)
	}
	n := li.lineAt(rb)
	rest := data[rb+1 : li.ends[n-1]]
	if !isBlankLine(rest) && !isCommentLine(rest) {
		return nil, nil, fmt.Errorf("line %d: cannot turn the images list into a block list: something follows it on its line", n)
	}
	out := bytes.Clone(bytes.TrimRight(data[:lb], " \t"))
	out = append(out, rest...)
	if !endsWithBreak(out) {
		out = append(out, nl...)
	}
	var wants []want
	for _, a := range appends {
		wants = append(wants, want{name: a.name, start: len(out), entry: len(out), end: len(out) + len(a.text)})
		out = append(out, a.text...)
	}
	out = append(out, data[li.start(n+1):]...)
	return out, wants, nil
}

// check parses an edited file again and compares it with what the edit was
// meant to do. Any difference is a bug in the splicing (or an entry that
// reads differently in place than alone), and the edit is refused.
func (f *File) check(out []byte, wants []want) error {
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("refusing the edit, it would change more than the entries it writes: "+format, args...)
	}
	g, err := f.reparse(out)
	if err != nil {
		return refuse("%w", err)
	}
	if len(g.Images) != len(wants) {
		return refuse("the result holds %d images, want %d", len(g.Images), len(wants))
	}
	if !f.p.flow && g.Indent != f.Indent {
		return refuse("the images list moved from column %d to %d", f.Indent, g.Indent)
	}
	eq := nodeComparer{}
	for i, w := range wants {
		img := g.Images[i]
		if img.Name != w.name {
			return refuse("images[%d] is %q, want %q", i, img.Name, w.name)
		}
		if img.Start != w.start || img.EntryStart != w.entry || img.End != w.end {
			return refuse("images[%d] (%q) spans bytes %d-%d-%d, want %d-%d-%d", i, w.name,
				img.Start, img.EntryStart, img.End, w.start, w.entry, w.end)
		}
		if w.old != nil && !eq.same(g.p.items[i], w.old) {
			return refuse("images[%d] (%q) reads differently", i, w.name)
		}
	}
	a, b := f.p.root.Content, g.p.root.Content
	if len(a) != len(b) {
		return refuse("the top level has %d keys, want %d", len(b)/2, len(a)/2)
	}
	for i := range a {
		if a[i] == f.p.seq {
			continue
		}
		if !eq.same(a[i], b[i]) {
			return refuse("line %d: the top level reads differently", b[i].Line)
		}
	}
	return nil
}

// NewFile is a new catalog file holding the entries (as for Edit.Append).
func NewFile(entries [][]byte) []byte {
	var b bytes.Buffer
	b.WriteString("---\nimages:\n")
	for _, e := range entries {
		for _, line := range strings.Split(strings.TrimRight(strings.ReplaceAll(string(e), "\r\n", "\n"), "\n"), "\n") {
			if line != "" {
				b.WriteString("  ")
				b.WriteString(line)
			}
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// reparse parses an edited file the way f was parsed: an edit must not turn
// a file whose comments could be told apart from its entries into one where
// they cannot.
func (f *File) reparse(out []byte) (*File, error) {
	mode := modeAuto
	if f.p.conservative {
		mode = modeConservative
	}
	g, ferr := parseFileMode(f.Path, out, mode)
	if ferr != nil {
		return nil, fmt.Errorf("the result does not parse: %w", ferr)
	}
	if !f.p.conservative && g.p.conservative {
		return nil, errors.New("comments between images can no longer be told apart from image content")
	}
	return g, nil
}
