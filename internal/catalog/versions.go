package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// This file edits the versions list of images a catalog already holds, and
// nothing else: the operator owns every other byte of the entry. New items
// are written in the style of the items already there, so the diff of an
// update is only the added lines.

// Value is a typed scalar of a version item: a string, or a date
// (build_date). It decides how the value is written: a string is quoted
// whenever it would otherwise read as another type under YAML 1.1 (the image
// manager loads catalogs with PyYAML), a date is always written plain so that
// it reads as a date.
type Value struct {
	text string
	date bool
}

// StringValue is a string value.
func StringValue(s string) Value { return Value{text: s} }

// DateValue is a date value, written YYYY-MM-DD. Only the date of t counts.
func DateValue(t time.Time) Value { return Value{text: t.Format(time.DateOnly), date: true} }

// ParseDate is the date value of s, written YYYY-MM-DD (as Version.BuildDate
// reads a plain date).
func ParseDate(s string) (Value, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Value{}, fmt.Errorf("%w: %q is not a date (YYYY-MM-DD)", ErrBadEdit, s)
	}
	return DateValue(t), nil
}

// String is the value's text: the string, or the date as YYYY-MM-DD.
func (v Value) String() string { return v.text }

// IsDate tells a date from a string.
func (v Value) IsDate() bool { return v.date }

// KV is one key of a version item and its value.
type KV struct {
	Key   string
	Value Value
}

// Item is a version item to add: its keys and values, for example version,
// url, mirror_url, checksum and build_date. The order of the keys does not
// matter; EditVersions writes them in the order the entry's items use. The
// version key is required.
type Item []KV

// Get returns the value of key.
func (it Item) Get(key string) (Value, bool) {
	for _, kv := range it {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return Value{}, false
}

// ItemUpdate changes keys of the existing item whose version is Version. A
// key the item has keeps its place and quoting; only its value's bytes
// change. A key it lacks is added on a new line, in the item's style.
type ItemUpdate struct {
	Version string
	Set     []KV
}

// VersionEdit is what to do to one image's versions list. Remove and Update
// name items by their version string. Removal happens first, so an Add may
// bring back a version it removes; an Update must name an item that stays.
type VersionEdit struct {
	Image  string
	Add    []Item // appended after the last item, in this order
	Update []ItemUpdate
	Remove []string
}

// Errors of EditVersions, to be told apart with errors.Is.
var (
	ErrNoSuchImage   = errors.New("no such image")
	ErrNoSuchVersion = errors.New("no such version")
	ErrVersionExists = errors.New("version already listed")
	// ErrUnsupported is a layout EditVersions does not edit (a versions
	// list in flow style, an item or value written in a way it cannot
	// change in place); such a file is left to the operator.
	ErrUnsupported = errors.New("unsupported layout")
	// ErrRefused is an edit whose result did not read back as intended.
	ErrRefused = errors.New("refusing the edit")
	// ErrBadEdit is an edit that does not make sense on its own (no
	// version, a key twice, a value no catalog can hold).
	ErrBadEdit = errors.New("invalid edit")
)

// EditVersions returns the file's bytes with the versions lists of some of
// its images edited. Every byte outside the items it adds, updates or removes
// stays as it was.
//
// Added items go after the last item, each in the style of the items already
// in the list (the newest item decides where they differ); an entry without
// items follows the nearest entry of the file that has some:
//   - the dash and keys at the columns of the existing items;
//   - keys in the order of the existing items; a key they lack goes where
//     other items of the file keep it, else where it stands in version, url,
//     mirror_url, checksum, build_date (so mirror_url right after url), else
//     last;
//   - each key quoted as the existing items quote it (single, double or
//     plain). A string that would read as another type under YAML 1.1 when
//     plain (20260526, yes, 1.10, 2026-05-26) or that plain YAML cannot hold
//     is quoted, in the file's usual quotes; one that single quotes cannot
//     hold (control characters) is double-quoted with escapes. A date is
//     always written plain, so it reads as a date;
//   - a value goes on the next line ("url: " then the value, indented) when
//     every existing item writes that key so, stays on the key's line when
//     none does; when some do, it moves to the next line if the line would
//     be wider than 80 columns, as ruamel.yaml writes the osism files, or,
//     if the items do not follow that rule, as most of them do. A key the
//     entry's items lack follows the 80-column rule when any of their values
//     is folded. "key: " or "key:" before the break, and the value's indent,
//     as the items have them;
//   - a blank line before each new item when the last two items are
//     separated by one; the file's line breaks (CRLF stays CRLF).
//
// A missing, empty ("[]") or null versions list becomes a block list, in the
// style of the nearest entry of the file that has items, or with its dash as
// far in from the entry's keys as the entry's meta keys are (two columns
// without meta). Removing an item removes its lines, the comment lines
// directly above it and the blank lines that separated it from its
// neighbour; other comments stay. Removing every item leaves
// "versions: []". An update replaces only the bytes of the values it sets,
// in their own quoting (or quoted as above, when their quoting cannot hold
// the new value), and adds a key the item lacks on a line of its own, after
// the key that precedes it in the order above.
//
// Like Apply, EditVersions parses its result again and returns an error
// wrapping ErrRefused unless every other image reads and is written the same,
// the edited entries' other keys read the same, and their versions read
// exactly as intended.
func (f *File) EditVersions(edits ...VersionEdit) ([]byte, error) {
	out, err := f.editVersions(edits)
	if err != nil {
		return nil, fmt.Errorf("edit versions in %s: %w", f.Path, err)
	}
	return out, nil
}

// splice replaces Data[start:end] with text. order sorts splices at the same
// offset.
type splice struct {
	start, end int
	order      int
	text       string
}

// expect is what one item of an edited versions list must read as.
type expect struct {
	old  *yaml.Node // an item left alone: the same node
	want *pyValue   // an updated or added item: the same value (a mapping)
}

// plan is the edit of one image.
type plan struct {
	expects []expect
	// Data[img.Start:head] and Data[tail:img.End] lie outside the
	// versions list and must be the same bytes afterwards.
	head, tail int
}

func (f *File) editVersions(edits []VersionEdit) ([]byte, error) {
	if err := f.tree(); err != nil {
		return nil, err
	}
	if f.p == nil {
		return nil, errors.New("the file was not read by Load")
	}
	plans, splices, err := f.planEdits(edits)
	if err != nil {
		return nil, err
	}
	if len(splices) == 0 {
		return bytes.Clone(f.Data), nil
	}
	out, err := applySplices(f.Data, splices)
	if err != nil {
		return nil, err
	}
	if err := f.checkVersions(out, plans); err != nil {
		return nil, err
	}
	return out, nil
}

// planEdits works out every image's edit.
func (f *File) planEdits(edits []VersionEdit) (map[int]*plan, []splice, error) {
	p := f.p
	if p.flow && len(edits) > 0 {
		return nil, nil, fmt.Errorf("%w: the images list is written in flow style ([...])", ErrUnsupported)
	}
	nl := "\n"
	if p.crlf {
		nl = "\r\n"
	}
	plans := map[int]*plan{}
	seen := map[int]bool{}
	var splices []splice
	// Every entry's list, once: new items follow the style of the file.
	var lists []*vlist
	if len(edits) > 0 {
		lists = make([]*vlist, len(f.Images))
		for i := range f.Images {
			lists[i], _ = f.locateVersions(i)
		}
	}
	for _, e := range edits {
		i, err := f.imageIndex(e.Image)
		if err != nil {
			return nil, nil, err
		}
		if seen[i] {
			return nil, nil, fmt.Errorf("%w: image %q is edited twice", ErrBadEdit, e.Image)
		}
		seen[i] = true
		pl, ss, err := f.planVersions(i, e, lists, nl)
		if err != nil {
			return nil, nil, fmt.Errorf("image %q: %w", e.Image, err)
		}
		if pl != nil {
			plans[i] = pl
		}
		splices = append(splices, ss...)
	}
	return plans, splices, nil
}

// applySplices makes the changes, in order of their place in data.
func applySplices(data []byte, splices []splice) ([]byte, error) {
	splices = slices.Clone(splices)
	slices.SortStableFunc(splices, func(a, b splice) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return a.order - b.order
	})
	var out []byte
	at := 0
	for _, s := range splices {
		if s.start < at {
			return nil, fmt.Errorf("%w: overlapping changes at byte %d", ErrRefused, s.start)
		}
		out = append(out, data[at:s.start]...)
		out = append(out, s.text...)
		at = s.end
	}
	return append(out, data[at:]...), nil
}

func (f *File) imageIndex(name string) (int, error) {
	found := -1
	for i, img := range f.Images {
		if img.Name != name {
			continue
		}
		if found >= 0 {
			return 0, fmt.Errorf("%w: the file has more than one image named %q", ErrBadEdit, name)
		}
		found = i
	}
	if found < 0 {
		return 0, fmt.Errorf("%w: %q", ErrNoSuchImage, name)
	}
	return found, nil
}

// listKind is how an entry holds its versions.
type listKind int

const (
	listBlock     listKind = iota // a block sequence
	listMissing                   // no versions key
	listNull                      // "versions:" with nothing after it
	listEmptyFlow                 // "versions: []"
)

// vlist is an entry's versions list and where its items lie.
type vlist struct {
	kind  listKind
	entry *yaml.Node // the image's mapping
	key   *yaml.Node // the versions key, or nil
	seq   *yaml.Node // the list (block or empty flow), or nil
	items []*yaml.Node
	// For each item: the offset of its dash line's start, the start of
	// the comment lines directly above it, and the end of its content
	// (a line start, or len(Data)).
	dash, top, end []int
	bound          int // where the list's content ends at the latest
}

// keyIndent is the number of spaces before the keys of entry.
func keyIndent(n *yaml.Node) int { return n.Column - 1 }

// locateVersions finds image i's versions list.
func (f *File) locateVersions(i int) (*vlist, error) {
	p, li := f.p, f.p.lines
	img, entry := f.Images[i], p.items[i]
	if entry.Style&yaml.FlowStyle != 0 {
		return nil, fmt.Errorf("%w: line %d: the entry is written in flow style ({...})", ErrUnsupported, entry.Line)
	}
	v := &vlist{entry: entry}
	// The entry's content ends before the trailing blank and comment lines
	// of its span, and before the next image's span.
	entryEnd := img.End
	if i+1 < len(f.Images) && f.Images[i+1].Start < entryEnd {
		entryEnd = f.Images[i+1].Start
	}
	v.bound = walkUp(li, entryEnd, li.start(img.Line), keyIndent(entry))
	var next *yaml.Node
	for k := 0; k+1 < len(entry.Content); k += 2 {
		kn := entry.Content[k]
		if kn.Kind == yaml.ScalarNode && kn.Value == "versions" && kn.Style == 0 {
			v.key, v.seq = kn, entry.Content[k+1]
			if k+2 < len(entry.Content) {
				next = entry.Content[k+2]
			}
		}
		if isMergeKey(kn) {
			return nil, fmt.Errorf("%w: line %d: the entry uses a merge key (<<)", ErrUnsupported, kn.Line)
		}
	}
	if v.key == nil {
		v.kind = listMissing
		return v, nil
	}
	if next != nil {
		v.bound = walkUp(li, li.start(next.Line), li.start(v.key.Line), keyIndent(entry))
	}
	seq := v.seq
	switch {
	case seq.Kind == yaml.AliasNode || seq.Anchor != "" || seq.Style&yaml.TaggedStyle != 0:
		return nil, fmt.Errorf("%w: line %d: the versions list has an anchor, alias or tag", ErrUnsupported, seq.Line)
	case seq.Kind == yaml.ScalarNode && seq.Tag == "!!null" && seq.Value == "" && seq.Style == 0:
		v.kind = listNull
		return v, nil
	case seq.Kind != yaml.SequenceNode:
		return nil, fmt.Errorf("%w: line %d: versions is not a list", ErrUnsupported, seq.Line)
	case seq.Style&yaml.FlowStyle != 0 && len(seq.Content) == 0:
		v.kind = listEmptyFlow
		return v, nil
	case seq.Style&yaml.FlowStyle != 0:
		return nil, fmt.Errorf("%w: line %d: the versions list is written in flow style ([...]); write it as a block list", ErrUnsupported, seq.Line)
	}
	dashCol := seq.Column
	above := v.key.Line
	for k, it := range seq.Content {
		n, ok := dashLine(li, dashCol, it, above)
		if !ok {
			return nil, fmt.Errorf("%w: line %d: cannot find the start of versions[%d]", ErrUnsupported, it.Line, k)
		}
		v.items = append(v.items, it)
		v.dash = append(v.dash, li.start(n))
		above = n
	}
	for k := range v.items {
		limit := v.bound
		if k+1 < len(v.items) {
			limit = v.dash[k+1]
		}
		v.end = append(v.end, walkUp(li, limit, v.dash[k], dashCol-1))
	}
	for k := range v.items {
		floor := li.start(v.key.Line + 1)
		if k > 0 {
			floor = v.end[k-1]
		}
		top := v.dash[k]
		for top > floor {
			n := li.lineAt(top - 1)
			if li.start(n) < floor || !isCommentLine(li.text(n)) {
				break
			}
			top = li.start(n)
		}
		v.top = append(v.top, top)
	}
	return v, nil
}

func onlyBlankLines(b []byte) bool {
	li := newLineIndex(b)
	for n := 1; n <= li.count(); n++ {
		if !isBlankLine(li.text(n)) {
			return false
		}
	}
	return true
}

// walkUp moves end (a line start) up over blank lines and comment lines
// indented by at most indent spaces, but not above floor. Nothing deeper in
// a list or mapping can start at such a column, so those lines are not part
// of the content above them.
func walkUp(li *lineIndex, end, floor, indent int) int {
	for end > floor {
		n := li.lineAt(end - 1)
		if li.start(n) < floor {
			break
		}
		t := li.text(n)
		if !isBlankLine(t) {
			if !isCommentLine(t) || len(t)-len(bytes.TrimLeft(t, " ")) > max(indent, 0) {
				break
			}
		}
		end = li.start(n)
	}
	return end
}

var keyRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`) })

// checkKVs checks an item to add or the keys of an update.
func checkKVs(kvs []KV) error {
	seen := map[string]bool{}
	for _, kv := range kvs {
		switch {
		case !keyRE().MatchString(kv.Key) || resolve11(kv.Key) != "!!str":
			return fmt.Errorf("%w: key %q is not a plain name", ErrBadEdit, kv.Key)
		case seen[kv.Key]:
			return fmt.Errorf("%w: key %q given twice", ErrBadEdit, kv.Key)
		case !utf8.ValidString(kv.Value.text):
			return fmt.Errorf("%w: %s: not UTF-8", ErrBadEdit, kv.Key)
		case kv.Value.date && !isPyDate(kv.Value.text):
			return fmt.Errorf("%w: %s: %q is not a date", ErrBadEdit, kv.Key, kv.Value.text)
		case kv.Key == "version" && kv.Value.date:
			return fmt.Errorf("%w: the version must be a string", ErrBadEdit)
		}
		seen[kv.Key] = true
	}
	return nil
}

var dateRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`) })

// isPyDate is a date PyYAML reads as one when it is written plain.
func isPyDate(s string) bool {
	kind, err := constructTimestamp(s)
	return dateRE().MatchString(s) && err == nil && kind == pyDate
}

// planVersions works out the splices of one image's edit and what its
// versions must read as afterwards.
func (f *File) planVersions(i int, e VersionEdit, lists []*vlist, nl string) (*plan, []splice, error) {
	v, err := f.locateVersions(i)
	if err != nil {
		return nil, nil, err
	}
	if len(e.Add) == 0 && len(e.Update) == 0 && len(e.Remove) == 0 {
		return nil, nil, nil // nothing to do; the check sees it unchanged
	}
	// Index the existing items by version; an ambiguous version cannot be
	// edited.
	byVersion := map[string]int{}
	for k, it := range v.items {
		it = deref(it)
		if it.Kind != yaml.MappingNode {
			continue
		}
		vv := scalarValue(it, "version")
		if _, dup := byVersion[vv]; dup {
			byVersion[vv] = -1
			continue
		}
		byVersion[vv] = k
	}
	find := func(version string) (int, error) {
		k, ok := byVersion[version]
		switch {
		case !ok:
			return 0, fmt.Errorf("%w: %q", ErrNoSuchVersion, version)
		case k < 0:
			return 0, fmt.Errorf("%w: version %q is listed more than once", ErrBadEdit, version)
		}
		return k, nil
	}
	removed := map[int]bool{}
	for _, rv := range e.Remove {
		k, err := find(rv)
		if err != nil {
			return nil, nil, fmt.Errorf("remove: %w", err)
		}
		if removed[k] {
			return nil, nil, fmt.Errorf("%w: version %q removed twice", ErrBadEdit, rv)
		}
		removed[k] = true
	}
	updates := map[int][]KV{}
	for _, u := range e.Update {
		k, err := find(u.Version)
		if err != nil {
			return nil, nil, fmt.Errorf("update: %w", err)
		}
		if removed[k] {
			return nil, nil, fmt.Errorf("%w: version %q is both updated and removed", ErrBadEdit, u.Version)
		}
		if _, dup := updates[k]; dup {
			return nil, nil, fmt.Errorf("%w: version %q updated twice", ErrBadEdit, u.Version)
		}
		if err := checkKVs(u.Set); err != nil {
			return nil, nil, fmt.Errorf("update %q: %w", u.Version, err)
		}
		updates[k] = u.Set
	}
	// The versions the list will hold, to refuse adding one twice.
	listed := map[string]bool{}
	for k, it := range v.items {
		if removed[k] {
			continue
		}
		listed[scalarValue(deref(it), "version")] = true
	}
	for k, set := range updates {
		old := scalarValue(deref(v.items[k]), "version")
		for _, kv := range set {
			if kv.Key == "version" && kv.Value.text != old {
				if listed[kv.Value.text] {
					return nil, nil, fmt.Errorf("update: %w: %q", ErrVersionExists, kv.Value.text)
				}
				listed[kv.Value.text] = true
			}
		}
	}
	for _, it := range e.Add {
		if err := checkKVs(it); err != nil {
			return nil, nil, fmt.Errorf("add: %w", err)
		}
		vv, ok := it.Get("version")
		if !ok || vv.text == "" {
			return nil, nil, fmt.Errorf("%w: an item to add has no version", ErrBadEdit)
		}
		if listed[vv.text] {
			return nil, nil, fmt.Errorf("add: %w: %q", ErrVersionExists, vv.text)
		}
		listed[vv.text] = true
	}

	st := f.itemStyle(i, v, lists)
	pl := &plan{head: v.bound, tail: v.bound}
	if v.key != nil {
		pl.head = f.p.lines.start(v.key.Line)
	}
	var ss []splice
	for k, it := range v.items {
		switch {
		case removed[k]:
			// The blank lines that separate the item from the next one
			// (or, for the last item, from the one before) go with it.
			start, end := v.top[k], v.end[k]
			if k+1 < len(v.items) && onlyBlankLines(f.Data[end:v.top[k+1]]) {
				end = v.top[k+1]
			} else if k+1 == len(v.items) && k > 0 && !removed[k-1] && onlyBlankLines(f.Data[v.end[k-1]:start]) {
				start = v.end[k-1]
			}
			ss = append(ss, splice{start: start, end: end})
		case updates[k] != nil:
			us, want, err := f.updateItem(v, k, updates[k], st, nl)
			if err != nil {
				return nil, nil, fmt.Errorf("update %q: %w", scalarValue(deref(it), "version"), err)
			}
			ss = append(ss, us...)
			pl.expects = append(pl.expects, expect{want: want})
		default:
			pl.expects = append(pl.expects, expect{old: it})
		}
	}
	if len(removed) > 0 && len(removed) == len(v.items) && len(e.Add) == 0 {
		// An empty block list would read as null, which the image
		// manager cannot iterate.
		s, err := f.emptyList(v)
		if err != nil {
			return nil, nil, err
		}
		ss = append(ss, s)
	}
	if len(e.Add) > 0 {
		s, err := f.addItems(v, e.Add, len(v.items) > len(removed), st, nl)
		if err != nil {
			return nil, nil, err
		}
		ss = append(ss, s...)
		for _, it := range e.Add {
			pl.expects = append(pl.expects, expect{want: itemValue(nil, it)})
		}
	}
	return pl, ss, nil
}

// emptyList writes " []" after "versions:" when every item goes.
func (f *File) emptyList(v *vlist) (splice, error) {
	li := f.p.lines
	off := li.offset(v.key.Line, v.key.Column) + len(v.key.Value)
	if off >= len(f.Data) || f.Data[off] != ':' {
		return splice{}, fmt.Errorf("%w: line %d: cannot find the colon after versions", ErrUnsupported, v.key.Line)
	}
	return splice{start: off + 1, end: off + 1, text: " []"}, nil
}

// itemValue is the value an item must read as: base (an existing item's
// value, or nil) with the keys set.
func itemValue(base *pyValue, set []KV) *pyValue {
	out := &pyValue{kind: pyMap}
	if base != nil {
		out.keys = slices.Clone(base.keys)
		out.vals = slices.Clone(base.vals)
	}
	for _, kv := range set {
		val := &pyValue{kind: pyStr, text: kv.Value.text}
		if kv.Value.date {
			val.kind = pyDate
		}
		if j := slices.IndexFunc(out.keys, func(k *pyValue) bool { return k.kind == pyStr && k.text == kv.Key }); j >= 0 {
			out.vals[j] = val
			continue
		}
		out.keys = append(out.keys, &pyValue{kind: pyStr, text: kv.Key})
		out.vals = append(out.vals, val)
	}
	return out
}

// keyStyle is how the existing items write one key.
type keyStyle struct {
	quote  yaml.Style // 0 (plain), SingleQuotedStyle or DoubleQuotedStyle
	seen   int        // items that have the key
	folded int        // of those, how many put the value on the next line
	// offWidth counts the items that fold a value that would fit in
	// maxWidth columns, or do not fold one that would not.
	offWidth  int
	foldSpace bool // "key: " then a line break (rather than "key:")
	foldOff   int  // columns from the key to a folded value
}

// style is how an entry's items are written.
type style struct {
	dashIndent int // spaces before the dash
	keyOff     int // columns from the dash to the keys
	order      []string
	keys       map[string]*keyStyle
	fileKeys   map[string]*keyStyle // the same over every entry of the file
	// quote is how a string that must be quoted is quoted: as most
	// quoted values of the entry's items are, else of the file's.
	quote              yaml.Style
	quotes, fileQuotes map[yaml.Style]int
	anyFold            bool // some value of the entry's items is folded
	blankSep           bool // the last two items are separated by a blank line
}

// defaultOrder is where the usual keys go when no item shows it.
var defaultOrder = []string{"version", "url", "mirror_url", "checksum", "build_date"}

// itemStyle reads the style of image i's items; an entry without items takes
// it from the nearest entry of the file that has some, and a file without
// any from defaults: the dash two columns in from the entry's keys.
func (f *File) itemStyle(i int, v *vlist, lists []*vlist) *style {
	st := &style{keys: map[string]*keyStyle{}, fileKeys: map[string]*keyStyle{}, quote: yaml.SingleQuotedStyle, keyOff: 2,
		quotes: map[yaml.Style]int{}, fileQuotes: map[yaml.Style]int{}}
	st.dashIndent = keyIndent(v.entry) + 2
	if meta := lookup(v.entry, "meta"); meta != nil && meta.Kind == yaml.MappingNode && meta.Style&yaml.FlowStyle == 0 && meta.Line > 0 {
		if off := meta.Column - v.entry.Column; off > 0 {
			st.dashIndent = keyIndent(v.entry) + off
		}
	}
	var orders [][]string
	own := f.blockItems(v)
	// Other entries, nearest first.
	var others []*vlist
	for d := 1; d < len(f.Images); d++ {
		for _, j := range []int{i - d, i + d} {
			if j < 0 || j >= len(f.Images) {
				continue
			}
			if ov := lists[j]; ov != nil && len(f.blockItems(ov)) > 0 {
				others = append(others, ov)
			}
		}
	}
	src := v
	if len(own) == 0 && len(others) > 0 {
		src = others[0]
	}
	if items := f.blockItems(src); len(items) > 0 {
		st.dashIndent = keyIndent(v.entry) + (src.seq.Column - src.entry.Column)
		if src == v {
			st.dashIndent = v.seq.Column - 1
		}
		last := items[len(items)-1]
		st.keyOff = last.Column - src.seq.Column
		for k := len(items) - 1; k >= 0; k-- {
			orders = append(orders, mapKeys(items[k]))
		}
		f.observe(items, st.keys, st.quotes)
		if n := len(src.items); n >= 2 && hasBlankLine(f.Data[src.end[n-2]:src.top[n-1]]) {
			st.blankSep = true
		}
	}
	for _, ov := range append([]*vlist{v}, others...) {
		items := f.blockItems(ov)
		f.observe(items, st.fileKeys, st.fileQuotes)
		for k := len(items) - 1; k >= 0; k-- {
			orders = append(orders, mapKeys(items[k]))
		}
	}
	orders = append(orders, defaultOrder)
	st.order = mergeOrders(orders)
	quotes := st.quotes
	if quotes[yaml.SingleQuotedStyle]+quotes[yaml.DoubleQuotedStyle] == 0 {
		quotes = st.fileQuotes
	}
	if quotes[yaml.DoubleQuotedStyle] > quotes[yaml.SingleQuotedStyle] {
		st.quote = yaml.DoubleQuotedStyle
	}
	for _, ks := range st.keys {
		st.anyFold = st.anyFold || ks.folded > 0
	}
	return st
}

// blockItems are the items of a list that are block mappings, which show a
// style to follow.
func (f *File) blockItems(v *vlist) []*yaml.Node {
	var out []*yaml.Node
	for _, it := range v.items {
		if it.Kind == yaml.MappingNode && it.Style&yaml.FlowStyle == 0 && it.Anchor == "" && len(it.Content) > 0 {
			out = append(out, it)
		}
	}
	return out
}

func mapKeys(m *yaml.Node) []string {
	var out []string
	for k := 0; k+1 < len(m.Content); k += 2 {
		if m.Content[k].Kind == yaml.ScalarNode {
			out = append(out, m.Content[k].Value)
		}
	}
	return out
}

// mergeOrders merges key orders, the first the most authoritative: a key
// the order lacks goes right after the nearest key before it in its own
// order (or first, when it comes first there).
func mergeOrders(orders [][]string) []string {
	var out []string
	for _, o := range orders {
		for j, k := range o {
			if slices.Contains(out, k) {
				continue
			}
			at := 0
			for p := j - 1; p >= 0; p-- {
				if x := slices.Index(out, o[p]); x >= 0 {
					at = x + 1
					break
				}
			}
			out = slices.Insert(out, at, k)
		}
	}
	return out
}

// observe records how items write their scalar values.
func (f *File) observe(items []*yaml.Node, into map[string]*keyStyle, quotes map[yaml.Style]int) {
	li := f.p.lines
	for _, it := range items {
		for k := 0; k+1 < len(it.Content); k += 2 {
			kn, vn := it.Content[k], it.Content[k+1]
			if kn.Kind != yaml.ScalarNode || vn.Kind != yaml.ScalarNode || vn.Style&(yaml.LiteralStyle|yaml.FoldedStyle|yaml.TaggedStyle) != 0 {
				continue
			}
			ks := into[kn.Value]
			if ks == nil {
				ks = &keyStyle{foldSpace: true, foldOff: 2}
				into[kn.Value] = ks
			}
			// The newest item (the last) has the last word.
			ks.seen++
			ks.quote = vn.Style & (yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle)
			quotes[ks.quote]++
			width := kn.Column - 1 + utf8.RuneCountInString(kn.Value) + 2 + utf8.RuneCountInString(vn.Value)
			if ks.quote != 0 {
				width += 2
			}
			if (vn.Line > kn.Line) != (width > maxWidth) {
				ks.offWidth++
			}
			if vn.Line > kn.Line {
				ks.folded++
				ks.foldSpace = bytes.HasSuffix(li.text(kn.Line), []byte(": "))
				ks.foldOff = vn.Column - kn.Column
			}
		}
	}
}

// similarKey is a key whose style a new key of the entry's items takes.
var similarKey = map[string]string{"mirror_url": "url"}

// maxWidth is the line width beyond which the YAML writers behind the osism
// files (ruamel.yaml's default best_width) move a long value to the next line.
const maxWidth = 80

// renderKV writes "key: value" lines for a new key at indent (the first line
// without the indent, which the caller writes: it may follow the dash).
func (st *style) renderKV(kv KV, indent int, nl string) (string, error) {
	ks := st.keys[kv.Key]
	if ks == nil && st.keys[similarKey[kv.Key]] != nil {
		// A mirror_url new to the entry is written as its url is.
		ks = st.keys[similarKey[kv.Key]]
	}
	generic := ks == nil
	if ks == nil {
		ks = st.fileKeys[kv.Key]
	}
	quote := yaml.Style(0)
	foldSpace, foldOff := true, 2
	if ks != nil {
		quote, foldSpace, foldOff = ks.quote, ks.foldSpace, ks.foldOff
	}
	val, err := renderScalar(kv.Value, quote, st.quote)
	if err != nil {
		return "", fmt.Errorf("%s: %w", kv.Key, err)
	}
	width := indent + utf8.RuneCountInString(kv.Key) + 2 + utf8.RuneCountInString(val)
	fold := false
	switch {
	case kv.Value.date:
	case !generic && ks.folded == ks.seen:
		fold = true
	case !generic && ks.folded == 0:
	case !generic && ks.offWidth > 0:
		fold = 2*ks.folded > ks.seen
	case generic && !st.anyFold && (ks == nil || ks.folded == 0):
	default:
		fold = width > maxWidth
	}
	if !fold {
		return kv.Key + ": " + val + nl, nil
	}
	sep := ":"
	if foldSpace {
		sep = ": "
	}
	return kv.Key + sep + nl + strings.Repeat(" ", indent+foldOff) + val + nl, nil
}

// renderScalar writes a value in the given style (0: plain), quoting it
// with fallback when it cannot be plain.
func renderScalar(v Value, style, fallback yaml.Style) (string, error) {
	if v.date {
		return v.text, nil
	}
	s := v.text
	if style == 0 {
		if plainSafe(s) {
			return s, nil
		}
		style = fallback
	}
	if style == yaml.SingleQuotedStyle && singleSafe(s) {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
	}
	return doubleQuote(s), nil
}

// printableInline is a character that may stand as it is inside a quoted
// scalar on one line, for PyYAML's reader and both parsers.
func printableInline(r rune) bool {
	switch {
	case r == utf8.RuneError, r == 0x2028, r == 0x2029, r == 0xFEFF:
		return false
	case r >= 0x20 && r <= 0x7E:
		return true
	case r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

func singleSafe(s string) bool {
	for _, r := range s {
		if !printableInline(r) {
			return false
		}
	}
	return true
}

// plainSafe is a string that reads back as the same string when written
// plain as a block mapping value. It errs on the side of quoting.
func plainSafe(s string) bool {
	if s == "" || !singleSafe(s) || resolve11(s) != "!!str" {
		return false
	}
	if strings.ContainsRune("-?:,[]{}#&*!|>'\"%@` ", rune(s[0])) || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	return !strings.Contains(s, ": ") && !strings.Contains(s, " #")
}

func doubleQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case printableInline(r):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r <= 0xFF:
			fmt.Fprintf(&b, `\x%02X`, r)
		case r <= 0xFFFF:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			fmt.Fprintf(&b, `\U%08X`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// sortKVs orders an item's keys as the style's order, keys it does not know
// last in their given order.
func (st *style) sortKVs(kvs []KV) []KV {
	out := slices.Clone(kvs)
	rank := func(k string) int {
		if x := slices.Index(st.order, k); x >= 0 {
			return x
		}
		return len(st.order)
	}
	slices.SortStableFunc(out, func(a, b KV) int { return rank(a.Key) - rank(b.Key) })
	return out
}

// renderItem writes an item to add.
func (st *style) renderItem(it Item, nl string) (string, error) {
	var b strings.Builder
	keyIndent := st.dashIndent + st.keyOff
	for j, kv := range st.sortKVs(it) {
		if j == 0 {
			b.WriteString(strings.Repeat(" ", st.dashIndent))
			b.WriteString("-")
			b.WriteString(strings.Repeat(" ", st.keyOff-1))
		} else {
			b.WriteString(strings.Repeat(" ", keyIndent))
		}
		line, err := st.renderKV(kv, keyIndent, nl)
		if err != nil {
			return "", err
		}
		b.WriteString(line)
	}
	return b.String(), nil
}

// addItems writes the items after the last one (or makes the list).
func (f *File) addItems(v *vlist, items []Item, kept bool, st *style, nl string) ([]splice, error) {
	if st.keyOff < 2 {
		return nil, fmt.Errorf("%w: the items' keys do not follow their dash", ErrUnsupported)
	}
	li := f.p.lines
	var text strings.Builder
	var ss []splice
	at := 0
	switch v.kind {
	case listBlock:
		at = v.bound
		if n := len(v.items); n > 0 {
			at = v.end[n-1]
		}
	case listMissing:
		at = v.bound
		text.WriteString(strings.Repeat(" ", keyIndent(v.entry)) + "versions:" + nl)
	case listNull, listEmptyFlow:
		n := v.key.Line
		rest := li.offset(n, v.key.Column) + len(v.key.Value)
		if rest >= len(f.Data) || f.Data[rest] != ':' {
			return nil, fmt.Errorf("%w: line %d: cannot find the colon after versions", ErrUnsupported, n)
		}
		if v.kind == listEmptyFlow {
			lb := li.offset(v.seq.Line, v.seq.Column)
			if v.seq.Line != n || lb >= len(f.Data) || f.Data[lb] != '[' {
				return nil, fmt.Errorf("%w: line %d: cannot find the [ of the versions list", ErrUnsupported, n)
			}
			rb := bytes.IndexByte(f.Data[lb:li.ends[n-1]], ']')
			if rb < 0 || !isBlankLine(f.Data[lb+1:lb+rb]) {
				return nil, fmt.Errorf("%w: line %d: the empty versions list spans lines", ErrUnsupported, n)
			}
			colon := rest
			rest = lb + rb + 1
			from := lb
			for from > colon+1 && (f.Data[from-1] == ' ' || f.Data[from-1] == '\t') {
				from--
			}
			ss = append(ss, splice{start: from, end: rest})
		} else {
			rest++ // the colon
		}
		if t := f.Data[rest:li.ends[n-1]]; !isBlankLine(t) && !isCommentLine(t) {
			return nil, fmt.Errorf("%w: line %d: something follows the versions key on its line", ErrUnsupported, n)
		}
		at = li.start(n + 1)
		if n == li.count() {
			at = len(f.Data)
		}
	}
	if at > 0 && !endsWithBreak(f.Data[:at]) {
		text.WriteString(nl)
	}
	for j, it := range items {
		if st.blankSep && (j > 0 || kept) {
			text.WriteString(nl)
		}
		s, err := st.renderItem(it, nl)
		if err != nil {
			return nil, fmt.Errorf("add %q: %w", it.version(), err)
		}
		text.WriteString(s)
	}
	return append(ss, splice{start: at, end: at, order: 1, text: text.String()}), nil
}

func (it Item) version() string {
	v, _ := it.Get("version")
	return v.text
}

// updateItem changes keys of item k in place and adds the keys it lacks.
func (f *File) updateItem(v *vlist, k int, set []KV, st *style, nl string) ([]splice, *pyValue, error) {
	li := f.p.lines
	it := v.items[k]
	if it.Kind != yaml.MappingNode || it.Style&yaml.FlowStyle != 0 || it.Anchor != "" || len(it.Content) == 0 {
		return nil, nil, fmt.Errorf("%w: line %d: the item is not a block mapping", ErrUnsupported, it.Line)
	}
	base, err := loadPython(it)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: line %d: %v", ErrUnsupported, it.Line, err)
	}
	// The item's scalar keys and where they are in it.Content.
	var keys []string
	var at []int
	for j := 0; j+1 < len(it.Content); j += 2 {
		if kn := it.Content[j]; kn.Kind == yaml.ScalarNode {
			keys = append(keys, kn.Value)
			at = append(at, j)
		}
	}
	if len(keys) == 0 {
		return nil, nil, fmt.Errorf("%w: line %d: the item has no keys", ErrUnsupported, it.Line)
	}
	var ss []splice
	var missing []KV
	for _, kv := range set {
		j := slices.Index(keys, kv.Key)
		if j < 0 {
			missing = append(missing, kv)
			continue
		}
		s, err := f.replaceValue(it.Content[at[j]+1], kv.Value, st)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", kv.Key, err)
		}
		ss = append(ss, s)
	}
	// A missing key goes after the item's key that comes nearest before
	// it in the style's order, or after the first key.
	order := mergeOrders([][]string{keys, st.order})
	indent := it.Column - 1
	for _, kv := range st.sortKVs(missing) {
		after, best := len(keys)-1, -1
		if pos := slices.Index(order, kv.Key); pos >= 0 {
			after = 0
			for j, key := range keys {
				if x := slices.Index(order, key); x < pos && x > best {
					after, best = j, x
				}
			}
		}
		// Before the next key, and the comments directly above it that
		// are indented as it is.
		off := v.end[k]
		if after+1 < len(keys) {
			off = li.start(it.Content[at[after+1]].Line)
			for off > v.dash[k] {
				n := li.lineAt(off - 1)
				t := li.text(n)
				if !isCommentLine(t) || len(t)-len(bytes.TrimLeft(t, " ")) != indent {
					break
				}
				off = li.start(n)
			}
		}
		line, err := st.renderKV(kv, indent, nl)
		if err != nil {
			return nil, nil, err
		}
		prefix := ""
		if off > 0 && !endsWithBreak(f.Data[:off]) {
			prefix = nl
		}
		ss = append(ss, splice{start: off, end: off, text: prefix + strings.Repeat(" ", indent) + line})
	}
	return ss, itemValue(base, set), nil
}

// replaceValue replaces the bytes of a scalar value, keeping its quoting.
func (f *File) replaceValue(n *yaml.Node, val Value, st *style) (splice, error) {
	li := f.p.lines
	if n.Kind != yaml.ScalarNode || n.Anchor != "" || n.Style&(yaml.TaggedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return splice{}, fmt.Errorf("%w: line %d: the value is not a plain or quoted scalar", ErrUnsupported, n.Line)
	}
	start := li.offset(n.Line, n.Column)
	line := f.Data[start:li.ends[n.Line-1]]
	end := -1
	quote := n.Style & (yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle)
	switch quote {
	case yaml.SingleQuotedStyle:
		for j := 1; j < len(line); j++ {
			if line[j] == '\'' {
				if j+1 < len(line) && line[j+1] == '\'' {
					j++
					continue
				}
				end = j + 1
				break
			}
		}
	case yaml.DoubleQuotedStyle:
		for j := 1; j < len(line); j++ {
			if line[j] == '\\' {
				j++
				continue
			}
			if line[j] == '"' {
				end = j + 1
				break
			}
		}
	default:
		end = len(line)
		if j := bytes.Index(line, []byte(" #")); j >= 0 {
			end = j
		}
		if j := bytes.Index(line[:end], []byte("\t#")); j >= 0 {
			end = j
		}
		end = len(bytes.TrimRight(line[:end], " \t"))
	}
	if end <= 0 {
		return splice{}, fmt.Errorf("%w: line %d: the value spans lines", ErrUnsupported, n.Line)
	}
	// What was found must read as the value yaml.v3 read there.
	docs, err := decodeDocuments(append([]byte("k: "), line[:end]...))
	if err != nil || len(docs) != 1 || len(docs[0].Content) != 1 || len(docs[0].Content[0].Content) != 2 {
		return splice{}, fmt.Errorf("%w: line %d: cannot find the value's end", ErrUnsupported, n.Line)
	}
	if got := docs[0].Content[0].Content[1]; got.Value != n.Value || got.Style != n.Style {
		return splice{}, fmt.Errorf("%w: line %d: the value spans lines", ErrUnsupported, n.Line)
	}
	text, err := renderScalar(val, quote, st.quote)
	if err != nil {
		return splice{}, err
	}
	return splice{start: start, end: start + end, text: text}, nil
}

// checkVersions parses an edited file again and refuses it unless it reads as
// planned.
func (f *File) checkVersions(out []byte, plans map[int]*plan) error {
	refuse := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrRefused}, args...)...)
	}
	g, err := f.reparse(out)
	if err != nil {
		return refuse("%w", err)
	}
	if len(g.Images) != len(f.Images) || g.Indent != f.Indent {
		return refuse("the images list changed shape")
	}
	a, b := f.p.root.Content, g.p.root.Content
	if len(a) != len(b) {
		return refuse("the top level has %d keys, want %d", len(b)/2, len(a)/2)
	}
	eq := nodeComparer{}
	for i := range a {
		if a[i] != f.p.seq && !eq.same(a[i], b[i]) {
			return refuse("line %d: the top level reads differently", b[i].Line)
		}
	}
	// The bytes between images (comments, blank lines, the rest of the
	// file) are the same.
	gap := func(d []byte, imgs []*Image, i int) []byte {
		lo, hi := 0, len(d)
		if i > 0 {
			lo = imgs[i-1].End
		}
		if i < len(imgs) {
			hi = imgs[i].Start
		}
		return d[lo:hi]
	}
	for i := 0; i <= len(f.Images); i++ {
		if !bytes.Equal(gap(f.Data, f.Images, i), gap(out, g.Images, i)) {
			return refuse("the bytes before images[%d] changed", i)
		}
	}
	for i, img := range f.Images {
		gi := g.Images[i]
		if gi.Name != img.Name {
			return refuse("images[%d] is %q, want %q", i, gi.Name, img.Name)
		}
		pl := plans[i]
		if pl == nil {
			if !bytes.Equal(out[gi.Start:gi.End], f.Data[img.Start:img.End]) || !eq.same(g.p.items[i], f.p.items[i]) {
				return refuse("image %q changed", img.Name)
			}
			continue
		}
		head, tail := f.Data[img.Start:pl.head], f.Data[pl.tail:img.End]
		if gi.End-gi.Start < len(head)+len(tail) || !bytes.Equal(out[gi.Start:gi.Start+len(head)], head) || !bytes.Equal(out[gi.End-len(tail):gi.End], tail) {
			return refuse("image %q changed outside its versions list", img.Name)
		}
		if err := checkEntry(f.p.items[i], g.p.items[i], pl); err != nil {
			return refuse("image %q: %w", img.Name, err)
		}
	}
	return nil
}

// checkEntry compares an edited entry with the old one and the plan.
func checkEntry(old, got *yaml.Node, pl *plan) error {
	eq := nodeComparer{}
	var gotSeq *yaml.Node
	j := 0
	for k := 0; k+1 < len(old.Content); k += 2 {
		if j+1 >= len(got.Content) || !eq.same(old.Content[k], got.Content[j]) {
			return fmt.Errorf("line %d: key %q is gone or moved", old.Content[k].Line, old.Content[k].Value)
		}
		if old.Content[k].Value == "versions" && old.Content[k].Kind == yaml.ScalarNode {
			gotSeq = got.Content[j+1]
		} else if !eq.same(old.Content[k+1], got.Content[j+1]) {
			return fmt.Errorf("line %d: %s reads differently", got.Content[j].Line, got.Content[j].Value)
		}
		j += 2
	}
	if gotSeq == nil {
		// The list was added as the entry's last key.
		if j+2 != len(got.Content) || got.Content[j].Value != "versions" {
			return errors.New("the versions list is not where it was written")
		}
		gotSeq = got.Content[j+1]
		j += 2
	}
	if j != len(got.Content) {
		return errors.New("the entry has keys it did not have")
	}
	if gotSeq.Kind != yaml.SequenceNode || len(gotSeq.Content) != len(pl.expects) {
		return fmt.Errorf("the versions list has %d items, want %d", len(gotSeq.Content), len(pl.expects))
	}
	for k, e := range pl.expects {
		it := gotSeq.Content[k]
		if e.old != nil {
			if !eq.same(e.old, it) {
				return fmt.Errorf("line %d: versions[%d] reads differently", it.Line, k)
			}
			continue
		}
		v, err := loadPython(it)
		if err != nil {
			return fmt.Errorf("line %d: versions[%d]: %w", it.Line, k, err)
		}
		if !pySame(v, e.want) {
			return fmt.Errorf("line %d: versions[%d] does not read as written", it.Line, k)
		}
	}
	return nil
}

// pySame compares two loaded values as Python's == would (mappings as
// dicts), except that scalars of one kind compare by their text.
func pySame(a, b *pyValue) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case pyNull:
		return true
	case pyBool:
		return a.truth == b.truth
	case pyInt:
		return a.num.Cmp(b.num) == 0
	case pyList:
		return slices.EqualFunc(a.items, b.items, pySame)
	case pyMap:
		if len(a.keys) != len(b.keys) {
			return false
		}
		for i, k := range a.keys {
			j := slices.IndexFunc(b.keys, func(x *pyValue) bool { return hashKey(x) == hashKey(k) })
			if j < 0 || !pySame(a.vals[i], b.vals[j]) {
				return false
			}
		}
		return true
	}
	return a.text == b.text
}
