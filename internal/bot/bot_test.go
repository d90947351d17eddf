package bot

import (
	"errors"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/publish"
)

func TestDiff(t *testing.T) {
	files := []publish.File{
		{Path: "etc/images/ubuntu.yml", Old: []byte("a\nb\nc\n"), New: []byte("a\nB\nc\n")},
		{Path: "etc/images/new.yml", New: []byte("x\n"), Created: true},
		{Path: "etc/images/same.yml", Old: []byte("s\n"), New: []byte("s\n")},
	}
	d := Diff(files)
	for _, want := range []string{
		"diff --git a/etc/images/ubuntu.yml b/etc/images/ubuntu.yml\n--- a/etc/images/ubuntu.yml\n+++ b/etc/images/ubuntu.yml\n",
		"-b\n+B\n",
		"diff --git a/etc/images/new.yml b/etc/images/new.yml\nnew file mode 100644\n--- /dev/null\n+++ b/etc/images/new.yml\n",
		"+x\n",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "same.yml") {
		t.Errorf("an unchanged file is in the diff:\n%s", d)
	}
}

func TestNewProblemsIgnoresOldOnes(t *testing.T) {
	base := problemSet([]error{errors.New("a.yml:3: images[0].min_disk: -1 is below 0")})
	if problemSet(nil) == nil || len(base) != 1 {
		t.Fatalf("problemSet: %v", base)
	}
	// The same problem at another line is not new.
	if got := stripLocation("a.yml:9: images[0].min_disk: -1 is below 0"); got != "images[0].min_disk: -1 is below 0" {
		t.Fatalf("stripLocation = %q", got)
	}
	if got := stripLocation("no location here"); got != "no location here" {
		t.Fatalf("stripLocation changed a message without location: %q", got)
	}
}

func TestIsGitURL(t *testing.T) {
	for in, want := range map[string]bool{
		"https://github.com/o/r": true, "file:///srv/r.git": true, "http://127.0.0.1/r.git": true,
		".": false, "/srv/catalog": false, "github.com/o/r": false,
	} {
		if IsGitURL(in) != want {
			t.Errorf("IsGitURL(%q) = %v", in, !want)
		}
	}
}
