package report_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/report"
	"github.com/osism/image-crawler/internal/testenv/golden"
)

func ptr(s string) *string { return &s }

var (
	ubuntu = report.Update{
		Image: "Ubuntu 24.04", File: "etc/images/ubuntu.yml", PreviousVersion: ptr("20260615"), Version: "20260705",
		Checksum: "sha256:" + strings.Repeat("ab", 32), BuildDate: "2026-07-05", Kind: "new", Verified: true,
		URL:         "https://cloud-images.ubuntu.com/releases/noble/release-20260705/ubuntu-24.04-server-cloudimg-amd64.img",
		ChecksumURL: "https://cloud-images.ubuntu.com/releases/noble/release-20260705/SHA256SUMS",
	}
	respin = report.Update{
		Image: "Debian 12", File: "etc/images/debian.yml", PreviousVersion: ptr("20250210-2019"), Version: "20250210-2019",
		Checksum: "sha512:" + strings.Repeat("cd", 64), PreviousChecksum: "sha512:" + strings.Repeat("ef", 64),
		BuildDate: "2025-02-10", Kind: "respin",
		URL: "https://cloud.debian.org/images/cloud/bookworm/20250210-2019/debian-12-genericcloud-amd64-20250210-2019.qcow2",
	}
	failure = report.Failure{Image: "Rocky 9", Error: "GET https://dl.rockylinux.org/pub/rocky/9/images/x86_64/CHECKSUM: 503 Service Unavailable\n<html>|*_[x](y)`"}
)

func newReport() *report.Report {
	return &report.Report{Schema: 1, Updates: []report.Update{}, Unchanged: []report.Unchanged{}, Failures: []report.Failure{}, Files: []string{}}
}

func TestSummary(t *testing.T) {
	full := newReport()
	full.Updates = []report.Update{ubuntu, respin}
	full.Failures = []report.Failure{failure}
	full.Unchanged = []report.Unchanged{{Image: "Ubuntu 22.04", Version: "20260701"}, {Image: "AlmaLinux 9", Version: "9.6-20260610"}}
	full.Warnings = []string{"the branch image-crawler/updates has commits the bot did not make; it was left alone"}
	full.EndOfLife = []report.EndOfLife{
		{Image: "Debian 11", File: "etc/images/debian.yml", EOL: "2026-08-31", State: "ended", Origin: "distro-info-data debian.csv (eol-lts)", Disabled: true},
		{Image: "CentOS Stream 9", File: "etc/images/centos.yml", EOL: "2027-05-31", State: "ending", Origin: "sources file eol"},
	}
	full.PullRequest = &report.PullRequest{Number: 7, URL: "https://github.com/osism/catalog/pull/7", Branch: "image-crawler/updates", Operation: "updated"}

	nothing := newReport()
	nothing.Unchanged = []report.Unchanged{{Image: "Ubuntu 24.04", Version: "20260705"}, {Image: "Debian 12", Version: "20250210-2019"}}
	nothing.PullRequest = &report.PullRequest{Branch: "image-crawler/updates", Operation: "none"}

	closed := newReport()
	closed.Unchanged = []report.Unchanged{{Image: "Ubuntu 24.04", Version: "20260705"}}
	closed.PullRequest = &report.PullRequest{Number: 3, URL: "https://github.com/osism/catalog/pull/3", Branch: "image-crawler/updates", Operation: "closed"}

	dry := newReport()
	dry.Updates = []report.Update{ubuntu}
	dry.DryRun = true

	local := newReport()
	local.Updates = []report.Update{ubuntu}
	local.Files = []string{"etc/images/ubuntu.yml"}

	onlyFailed := newReport()
	onlyFailed.Failures = []report.Failure{failure}
	onlyFailed.PullRequest = &report.PullRequest{Operation: "none"}

	tests := []struct {
		name string
		rep  *report.Report
		err  error
	}{
		{"full", full, nil},
		{"nothing-new", nothing, nil},
		{"closed", closed, nil},
		{"dry-run", dry, nil},
		{"only-failures", onlyFailed, nil},
		{"local", local, nil},
		{"push-failed", local, errors.New("push image-crawler/updates: remote rejected\n(protected branch)")},
		{"error-before-report", nil, errors.New("clone https://github.com/osism/catalog: authentication required")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden.Assert(t, "testdata/summary/"+tt.name+".md", report.Summary(tt.rep, tt.err))
		})
	}
	for _, name := range []string{"nothing-new", "closed"} {
		rep := map[string]*report.Report{"nothing-new": nothing, "closed": closed}[name]
		if s := report.Summary(rep, nil); strings.Count(s, "\n") != 1 {
			t.Errorf("%s: a run with nothing new gets one line, got:\n%s", name, s)
		}
	}
	if report.Summary(nil, nil) != "" {
		t.Error("no report and no error: want no summary")
	}
}
