package mirror

import (
	"io"
	"net/http"
	"testing"
	"time"
)

func TestBytesCountsBodies(t *testing.T) {
	s := New(t)
	s.File("/a/f", []byte("0123456789"), time.Now())
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodGet} {
		req, _ := http.NewRequest(m, s.URL+"/a/f", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if got := s.Bytes(); got != 20 {
		t.Fatalf("Bytes = %d, want 20 (two GETs of 10 bytes, HEAD sends none)", got)
	}
	s.ResetCounts()
	if s.Bytes() != 0 {
		t.Fatal("ResetCounts kept the byte count")
	}
}
