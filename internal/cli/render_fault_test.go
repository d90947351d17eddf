package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/templates"
)

// A template whose output fails the image manager's schema costs only the
// images rendered with it: the others in the same file still go in, and
// the bad entry never reaches the catalog.
func TestBadTemplateOutputFailsOnlyItsImage(t *testing.T) {
	w := newWorld(t)
	before := w.read("ubuntu.yml")

	dir := t.TempDir()
	def, err := templates.FS.ReadFile(templates.Default)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, templates.Default), def, 0o644)
	// min_disk must be an int >= 0 for the image manager.
	bad := strings.Replace(string(def), "min_disk: {{ image.min_disk | yaml }}", "min_disk: -1", 1)
	os.WriteFile(filepath.Join(dir, "bad.yml.j2"), []byte(bad), 0o644)

	// Both images in one file; Ubuntu 24.04 rendered with the bad template.
	text := `version: 1
anchors:
  meta: &meta
    architecture: x86_64
    hw_disk_bus: scsi
    hypervisor_type: qemu
    os_purpose: generic
    replace_frequency: quarterly
    uuid_validity: last-3
    provided_until: none
images:
  - name: Ubuntu 24.04
    shortname: ubuntu-24.04
    file: ubuntu.yml
    type: ubuntu
    arch: x86_64
    template: bad.yml.j2
    upstream: {url: "https://cloud-images.ubuntu.com/releases/noble/", checksums: SHA256SUMS, algorithm: sha256, filename: ubuntu-24.04-server-cloudimg-amd64.img}
    image: {format: qcow2, login: ubuntu, min_disk: 8, min_ram: 512, meta: {<<: *meta, os_distro: ubuntu, os_version: "24.04"}}
  - name: Debian 12
    shortname: debian-12
    file: ubuntu.yml
    type: debian
    arch: x86_64
    upstream: {url: "https://cloud.debian.org/images/cloud/bookworm/", checksums: SHA512SUMS, algorithm: sha512, filename: debian-12-genericcloud-amd64.qcow2, pinned: "debian-12-genericcloud-amd64-{version}.qcow2"}
    image: {format: qcow2, login: debian, min_disk: 8, min_ram: 512, meta: {<<: *meta, os_distro: debian, os_version: "12"}}
`
	srcPath := filepath.Join(dir, "sources.yaml")
	os.WriteFile(srcPath, []byte(text), 0o644)
	if _, err := source.LoadFile(srcPath); err != nil {
		t.Fatal(err)
	}

	// --regenerate: the bot owns Ubuntu 24.04's entry, so it is rendered
	// from its template like a new one.
	r := w.run(nil, w.args("run", "--sources", srcPath, "--templates", dir, "--regenerate")...)
	if r.code != ExitFailures {
		t.Fatalf("exit %d, want 3\n%s", r.code, r.stderr)
	}
	if len(r.report.Failures) != 1 || r.report.Failures[0].Image != "Ubuntu 24.04" ||
		!strings.Contains(r.report.Failures[0].Error, "min_disk") {
		t.Fatalf("failures %+v", r.report.Failures)
	}
	if byImage(r.report)["Debian 12"] == nil {
		t.Fatalf("Debian 12 was not added: %+v", r.report.Updates)
	}
	after := w.read("ubuntu.yml")
	if !strings.HasPrefix(after, before) || !strings.Contains(after[len(before):], "name: Debian 12") {
		t.Fatalf("ubuntu.yml should be the old bytes plus the Debian 12 entry:\n%s", after)
	}
	if strings.Contains(after, "min_disk: -1") {
		t.Fatal("the invalid entry reached the catalog")
	}
}
