package upstream

import (
	"context"
	"fmt"
	"testing"

	"github.com/osism/image-crawler/internal/httpclient"
	"github.com/osism/image-crawler/internal/source"
)

// Progress is told one image at a time, numbered in the order it is told:
// the callback appends without a lock, which -race flags if two calls
// overlap.
func TestCrawlProgressInOrder(t *testing.T) {
	var imgs []source.Image
	for i := range 40 {
		imgs = append(imgs, source.Image{Name: fmt.Sprintf("Image %d", i), Type: "no-such-type"})
	}
	var got []int
	Crawl(context.Background(), testClient(httpclient.Options{}), imgs, nil, 16, func(done, total int, o Outcome) {
		if total != len(imgs) || o.Err == nil {
			t.Errorf("total %d, err %v", total, o.Err)
		}
		got = append(got, done)
	})
	for i, d := range got {
		if d != i+1 {
			t.Fatalf("progress numbers %v, want 1..%d in order", got, len(imgs))
		}
	}
	if len(got) != len(imgs) {
		t.Fatalf("%d calls, want %d", len(got), len(imgs))
	}
}
