package upstream

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// One odd build directory does not block an image: a newer build whose
// checksum file is not published yet, or a directory whose name holds no
// plausible date, is skipped, said so, and the newest complete build wins.
func TestDatedSkipsIncompleteAndStrayBuilds(t *testing.T) {
	stray := []byte("stand-in")
	tests := []struct {
		name    string
		prepare func(m *mirror.Server)
		skipped []string
	}{
		{"nothing odd", func(m *mirror.Server) {}, nil},
		{"newer build mid-publish", func(m *mirror.Server) {
			m.File(sigBase+"release-20260801/"+sigImage, stray, time.Time{})
		}, []string{"release-20260801 ", "SHA256SUMS is not published"}},
		{"stray impossible date", func(m *mirror.Server) {
			m.File(sigBase+"release-99999999/"+sigImage, stray, time.Time{})
		}, []string{"release-99999999 "}},
		{"stray future date", func(m *mirror.Server) {
			m.File(sigBase+"release-29990101/"+sigImage, stray, time.Time{})
		}, []string{"release-29990101 ", "in the future"}},
		{"stray ancient date", func(m *mirror.Server) {
			m.File(sigBase+"release-19700101/"+sigImage, stray, time.Time{})
		}, nil}, // older than every real build: never a candidate, nothing to say
		{"all at once, more than the candidates opened", func(m *mirror.Server) {
			for _, d := range []string{"release-99999999/", "release-29990101/", "release-20260901/", "release-20260801/"} {
				m.File(sigBase+d+sigImage, stray, time.Time{})
			}
		}, []string{"release-99999999 ", "release-29990101 ", "release-20260901 ", "release-20260801 "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, c, img := plainWorld(t)
			tt.prepare(m)
			out := Crawl(context.Background(), c, []source.Image{img}, map[string]Known{img.Name: oldKnown}, 1, nil)
			if err := out[0].Err; err != nil {
				t.Fatalf("the image failed: %v", err)
			}
			res := out[0].Result
			if res.Version != "20260705" {
				t.Fatalf("version %q, want 20260705", res.Version)
			}
			for _, want := range tt.skipped {
				if !strings.Contains(res.Skipped, want) {
					t.Fatalf("Skipped %q does not say %q", res.Skipped, want)
				}
			}
			if len(tt.skipped) == 0 && res.Skipped != "" {
				t.Fatalf("Skipped %q, want nothing", res.Skipped)
			}
		})
	}
}

// A Last-Modified before any cloud image was built (the epoch, 1900), or
// one that does not parse, is no build date, and the message says which.
func TestLastModifiedRefused(t *testing.T) {
	tests := []struct {
		name, header, want string
	}{
		{"epoch", "Thu, 01 Jan 1970 00:00:00 GMT", "build date 1970-01-01 is implausible: before 2010-01-01"},
		{"1900", "Mon, 01 Jan 1900 00:00:00 GMT", "build date 1900-01-01 is implausible"},
		{"2009", "Thu, 31 Dec 2009 23:59:59 GMT", "build date 2009-12-31 is implausible"},
		{"future", "Fri, 01 Jan 2999 00:00:00 GMT", "in the future"},
		{"unparsable", "yesterday-ish", `unparsable Last-Modified "yesterday-ish"`},
		{"good", "Sun, 05 Jul 2026 10:00:00 GMT", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, c, img := plainWorld(t)
			const p = sigBase + "lm/" + sigImage
			m.File(p, make([]byte, 64), time.Time{})
			m.Fault(p, mirror.Fault{Header: http.Header{"Last-Modified": {tt.header}}})
			r := Result{Version: "20260705", Checksum: oldKnown.Checksum, URL: "https://cloud-images.ubuntu.com/releases/noble/lm/" + sigImage}
			err := crossCheck(context.Background(), c, img, &r)
			if tt.want == "" {
				if err != nil || r.BuildDate != "2026-07-05" {
					t.Fatalf("err %v, date %q", err, r.BuildDate)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			var ide *ImplausibleDateError
			if tt.name != "unparsable" && !errors.As(err, &ide) {
				t.Fatalf("not an ImplausibleDateError: %v", err)
			}
		})
	}
}
