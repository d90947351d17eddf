package bot

import (
	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/plan"
)

// appendEdit appends entry to its file, or makes the file with it.
func appendEdit(ch *plan.Change, entry []byte) edit {
	return edit{change: ch, appended: entry, apply: func(f *catalog.File) ([]byte, error) {
		return appendEntries(f, [][]byte{entry})
	}}
}

func appendEntries(f *catalog.File, entries [][]byte) ([]byte, error) {
	if f == nil {
		return catalog.NewFile(entries), nil
	}
	return f.Apply(catalog.Edit{Append: entries})
}

// batchAppends merges edits in a row that only append an entry into one
// edit that appends them all, in the same order. Each edit is made on the
// file the edits before it left, which means parsing the file again after
// each: one append of n entries instead of n appends keeps a file that
// gets many new images from being parsed again for every one of them. The
// bytes are the same.
func batchAppends(edits []edit) []edit {
	out := make([]edit, 0, len(edits))
	for i := 0; i < len(edits); {
		j := i
		for j < len(edits) && edits[j].appended != nil {
			j++
		}
		if j-i < 2 {
			out = append(out, edits[i])
			i++
			continue
		}
		entries := make([][]byte, 0, j-i)
		for _, e := range edits[i:j] {
			entries = append(entries, e.appended)
		}
		out = append(out, edit{change: edits[i].change, apply: func(f *catalog.File) ([]byte, error) {
			return appendEntries(f, entries)
		}})
		i = j
	}
	return out
}
