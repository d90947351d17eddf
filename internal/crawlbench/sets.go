package crawlbench

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/osism/image-crawler/internal/source"
	"github.com/osism/image-crawler/internal/testenv/layout"
	"github.com/osism/image-crawler/internal/testenv/mirror"
)

// builds every laid-out image has; the last is the latest.
var builds = []string{"20260601", "20260705"}

// synthetic lays out n Ubuntu-style images over hosts mirror listeners
// (each listener is a host of its own for the client's per-host limit) and
// writes a sources file for them.
func synthetic(dir string, n, hosts int, latency time.Duration) (*set, error) {
	if hosts < 1 {
		hosts = 1
	}
	s := &set{name: fmt.Sprintf("synthetic (%d hosts)", hosts), images: n}
	for h := 0; h < hosts; h++ {
		m := mirror.Start()
		m.Latency(latency)
		s.servers = append(s.servers, m)
		s.args = append(s.args, "--mirror", fmt.Sprintf("https://bench-%d.invalid/=%s/", h, m.URL))
	}
	var b strings.Builder
	b.WriteString("version: 1\nimages:\n")
	for i := 0; i < n; i++ {
		h := i % hosts
		name := fmt.Sprintf("img-%04d", i)
		layout.Ubuntu(s.servers[h], "/"+name+"/", name+".img", builds, "")
		fmt.Fprintf(&b, `  - name: Synthetic %04d
    shortname: synthetic-%04d
    file: synthetic-%02d.yml
    type: ubuntu
    arch: x86_64
    upstream: {url: "https://bench-%d.invalid/%s/", checksums: SHA256SUMS, algorithm: sha256, filename: %s.img}
    image:
      format: qcow2
      login: ubuntu
      min_disk: 8
      min_ram: 512
      meta: {architecture: x86_64, hw_disk_bus: scsi, hypervisor_type: qemu, os_distro: ubuntu, os_version: "24.04", os_purpose: generic, replace_frequency: quarterly, uuid_validity: last-3, provided_until: none}
`, i, i, h, h, name, name)
	}
	path := filepath.Join(dir, "synthetic-sources.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return nil, err
	}
	if _, err := source.LoadFile(path); err != nil {
		return nil, fmt.Errorf("synthetic sources: %w", err)
	}
	s.args = append(s.args, "--sources", path)
	// Every synthetic image asks for its files one after the other, in a
	// directory of its own: its chain is its request count. The median is
	// taken, so that a retry the unlimited run provokes (thousands of
	// connections at once) does not pass for a longer chain.
	s.chain = func() int {
		var counts []int
		for i, m := range s.servers {
			perImage := map[string]int{}
			for _, r := range m.Requests() {
				dir, _, _ := strings.Cut(strings.TrimPrefix(r.Path, "/"), "/")
				perImage[fmt.Sprint(i, "/", dir)]++
			}
			for _, n := range perImage {
				counts = append(counts, n)
			}
		}
		if len(counts) == 0 {
			return 0
		}
		slices.Sort(counts)
		return counts[len(counts)/2]
	}
	return s, nil
}

// shipped lays out every image of the built-in sources file on one mirror
// listener per upstream host, as the real hosts publish them.
func shipped(_ string, latency time.Duration) (*set, error) {
	src, err := source.Default()
	if err != nil {
		return nil, err
	}
	site, err := layout.Serve(src, builds, latency)
	if err != nil {
		return nil, err
	}
	s := &set{name: "shipped sources", images: site.Images, servers: site.Servers}
	for _, m := range site.Mirrors {
		s.args = append(s.args, "--mirror", m)
	}
	return s, nil
}
