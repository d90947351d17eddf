package cmdutil

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/iostreams"
	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/upstream"
)

func TestProxyFromEnvironment(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		url  string
		want string
	}{
		{"none", nil, "https://cloud-images.ubuntu.com/x", ""},
		{"https", map[string]string{"HTTPS_PROXY": "http://proxy:3128"}, "https://cloud-images.ubuntu.com/x", "http://proxy:3128"},
		{"lower case", map[string]string{"https_proxy": "http://proxy:3128"}, "https://api.github.com/", "http://proxy:3128"},
		{"http only for http", map[string]string{"HTTPS_PROXY": "http://proxy:3128"}, "http://mirror.example.org/x", ""},
		{"no_proxy suffix", map[string]string{"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": ".example.org,github.com"}, "https://mirror.example.org/x", ""},
		{"no_proxy domain", map[string]string{"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "github.com"}, "https://api.github.com/", ""},
		{"loopback never", map[string]string{"HTTP_PROXY": "http://proxy:3128"}, "http://127.0.0.1:8080/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &Factory{Env: func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }}
			p := f.Proxy()
			got := ""
			if p != nil {
				req, _ := http.NewRequest(http.MethodGet, tt.url, nil)
				u, err := p(req)
				if err != nil {
					t.Fatal(err)
				}
				if u != nil {
					got = u.String()
				}
			}
			if got != tt.want {
				t.Fatalf("proxy %q, want %q", got, tt.want)
			}
		})
	}
}

// A crawl that stops before its last image (a signal, --timeout) still
// ends the terminal's progress line, so the error that follows stands on
// a line of its own.
func TestTerminalProgressLineEnds(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	ios.Terminal = true
	f := &Factory{IOStreams: ios}
	p := f.Progress()
	p(1, 3, upstream.Outcome{Image: source.Image{Name: "Debian 12"}, Err: errors.New("boom")})
	f.Group("crawl")()
	if got, want := errOut.String(), EraseLine+"[1/3] 1 failed; Debian 12: failed\n"; got != want {
		t.Fatalf("stderr %q, want %q", got, want)
	}
	f.Group("crawl")() // no line open: nothing more
	if strings.Count(errOut.String(), "\n") != 1 {
		t.Fatalf("stderr %q", errOut)
	}
}
