package bot

import (
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/osism/image-crawler/internal/upstream"
)

func TestOffline(t *testing.T) {
	dns := func(host string) error {
		return fmt.Errorf("GET https://%s/: %w", host, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true})
	}
	tests := []struct {
		name string
		errs []error
		want bool
	}{
		{"every host fails to resolve", []error{dns("a.example"), dns("b.example")}, true},
		{"one image crawled", []error{dns("a.example"), nil}, false},
		{"another failure", []error{dns("a.example"), errors.New("404")}, false},
		{"nothing crawled", nil, false},
	}
	for _, tt := range tests {
		var outs []upstream.Outcome
		for _, err := range tt.errs {
			outs = append(outs, upstream.Outcome{Err: err})
		}
		if got := offline(outs) != nil; got != tt.want {
			t.Errorf("%s: offline %v, want %v", tt.name, got, tt.want)
		}
	}
}

// The progress counts the images that failed before their crawl began
// with those crawled, in one sequence.
func TestProgressCountsEveryImage(t *testing.T) {
	var got []string
	p := &sharedProgress{p: func(done, total int, o upstream.Outcome) {
		got = append(got, fmt.Sprintf("%d/%d %s", done, total, o.Image.Name))
	}}
	p.add(2)
	p.fail(upstream.Outcome{Err: errors.New("list releases")})
	p.report(1, 2, upstream.Outcome{})
	p.report(2, 2, upstream.Outcome{})
	if fmt.Sprint(got) != "[1/3  2/3  3/3 ]" {
		t.Fatalf("progress %q", got)
	}
	(&sharedProgress{}).fail(upstream.Outcome{}) // no callback: no panic
}
