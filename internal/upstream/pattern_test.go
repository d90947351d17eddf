package upstream

import (
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/checksum"
)

// Which names a HEREBE...DRAGONS name stands for, and the version read from
// each: whole names only, dots outside the markers are regular expression
// dots as in the image manager.
func TestCompileBuildPattern(t *testing.T) {
	const cs9 = `CentOS-Stream-GenericCloud-9-HEREBE\d+\.\dDRAGONS.x86_64.qcow2`
	const c7 = `CentOS-7-x86_64-GenericCloud-HEREBE\d+\.qcow2$DRAGONS`
	tests := []struct {
		pattern, name string
		match         bool
		version       string
	}{
		{cs9, "CentOS-Stream-GenericCloud-9-20260714.1.x86_64.qcow2", true, "20260714.1"},
		{cs9, "CentOS-Stream-GenericCloud-9-20260714.1.x86_64.qcow2.SHA256SUM", false, ""},
		{cs9, "CentOS-Stream-GenericCloud-x86_64-9-20260714.1.x86_64.qcow2", false, ""},
		{cs9, "CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2", false, ""},
		{cs9, "CentOS-Stream-GenericCloud-9-20260714.1Xx86_64.qcow2", true, "20260714.1"}, // a regex dot, as upstream's updater reads it
		{cs9, "CentOS-Stream-GenericCloud-9-20260714.12.x86_64.qcow2", false, ""},
		{c7, "CentOS-7-x86_64-GenericCloud-2211.qcow2", true, "2211"},
		{c7, "CentOS-7-x86_64-GenericCloud-2211.qcow2c", false, ""},
		{c7, "CentOS-7-x86_64-GenericCloud-2211.qcow2.xz", false, ""},
		{c7, "CentOS-7-x86_64-GenericCloud.qcow2", false, ""},
		{c7, "CentOS-7-aarch64-GenericCloud-2211.qcow2", false, ""},
	}
	for _, tt := range tests {
		re, err := compileBuildPattern(tt.pattern)
		if err != nil {
			t.Fatal(err)
		}
		m := re.FindStringSubmatch(tt.name)
		if (m != nil) != tt.match {
			t.Errorf("%s matches %s: %v, want %v", tt.pattern, tt.name, m != nil, tt.match)
			continue
		}
		if m != nil {
			if v := versionRun().FindString(m[re.SubexpIndex("build")]); v != tt.version {
				t.Errorf("%s: version %q, want %q", tt.name, v, tt.version)
			}
		}
	}
	for _, bad := range []string{"plain.qcow2", "a-HEREBE.qcow2", `a-HEREBEDRAGONS.qcow2`, `a-HEREBE(DRAGONS.qcow2`, `a-HEREBE\dDRAGONS-HEREBE\dDRAGONS`} {
		if _, err := compileBuildPattern(bad); err == nil {
			t.Errorf("%q compiled", bad)
		}
	}
}

// The natsort-newest name counts, not the listing order or the last line;
// other algorithms, names listed twice and names that are no plain file
// name do not.
func TestNewestMatch(t *testing.T) {
	h := func(c byte) string { return strings.Repeat(string(c), 64) }
	body := "SHA256 (img-9.qcow2) = " + h('a') + "\n" +
		"SHA256 (img-10.qcow2) = " + h('b') + "\n" +
		"SHA256 (img-10.qcow2) = " + h('b') + "\n" +
		"SHA256 (img-8.qcow2) = " + h('d') + "\n" +
		"SHA512 (img-11.qcow2) = " + strings.Repeat("e", 128) + "\n" +
		"SHA256 (../img-12.qcow2) = " + h('f') + "\n"
	sums, err := checksum.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	re, err := compileBuildPattern(`img-HEREBE\d+DRAGONS\.qcow2`)
	if err != nil {
		t.Fatal(err)
	}
	name, version, hex, err := newestMatch(sums, checksum.SHA256, re)
	if err != nil || name != "img-10.qcow2" || version != "10" || hex != h('b') {
		t.Fatalf("%s %s %s %v", name, version, hex, err)
	}
	re, _ = compileBuildPattern(`other-HEREBE\d+DRAGONS\.qcow2`)
	if _, _, _, err := newestMatch(sums, checksum.SHA256, re); err == nil || !strings.Contains(err.Error(), "no sha256 digest of a name matching") {
		t.Fatalf("no match: %v", err)
	}
}
