package actions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/osism/image-crawler/internal/report"
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

func TestAppendSummaryCapsAndRedacts(t *testing.T) {
	rep := newReport()
	for i := range 5000 {
		u := ubuntu
		u.Image = fmt.Sprintf("Image %04d", i)
		rep.Updates = append(rep.Updates, u)
	}
	path := filepath.Join(t.TempDir(), "summary")
	if err := os.WriteFile(path, []byte("# an earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := Detect(envOf(map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": path}))
	r.Secrets = []string{"ghs_SECRETvalue"}
	full := report.Summary(rep, errors.New("push with ghs_SECRETvalue: denied"))
	if len(full) <= MaxSummary {
		t.Fatalf("test report too small: %d bytes", len(full))
	}
	if err := r.AppendSummary(full); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	got := strings.TrimPrefix(string(data), "# an earlier step\n")
	if len(got) == len(data) {
		t.Fatal("the earlier step's summary was overwritten")
	}
	if len(got) > MaxSummary {
		t.Errorf("summary is %d bytes, cap %d", len(got), MaxSummary)
	}
	if !strings.HasSuffix(got, cutNote) {
		t.Errorf("a cut summary does not say so: ...%q", got[len(got)-200:])
	}
	for _, line := range strings.Split(strings.TrimSuffix(strings.TrimSuffix(got, cutNote), "\n"), "\n") {
		if strings.HasPrefix(line, "| Image ") && !strings.HasSuffix(line, "|") {
			t.Fatalf("a table row was cut in half: %q", line)
		}
	}
	if strings.Contains(got, "ghs_SECRETvalue") || !strings.Contains(got, "push with ***: denied") {
		t.Errorf("the error is not redacted: %q", got[:200])
	}

	if got := capSummary("short", 100); got != "short" {
		t.Errorf("capSummary changed a short summary: %q", got)
	}
}

func TestOutputs(t *testing.T) {
	rep := newReport()
	rep.Updates = []report.Update{ubuntu}
	rep.Failures = []report.Failure{failure, failure}
	rep.PullRequest = &report.PullRequest{Number: 7, URL: "https://github.com/osism/catalog/pull/7", Branch: "image-crawler/updates", Operation: "created",
		HeadSHA: "0123456789abcdef0123456789abcdef01234567"}
	rep.Written, rep.Pushed = []string{"etc/images/ubuntu.yml"}, true
	stopped := &report.Report{Written: []string{}, NotWritten: []string{"etc/images/ubuntu.yml"},
		Interrupted: &report.Interrupted{Reason: "SIGINT", Phase: "crawling"}}
	tests := []struct {
		name string
		rep  *report.Report
		want map[string]string
		n    int // updates in the JSON list
	}{
		{"created", rep, map[string]string{"pull-request-number": "7", "pull-request-url": "https://github.com/osism/catalog/pull/7",
			"pull-request-operation": "created", "pull-request-branch": "image-crawler/updates", "failures": "2",
			"pull-request-head-sha": "0123456789abcdef0123456789abcdef01234567",
			"written":               `["etc/images/ubuntu.yml"]`, "pushed": "true", "interrupted": ""}, 1},
		{"dry run", &report.Report{DryRun: true}, map[string]string{"pull-request-number": "", "pull-request-url": "",
			"pull-request-operation": "none", "pull-request-branch": "", "pull-request-head-sha": "", "failures": "0",
			"written": "[]", "pushed": "false", "interrupted": ""}, 0},
		{"interrupted", stopped, map[string]string{"pull-request-number": "", "pull-request-url": "",
			"pull-request-operation": "none", "pull-request-branch": "", "pull-request-head-sha": "", "failures": "0",
			"written": "[]", "pushed": "false", "interrupted": "SIGINT"}, 0},
		{"no report", nil, map[string]string{"pull-request-number": "", "pull-request-url": "",
			"pull-request-operation": "none", "pull-request-branch": "", "pull-request-head-sha": "", "failures": "0",
			"written": "[]", "pushed": "false", "interrupted": ""}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outs, err := Outputs(tt.rep)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, o := range outs {
				got[o.Name] = o.Value
			}
			var updates []report.Update
			if err := json.Unmarshal([]byte(got["updates"]), &updates); err != nil || updates == nil || len(updates) != tt.n {
				t.Errorf("updates %q: %v", got["updates"], err)
			}
			delete(got, "updates")
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("outputs %v", got)
			}
		})
	}
}

func TestAnnotate(t *testing.T) {
	rep := newReport()
	rep.Updates = []report.Update{ubuntu, respin}
	rep.Failures = []report.Failure{failure}
	rep.Warnings = []string{"signature verification is off"}
	var b bytes.Buffer
	if err := Annotate(&b, rep); err != nil {
		t.Fatal(err)
	}
	want := "::error title=image-crawler%3A Rocky 9 failed::GET https://dl.rockylinux.org/pub/rocky/9/images/x86_64/CHECKSUM: 503 Service Unavailable%0A<html>|*_[x](y)`\n" +
		"::warning title=image-crawler%3A respin of Debian 12 20250210-2019::Upstream replaced the published build 20250210-2019 of Debian 12: checksum " +
		respin.PreviousChecksum + " is now " + respin.Checksum + ". Check upstream's announcement before merging.\n" +
		"::warning title=image-crawler::signature verification is off\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := Annotate(&b, nil); err != nil || b.Len() != 0 {
		t.Errorf("no report: %q %v", b.String(), err)
	}
}
