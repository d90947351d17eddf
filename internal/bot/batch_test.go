package bot

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/osism/image-crawler/internal/catalog"
	"github.com/osism/image-crawler/internal/plan"
)

// one by one applies the edits the way they were made before batching:
// each on the file the edit before it left.
func oneByOne(t *testing.T, file *catalog.File, edits []edit) []byte {
	t.Helper()
	cur := file
	var data []byte
	for _, e := range edits {
		out, err := e.apply(cur)
		if err != nil {
			t.Fatal(err)
		}
		data = out
		if cur, err = catalog.Parse("t.yml", data); err != nil {
			t.Fatal(err)
		}
	}
	return data
}

func TestBatchAppendsSameBytes(t *testing.T) {
	entry := func(name string) []byte {
		return fmt.Appendf(nil, "- name: %s\n  format: qcow2\n  versions:\n    - version: '1'\n      url: https://example.org/%s.img\n", name, name)
	}
	existing := []byte("---\n# a comment the bot keeps\nimages:\n  - name: Old\n    format: qcow2\n    versions:\n      - version: '0'\n        url: https://example.org/old.img\n")
	replace := func(name string) edit {
		return edit{change: &plan.Change{}, apply: func(f *catalog.File) ([]byte, error) {
			return f.Apply(catalog.Edit{Replace: map[string][]byte{"Old": entry(name)}})
		}}
	}
	appends := func(names ...string) []edit {
		var es []edit
		for _, n := range names {
			es = append(es, appendEdit(&plan.Change{}, entry(n)))
		}
		return es
	}
	tests := []struct {
		name    string
		file    []byte // nil: a new file
		edits   []edit
		batches int
	}{
		{"new file", nil, appends("A", "B", "C"), 1},
		{"one append", existing, appends("A"), 1},
		{"appends to a file", existing, appends("A", "B", "C", "D"), 1},
		{"a replace between appends", existing, append(append(appends("A", "B"), replace("Old")), appends("C", "D")...), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var file *catalog.File
			if tt.file != nil {
				var err error
				if file, err = catalog.Parse("t.yml", tt.file); err != nil {
					t.Fatal(err)
				}
			}
			want := oneByOne(t, file, tt.edits)
			batched := batchAppends(tt.edits)
			if len(batched) != tt.batches {
				t.Errorf("%d edits after batching, want %d", len(batched), tt.batches)
			}
			if got := oneByOne(t, file, batched); !bytes.Equal(got, want) {
				t.Errorf("batched:\n%s\none by one:\n%s", got, want)
			}
		})
	}
}
