package upstream

import "testing"

func TestArchiveURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://dl.rockylinux.org/pub/rocky/9.5/images/x86_64/Rocky-9-GenericCloud-Base-9.5-20241118.0.x86_64.qcow2",
			"https://dl.rockylinux.org/vault/rocky/9.5/images/x86_64/Rocky-9-GenericCloud-Base-9.5-20241118.0.x86_64.qcow2"},
		{"https://download.rockylinux.org/pub/rocky/8.9/images/aarch64/x.qcow2",
			"https://dl.rockylinux.org/vault/rocky/8.9/images/aarch64/x.qcow2"},
		{"https://dl.rockylinux.org/vault/rocky/9.5/images/x86_64/x.qcow2", ""},
		{"https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/x.qcow2", ""},
		{"not a url", ""},
	}
	for _, tt := range tests {
		got, ok := ArchiveURL(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ArchiveURL(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}
