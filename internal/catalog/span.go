package catalog

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// lineIndex maps yaml.v3's 1-based lines to byte offsets. It breaks lines
// where yaml.v3 (libyaml) does: at "\r\n", "\r", "\n", NEL, LS and PS, so its
// line numbers and ours always agree.
type lineIndex struct {
	data   []byte
	starts []int // starts[i]: offset of line i+1
	ends   []int // ends[i]: offset of line i+1's line break (or len(data))
}

func newLineIndex(data []byte) *lineIndex {
	li := &lineIndex{data: data, starts: []int{0}}
	for i := 0; i < len(data); {
		n := breakLen(data, i)
		if n == 0 {
			i++
			continue
		}
		li.ends = append(li.ends, i)
		i += n
		li.starts = append(li.starts, i)
	}
	li.ends = append(li.ends, len(data))
	return li
}

// breakLen is the length of the line break at data[i], or 0.
func breakLen(data []byte, i int) int {
	switch data[i] {
	case '\n':
		return 1
	case '\r':
		if i+1 < len(data) && data[i+1] == '\n' {
			return 2
		}
		return 1
	case 0xC2: // U+0085 NEL
		if i+1 < len(data) && data[i+1] == 0x85 {
			return 2
		}
	case 0xE2: // U+2028 LS, U+2029 PS
		if i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xA8 || data[i+2] == 0xA9) {
			return 3
		}
	}
	return 0
}

func firstBreakIsCRLF(data []byte) bool {
	i := bytes.IndexAny(data, "\r\n")
	return i >= 0 && bytes.HasPrefix(data[i:], []byte("\r\n"))
}

func (li *lineIndex) count() int { return len(li.starts) }

// start is the offset of line n, clamped to the data.
func (li *lineIndex) start(n int) int {
	switch {
	case n < 1:
		return 0
	case n > len(li.starts):
		return len(li.data)
	}
	return li.starts[n-1]
}

// text is line n without its line break (and without a byte order mark).
func (li *lineIndex) text(n int) []byte {
	if n < 1 || n > len(li.starts) {
		return nil
	}
	t := li.data[li.starts[n-1]:li.ends[n-1]]
	if n == 1 {
		t = bytes.TrimPrefix(t, []byte("\uFEFF"))
	}
	return t
}

// lineAt is the line holding offset off.
func (li *lineIndex) lineAt(off int) int {
	return sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off })
}

// offset converts yaml.v3's (line, column), counted in characters from after
// any byte order mark, to a byte offset.
func (li *lineIndex) offset(line, col int) int {
	t := li.text(line)
	base := li.start(line)
	if line == 1 {
		base += len(li.data[li.starts[0]:li.ends[0]]) - len(t)
	}
	i := 0
	for c := 1; c < col && i < len(t); c++ {
		_, size := utf8.DecodeRune(t[i:])
		i += size
	}
	return base + i
}

func isBlankLine(t []byte) bool { return len(bytes.Trim(t, " \t")) == 0 }

func isCommentLine(t []byte) bool { return bytes.HasPrefix(bytes.TrimLeft(t, " \t"), []byte("#")) }

func isDocumentMarker(t []byte) bool {
	return (bytes.HasPrefix(t, []byte("---")) || bytes.HasPrefix(t, []byte("..."))) &&
		(len(t) == 3 || t[3] == ' ' || t[3] == '\t')
}

// dashLine finds the line of the "- " that opens item, searching upwards from
// the item's content (which may sit on a later line than the dash, after
// properties or comments) for the first line with a dash at the sequence's
// column. Nothing between an item's dash and its content can put a dash
// there, so the first one found is the item's own.
func dashLine(li *lineIndex, col int, item *yaml.Node, above int) (int, bool) {
	for n := item.Line; n > above; n-- {
		t := li.text(n)
		if len(t) < col || t[col-1] != '-' || len(bytes.TrimLeft(t[:col-1], " ")) != 0 {
			continue
		}
		if len(t) > col && t[col] != ' ' && t[col] != '\t' {
			continue
		}
		if n == item.Line && item.Column <= col {
			continue
		}
		return n, true
	}
	return 0, false
}

// locate sets the spans of every image. Precise spans attach the comment lines
// directly above an item to it and leave trailing blank and comment lines to
// no one. Such lines could be part of the previous item's value instead (a
// block scalar's "# ..." line), so the precise spans are checked: deleting
// every line they leave out or attach as comments must not change the parsed
// document. If it does, the spans fall back to running from one item's dash
// line to the next.
func (p *parsed) locate(rel string, imgs []*Image, mode spanMode) *FileError {
	li := p.lines
	dashes := make([]int, len(p.items))
	above := p.key.Line - 1
	for i, item := range p.items {
		n, ok := dashLine(li, p.seq.Column, item, above)
		if !ok {
			return &FileError{Path: rel, Line: item.Line, Err: fmt.Errorf("cannot find the start of images[%d]", i)}
		}
		dashes[i], above = n, n
	}
	if mode != modeConservative {
		spans := p.preciseSpans(dashes)
		if mode == modePrecise || p.spansHoldOnlyComments(spans) {
			setSpans(imgs, dashes, spans)
			return nil
		}
	}
	p.conservative = true
	spans := make([][3]int, len(dashes))
	for i, d := range dashes {
		spans[i][0] = li.start(d)
		spans[i][1] = spans[i][0]
		if i > 0 {
			spans[i-1][2] = spans[i][0]
		}
	}
	spans[len(spans)-1][2] = max(p.end, spans[len(spans)-1][1])
	setSpans(imgs, dashes, spans)
	return nil
}

func setSpans(imgs []*Image, dashes []int, spans [][3]int) {
	for i, img := range imgs {
		img.Line = dashes[i]
		img.Start, img.EntryStart, img.End = spans[i][0], spans[i][1], spans[i][2]
	}
}

// preciseSpans returns [start, entry start, end] of each item.
func (p *parsed) preciseSpans(dashes []int) [][3]int {
	li := p.lines
	spans := make([][3]int, len(dashes))
	for i, d := range dashes {
		top := d
		for top-1 > 0 && isCommentLine(li.text(top-1)) {
			top--
		}
		spans[i][0], spans[i][1] = li.start(top), li.start(d)
	}
	for i, d := range dashes {
		end := p.end
		if i+1 < len(spans) {
			end = spans[i+1][0]
		}
		last := i == len(dashes)-1
		// Walk up over the lines that end before end.
		for end > li.start(d) {
			n := li.lineAt(end - 1)
			if n <= d {
				break
			}
			t := li.text(n)
			if !isBlankLine(t) && !isCommentLine(t) && (!last || !isDocumentMarker(t)) {
				break
			}
			end = li.start(n)
		}
		spans[i][2] = end
	}
	return spans
}

// spansHoldOnlyComments deletes what the spans treat as comments and blank
// lines and checks that the document still parses to the same tree.
func (p *parsed) spansHoldOnlyComments(spans [][3]int) bool {
	data := p.lines.data
	// Nothing left out (no comment or blank line between or above the
	// items, the usual case): the same bytes parse to the same document,
	// and parsing the file a second time would double the cost of loading it.
	kept := spans[0][0] + len(data) - p.end
	for _, s := range spans {
		kept += s[2] - s[1]
	}
	if kept == len(data) {
		return true
	}
	stripped := slices.Clone(data[:spans[0][0]])
	for _, s := range spans {
		stripped = append(stripped, data[s[1]:s[2]]...)
	}
	stripped = append(stripped, data[p.end:]...)
	docs, err := decodeDocuments(stripped)
	return err == nil && len(docs) == 1 && len(docs[0].Content) == 1 && (&nodeComparer{}).same(docs[0].Content[0], p.root)
}
