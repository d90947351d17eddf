package bot

import (
	"fmt"
	"testing"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

// What the crawl reports while the keys and templates are still being
// checked beside it is held back: passed on in order once they pass,
// never when they fail (a run they stop says only why).
func TestHeldProgress(t *testing.T) {
	outcome := func(name string) upstream.Outcome { return upstream.Outcome{Image: source.Image{Name: name}} }
	tests := []struct {
		name string
		pass bool
		want string
	}{
		{"checks pass", true, "[1/3 A 2/3 B 3/3 C]"},
		{"checks fail", false, "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []string{}
			h := &heldProgress{p: func(done, total int, o upstream.Outcome) {
				got = append(got, fmt.Sprintf("%d/%d %s", done, total, o.Image.Name))
			}}
			h.report(1, 3, outcome("A"))
			h.report(2, 3, outcome("B"))
			if len(got) != 0 {
				t.Fatalf("passed on before the checks ended: %q", got)
			}
			if tt.pass {
				h.open()
			} else {
				h.drop()
			}
			h.report(3, 3, outcome("C"))
			if fmt.Sprint(got) != tt.want {
				t.Errorf("progress %q, want %s", got, tt.want)
			}
		})
	}
	(&heldProgress{}).open() // no callback: no panic
}
