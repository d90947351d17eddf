package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/plan"
	"github.com/osism/image-crawler/internal/testenv/golden"
)

func sample() *Report {
	r := New([]plan.Update{
		{Image: "Ubuntu 24.04", File: "etc/images/ubuntu.yml", PreviousVersion: "20260615", Version: "20260705",
			Checksum: "sha256:" + strings.Repeat("ab", 32), URL: "https://cloud-images.ubuntu.com/releases/noble/release-20260705/ubuntu-24.04-server-cloudimg-amd64.img",
			BuildDate: "2026-07-05", ChecksumURL: "https://cloud-images.ubuntu.com/releases/noble/release-20260705/SHA256SUMS", Kind: plan.New, Verified: true},
		{Image: "Debian 12", File: "etc/images/debian.yml", Version: "20250210-2019",
			Checksum: "sha512:" + strings.Repeat("cd", 64), URL: "https://cloud.debian.org/images/cloud/bookworm/20250210-2019/debian-12-genericcloud-amd64-20250210-2019.qcow2",
			BuildDate: "2025-02-10", Kind: plan.New},
		{Image: "Ubuntu 22.04", File: "etc/images/ubuntu.yml", PreviousVersion: "20260701", PreviousChecksum: "sha256:" + strings.Repeat("11", 32),
			Version: "20260701", Checksum: "sha256:" + strings.Repeat("22", 32), URL: "https://e.org/x.img", BuildDate: "2026-07-01", Kind: plan.Respin},
	}, []plan.Unchanged{{Image: "Debian 13", Version: "20260701-2500"}},
		[]plan.Failure{{Image: "Rocky 9", Error: "GET https://dl.rockylinux.org/x/CHECKSUM: 503 Service Unavailable\nsecond line"}},
		[]string{"etc/images/ubuntu.yml", "etc/images/debian.yml"})
	return r
}

func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	if err := sample().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["schema"].(float64) != 1 || m["pull_request"] != nil {
		t.Fatalf("schema/pull_request: %v", m)
	}
	ups := m["updates"].([]any)
	if ups[1].(map[string]any)["previous_version"] != nil {
		t.Fatal("previous_version of a new image must be null")
	}
	if ups[0].(map[string]any)["previous_version"] != "20260615" || ups[2].(map[string]any)["kind"] != "respin" {
		t.Fatalf("updates: %v", ups)
	}
	if files := m["files"].([]any); files[0] != "etc/images/debian.yml" {
		t.Fatalf("files not sorted: %v", files)
	}
	empty := New(nil, nil, nil, nil)
	buf.Reset()
	empty.WriteJSON(&buf)
	for _, k := range []string{`"updates": []`, `"unchanged": []`, `"failures": []`, `"files": []`, `"pull_request": null`} {
		if !strings.Contains(buf.String(), k) {
			t.Errorf("empty report lacks %s:\n%s", k, buf.String())
		}
	}
}

func TestBodyGolden(t *testing.T) {
	r := sample()
	r.Warnings = []string{"signature verification is off"}
	got := Body(r, BodyOptions{SignaturesOff: true})
	golden.Assert(t, filepath.Join("testdata", "body.golden.md"), got)
}

func TestBodyEscapesUpstreamText(t *testing.T) {
	r := New(nil, nil, []plan.Failure{{Image: "X", Error: "bad | cell <script>alert(1)</script> [link](http://evil)"}}, nil)
	b := Body(r, BodyOptions{})
	for _, bad := range []string{"<script>", "[link](http://evil)", "bad | cell"} {
		if strings.Contains(b, bad) {
			t.Errorf("body contains unescaped %q:\n%s", bad, b)
		}
	}
}

func TestBodyStaysUnderGitHubLimit(t *testing.T) {
	var ups []plan.Update
	for i := 0; i < 3000; i++ {
		ups = append(ups, plan.Update{Image: fmt.Sprintf("Image %04d", i), Version: "20260705", Checksum: "sha256:" + strings.Repeat("a", 64),
			URL: "https://example.org/" + strings.Repeat("x", 80), BuildDate: "2026-07-05", Kind: plan.New})
	}
	b := Body(New(ups, nil, nil, nil), BodyOptions{})
	if len(b) > MaxBody {
		t.Fatalf("body is %d characters, over %d", len(b), MaxBody)
	}
	if !strings.Contains(b, Marker) || !strings.Contains(b, "more updates, not listed") {
		t.Fatal("summarised body lost the marker or the summary line")
	}
}

func TestTitle(t *testing.T) {
	r := sample()
	if got := Title(r.Updates[:2]); got != "Update images: Ubuntu 24.04 20260705, Debian 12 20250210-2019" {
		t.Fatal(got)
	}
	var many []Update
	for i := 0; i < 30; i++ {
		many = append(many, Update{Image: fmt.Sprintf("Image %d", i), Version: "20260705"})
	}
	got := Title(many)
	if len(got) > maxTitle+20 || !strings.HasSuffix(got, "more") {
		t.Fatalf("long title: %q", got)
	}
}

func TestCommitMessage(t *testing.T) {
	msg := CommitMessage(sample(), "Signed-off-by: Bot <bot@example.org>")
	for _, want := range []string{
		"Update images: Ubuntu 24.04 20260705, Debian 12 20250210-2019, Ubuntu 22.04 20260701\n\n",
		"- Debian 12: (new image) -> 20250210-2019 (2025-02-10, sha512:cdcdcdcdcdcd)",
		"Not updated (1 failed): Rocky 9",
		"\n\nSigned-off-by: Bot <bot@example.org>\n",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("commit message lacks %q:\n%s", want, msg)
		}
	}
}

// The end of life gets its section in the body, with the date and where it
// came from, and release notes their link in the table.
func TestBodyEndOfLifeAndReleaseNotes(t *testing.T) {
	r := sample()
	r.Updates[0].ReleaseNotes = "https://example.org/notes/1"
	r.EndOfLife = []EndOfLife{
		{Image: "Debian 11", File: "etc/images/debian.yml", EOL: "2026-08-31", State: "ended", Origin: "distro-info-data debian.csv (eol-lts)"},
		{Image: "Leap | 15.6", File: "etc/images/opensuse.yml", EOL: "2027-01-31", State: "ending", Origin: "sources file eol", Disabled: true},
	}
	b := Body(r, BodyOptions{})
	for _, want := range []string{
		"### End of life\n",
		"- **Debian 11** (`etc/images/debian.yml`): support ended 2026-08-31 (distro-info-data debian.csv (eol-lts))\n",
		"- **Leap \\| 15.6** (`etc/images/opensuse.yml`): support ends 2027-01-31 (sources file eol); disabled in this pull request\n",
		" · [release notes](https://example.org/notes/1) |",
	} {
		if !strings.Contains(b, want) {
			t.Errorf("body lacks %q:\n%s", want, b)
		}
	}
	var buf strings.Builder
	if err := r.WriteJSON(&buf); err != nil || !strings.Contains(buf.String(), `"end_of_life": [`) || !strings.Contains(buf.String(), `"release_notes": "https://example.org/notes/1"`) {
		t.Errorf("JSON lacks end_of_life or release_notes: %v\n%s", err, buf.String())
	}
}
