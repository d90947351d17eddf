package upstream

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/osism/image-crawler/internal/httpclient"
)

// A mirror whose listings write absolute links (/mirror/releases/noble/...)
// is read through --mirror as well as one writing relative links, and the
// entries are named under the upstream URL the catalog records.
func TestFetchListingThroughMirrorWithAbsoluteLinks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/mirror/releases/noble/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `<html><body><pre><a href="/mirror/releases/">../</a>
<a href="/mirror/releases/noble/release-20260705/">release-20260705/</a>
<a href="/mirror/releases/noble/release/">release/</a>
<a href="/elsewhere/release-20990101/">release-20990101/</a>
</pre></body></html>`)
	}))
	defer srv.Close()
	c := httpclient.NewClient(httpclient.Options{Mirrors: []httpclient.Mirror{{From: "https://cloud-images.ubuntu.com/", To: srv.URL + "/mirror/"}}, Retries: -1})
	entries, err := fetchListing(context.Background(), c, "https://cloud-images.ubuntu.com/releases/noble/")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range entries {
		got[e.Name] = e.URL.String()
	}
	want := map[string]string{
		"release-20260705": "https://cloud-images.ubuntu.com/releases/noble/release-20260705/",
		"release":          "https://cloud-images.ubuntu.com/releases/noble/release/",
	}
	if len(got) != len(want) {
		t.Fatalf("entries %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
}
