package source

import (
	"fmt"
	"strings"
	"testing"
)

// hostileImage is a valid entry, its image block written by the caller.
func hostileDoc(anchors, name, image string) string {
	return "version: 1\nanchors:\n" + anchors + `images:
  - name: ` + name + `
    shortname: x
    file: x.yml
    type: ubuntu
    arch: x86_64
    upstream: {url: "https://cloud-images.ubuntu.com/releases/noble/", latest: release/, checksums: SHA256SUMS, algorithm: sha256, filename: x.img}
    image:
` + image
}

const plainImage = "      format: qcow2\n      login: ubuntu\n"

// chain writes n anchors a0..a(n-1), each merging the one before it with
// the given merge value (%[1]d is the previous level).
func chain(n int, merge string) string {
	var b strings.Builder
	b.WriteString("  a0: &a0 {os_distro: ubuntu}\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  a%d: &a%d\n", i, i)
		b.WriteString(fmt.Sprintf(merge, i-1))
	}
	return b.String()
}

// Sources files that would take the decoder minutes or silently change a
// value are refused with the line at fault. The checks bound the work, so
// each case ends quickly on its own; the test asserts the error, not time.
func TestHostileSourcesRefused(t *testing.T) {
	// 16 distinct blocks per level, each merging all 16 of the level below:
	// 8 levels deep, 16^8 entries for the decoder to expand.
	var wide strings.Builder
	for j := range 16 {
		fmt.Fprintf(&wide, "  w0_%d: &w0_%d {k%d: v}\n", j, j, j)
	}
	for i := 1; i < 8; i++ {
		for j := range 16 {
			var refs []string
			for k := range 16 {
				refs = append(refs, fmt.Sprintf("*w%d_%d", i-1, k))
			}
			fmt.Fprintf(&wide, "  w%d_%d: &w%d_%d\n    <<: [%s]\n", i, j, i, j, strings.Join(refs, ", "))
		}
	}
	tests := []struct {
		name, doc, want string
	}{
		{"nested duplicate merge keys",
			hostileDoc(chain(22, "    <<: *a%[1]d\n    <<: *a%[1]d\n"), "X", "      format: qcow2\n      login: ubuntu\n      meta: {<<: *a21}\n"),
			"x.yaml:6: duplicate merge key << (first at line 5)"},
		{"the same block twice in one merge",
			hostileDoc(chain(22, "    <<: [*a%[1]d, *a%[1]d]\n"), "X", "      format: qcow2\n      login: ubuntu\n      meta: {<<: *a21}\n"),
			"x.yaml:5: merge key << names the same block twice (first at line 5)"},
		{"a deep merge chain",
			hostileDoc(chain(12, "    <<: *a%[1]d\n"), "X", "      format: qcow2\n      login: ubuntu\n      meta: {<<: *a11}\n"),
			"x.yaml:21: merge keys (<<) nest 12 levels deep, more than 8"},
		{"a wide merge fan-out",
			hostileDoc(wide.String(), "X", "      format: qcow2\n      login: ubuntu\n      meta: {<<: *w7_0}\n"),
			"expand to more than 100000 entries"},
		{"min_disk as a float",
			hostileDoc("", "X", plainImage+"      min_disk: 8.5\n"),
			"x.yaml:13: min_disk: 8.5 is not a whole number"},
		{"min_ram as a float through a merge",
			hostileDoc("  m: &m {min_ram: 1e3}\n", "X", plainImage+"      <<: *m\n"),
			"x.yaml:3: min_ram: 1e3 is not a whole number"},
		{"limit as a float", strings.Replace(hostileDoc("", "X", plainImage), "    type: ubuntu\n", "    type: ubuntu\n    limit: 2.5\n", 1),
			"limit: 2.5 is not a whole number"},
		{"a newline in the name", hostileDoc("", `"Ubuntu\n24.04"`, plainImage),
			`name "Ubuntu\n24.04" holds a control character`},
		{"a bidi override in a tag", hostileDoc("", "X", plainImage+"      tags: [\"a\\u202eb\"]\n"),
			"image.tags \"a\\u202eb\" holds a control character"},
		{"an escape in a meta value", hostileDoc("", "X", plainImage+"      meta: {os_distro: \"u\\e[31m\"}\n"),
			"image.meta.os_distro"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v\nwant it to contain %q\n%s", err, tt.want, tt.doc)
			}
		})
	}
}

// Merges as the shipped sources file writes them stay accepted: one block
// merged, a list of blocks, a chain a few levels deep, an override.
func TestReasonableMergesAccepted(t *testing.T) {
	doc := hostileDoc("  base: &base {os_distro: ubuntu}\n  more: &more {<<: *base, os_version: \"24.04\"}\n  extra: &extra {hw_rng_model: virtio}\n",
		"X", plainImage+"      min_disk: 8\n      meta:\n        <<: [*more, *extra]\n        os_version: \"24.04.1\"\n")
	f, err := Parse("x.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	props := f.Images[0].Meta.Properties
	if v, _ := props.Get("os_distro"); v != "ubuntu" {
		t.Fatalf("merge not applied: %+v", props)
	}
	if v, _ := props.Get("os_version"); v != "24.04.1" {
		t.Fatalf("override not applied: %+v", props)
	}
	if v, _ := props.Get("hw_rng_model"); v != "virtio" {
		t.Fatalf("merge not applied: %+v", f.Images[0].Meta.Properties)
	}
}

// The merge bound counts what merges and aliases add, not the entries a
// file writes out: thousands of plain images (as the benchmark's synthetic
// set writes them) load, and the same images expanded from one anchor
// each do not.
func TestMergeWorkCountsExpansionsOnly(t *testing.T) {
	const n = 6000 // over 20 entries each: well past MaxMergeWork as written
	entry := func(b *strings.Builder, i int, image string) {
		fmt.Fprintf(b, `  - name: X%[1]d
    shortname: x%[1]d
    file: x.yml
    type: ubuntu
    arch: x86_64
    upstream: {url: "https://cloud-images.ubuntu.com/releases/noble/", latest: release/, checksums: SHA256SUMS, algorithm: sha256, filename: x%[1]d.img}
    image:
%[2]s`, i, image)
	}
	var plain strings.Builder
	plain.WriteString("version: 1\nimages:\n")
	for i := range n {
		entry(&plain, i, plainImage+"      meta: {os_distro: ubuntu, os_version: \"24.04\", architecture: x86_64, hw_disk_bus: scsi}\n")
	}
	f, err := Parse("x.yaml", []byte(plain.String()))
	if err != nil {
		t.Fatalf("plain images: %v", err)
	}
	if len(f.Images) != n {
		t.Fatalf("%d images, want %d", len(f.Images), n)
	}

	// Every image merges one 20-entry block: n x 20 entries expanded.
	var merged strings.Builder
	merged.WriteString("version: 1\nanchors:\n  m: &m {")
	for k := range 20 {
		if k > 0 {
			merged.WriteString(", ")
		}
		fmt.Fprintf(&merged, "k%d: v", k)
	}
	merged.WriteString("}\nimages:\n")
	for i := range n {
		entry(&merged, i, plainImage+"      meta: {<<: *m}\n")
	}
	if _, err := Parse("x.yaml", []byte(merged.String())); err == nil || !strings.Contains(err.Error(), "expand to more than 100000 entries") {
		t.Fatalf("merged images: error %v, want the merge bound", err)
	}
}
