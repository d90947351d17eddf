package redact

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Every encoding the bot sends a token in is masked: raw, percent-encoded,
// and base64 inside any basic-auth pair, whatever user name precedes it.
func TestEncodedForms(t *testing.T) {
	const sec = "ghs_b64/Secret+0123456789xyz"
	for _, in := range []string{
		sec,
		"u=" + strings.ReplaceAll(sec, "/", "%2F"),
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("x-access-token:"+sec)),
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("ab:"+sec)),
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("a:"+sec)),
		"token " + base64.StdEncoding.EncodeToString([]byte(sec)),
		"token " + base64.URLEncoding.EncodeToString([]byte(":"+sec)),
	} {
		got := String(in, sec)
		if !strings.Contains(got, Mask) {
			t.Errorf("String(%q) = %q: nothing masked", in, got)
		}
		// Whatever is left holds at most two characters of any encoding.
		for _, f := range Forms(sec) {
			if strings.Contains(got, f) {
				t.Errorf("String(%q) = %q still holds %q", in, got, f)
			}
		}
	}
}

func TestRegister(t *testing.T) {
	const sec = "ghs_REGISTERED0123456789abcdef"
	Register(sec, "", "ab")
	if got := String("x " + sec); strings.Contains(got, sec) {
		t.Fatalf("registered secret not masked: %q", got)
	}
	if got := String("ab cd"); got != "ab cd" {
		t.Fatalf("a too short secret was registered: %q", got)
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"Not Found\n", 200, "Not Found"},
		{"line one\r\n\tline two\n::error::x", 200, "line one line two ::error::x"},
		{strings.Repeat("a", 300), 5, "aaaaa…"},
		{"\x00\x01\x02\x03\x04\x05ab", 200, ""},
		{"h\u00e9llo \u202eevil", 200, "h\u00e9llo  evil"},
		{"", 10, ""},
	}
	for _, tt := range tests {
		if got := Excerpt([]byte(tt.in), tt.max); got != tt.want {
			t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestCapErrorBodies(t *testing.T) {
	const sec = "ghs_CAPPED0123456789abcdef"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			io.WriteString(w, strings.Repeat("y", 10*MaxErrorBody))
			return
		}
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "echo: "+r.Header.Get("Authorization")+"\n"+strings.Repeat("x", 10*MaxErrorBody))
	}))
	defer srv.Close()
	c := &http.Client{Transport: CapErrorBodies(nil)}
	get := func(path string) (int, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.SetBasicAuth("x-access-token", sec)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/ok"); code != 200 || len(body) != 10*MaxErrorBody {
		t.Fatalf("a successful body was changed: %d, %d bytes", code, len(body))
	}
	code, body := get("/missing")
	if code != 404 || len(body) > 4*MaxExcerpt || !strings.HasPrefix(body, "echo: Basic ***") {
		t.Fatalf("error body not capped and masked: %d %q", code, body)
	}
}
