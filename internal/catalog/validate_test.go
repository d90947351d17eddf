package catalog

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/osism/image-crawler/internal/testenv/golden"
)

func TestValidateRealFiles(t *testing.T) {
	t.Parallel()
	c, err := Load("testdata/osism")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Files) != 9 {
		t.Fatalf("%d files", len(c.Files))
	}
	if errs := c.Validate(); len(errs) > 0 {
		t.Errorf("the image manager's own files fail: %v", errs)
	}
}

// doc is a catalog file with one valid image. Each override sets a key of the
// image, its meta or its version ("image.key", "meta.key", "version.key") to
// a YAML value, or removes it ("-").
func doc(overrides ...string) string {
	type kv struct{ k, v string }
	image := []kv{{"name", "Test"}, {"enable", "true"}, {"format", "qcow2"}, {"login", "ubuntu"},
		{"min_disk", "8"}, {"min_ram", "512"}, {"status", "active"}, {"visibility", "public"},
		{"multi", "true"}, {"meta", ""}, {"tags", "[]"}, {"versions", ""}}
	meta := []kv{{"architecture", "x86_64"}, {"hw_disk_bus", "scsi"}, {"hypervisor_type", "qemu"},
		{"os_distro", "ubuntu"}, {"os_purpose", "generic"}, {"replace_frequency", "never"},
		{"uuid_validity", "none"}, {"provided_until", "none"}}
	version := []kv{{"version", "'20260705'"}, {"url", "https://example.org/test.img"}, {"build_date", "2026-07-05"}}
	set := func(m []kv, k, v string) []kv {
		for i := range m {
			if m[i].k == k {
				if v == "-" {
					return append(m[:i], m[i+1:]...)
				}
				m[i].v = v
				return m
			}
		}
		return append(m, kv{k, v})
	}
	for _, o := range overrides {
		path, v, _ := strings.Cut(o, "=")
		level, k, _ := strings.Cut(path, ".")
		switch level {
		case "image":
			image = set(image, k, v)
		case "meta":
			meta = set(meta, k, v)
		case "version":
			version = set(version, k, v)
		}
	}
	var b strings.Builder
	b.WriteString("---\nimages:\n")
	for i, e := range image {
		lead := "    "
		if i == 0 {
			lead = "  - "
		}
		switch {
		case e.k == "meta" && e.v == "":
			b.WriteString(lead + "meta:\n")
			for _, m := range meta {
				fmt.Fprintf(&b, "      %s: %s\n", m.k, m.v)
			}
		case e.k == "versions" && e.v == "":
			b.WriteString(lead + "versions:\n")
			for j, m := range version {
				l := "        "
				if j == 0 {
					l = "      - "
				}
				fmt.Fprintf(&b, "%s%s: %s\n", l, m.k, m.v)
			}
		default:
			fmt.Fprintf(&b, "%s%s: %s\n", lead, e.k, e.v)
		}
	}
	return b.String()
}

func TestValidateSchemaRules(t *testing.T) {
	t.Parallel()
	if errs := Validate("f.yml", []byte(doc())); len(errs) > 0 {
		t.Fatalf("the base document is invalid: %v", errs)
	}
	hex := func(n int) string { return strings.Repeat("0123456789abcdef", 8)[:n] }
	const (
		img = "images[0]."
		met = "images[0].meta."
		ver = "images[0].versions[0]."
	)
	for _, tc := range []struct {
		set  string // see doc
		want string // "" if valid, else an error containing this
	}{
		// images: list(include('image'), min=1)
		{"image.name=Another", ""},
		// enable: bool()
		{"image.enable=yes", ""},
		{"image.enable=Off", ""},
		{"image.enable='true'", img + `enable: expected a bool (true or false), found "true"`},
		{"image.enable=1", img + "enable: expected a bool (true or false), found int 1"},
		{"image.enable=-", img + "enable: required key is missing"},
		{"image.enable=", img + "enable: expected a bool (true or false), found null"},
		// format: enum(...)
		{"image.format=raw", ""},
		{"image.format=qcow", img + `format: "qcow" is not one of aki, ari, ami, raw, iso, vhd, vdi, qcow2, vmdk`},
		{"image.format=QCOW2", img + `format: "QCOW2" is not one of`},
		// latest_checksum_url: regex(^https?://\w+.*, required=False)
		{"image.latest_checksum_url=https://example.org/SHA256SUMS", ""},
		{"image.latest_checksum_url=", ""},
		{"image.latest_checksum_url=ftp://example.org/SHA256SUMS", img + `latest_checksum_url: "ftp://example.org/SHA256SUMS" is not a valid URL`},
		{"image.latest_checksum_url=5", img + "latest_checksum_url: expected a string (a valid URL), found int 5 (quote it: '5')"},
		// latest_url: regex(^(http|ftp)s?://\w+.*, required=False)
		{"image.latest_url=ftps://example.org/a.img", ""},
		{"image.latest_url=file:///srv/a.img", img + `latest_url: "file:///srv/a.img" is not a valid URL`},
		// login: str()
		{"image.login='123'", ""},
		{"image.login=123", img + "login: expected a string, found int 123 (quote it: '123')"},
		{"image.login=-", img + "login: required key is missing"},
		// meta: include('meta', required=True)
		{"image.meta=-", img + "meta: required key is missing"},
		{"image.meta=~", img + "meta: expected a mapping, found null"},
		{"image.meta=[]", img + "meta: expected a mapping, found a list"},
		// min_disk: int(min=0)
		{"image.min_disk=0", ""},
		{"image.min_disk=0x10", ""},
		{"image.min_disk=1_000", ""},
		{"image.min_disk=010", ""},
		{"image.min_disk=-1", img + "min_disk: -1 is less than 0"},
		{"image.min_disk='8'", img + `min_disk: expected an int, found "8"`},
		{"image.min_disk=8.0", img + "min_disk: expected an int, found float 8.0"},
		{"image.min_disk=yes", img + "min_disk: expected an int, found bool yes"},
		// min_ram: int(min=0)
		{"image.min_ram=512", ""},
		{"image.min_ram=-0x1", img + "min_ram: -1 is less than 0"},
		// multi: bool()
		{"image.multi=false", ""},
		{"image.multi='no'", img + `multi: expected a bool (true or false), found "no"`},
		// keep: bool(required=False)
		{"image.keep=true", ""},
		{"image.keep=maybe", img + `keep: expected a bool (true or false), found "maybe"`},
		// name: str()
		{"image.name=2024", img + "name: expected a string, found int 2024 (quote it: '2024')"},
		{"image.name=-", img + "name: required key is missing"},
		// password: str(required=False)
		{"image.password=gocubsgo", ""},
		{"image.password=~", ""},
		{"image.password=1234", img + "password: expected a string, found int 1234"},
		// shortname: str(required=False)
		{"image.shortname=ubuntu-24.04", ""},
		{"image.shortname=24.04", img + "shortname: expected a string, found float 24.04 (quote it: '24.04')"},
		// status: enum('active', 'deactivated')
		{"image.status=deactivated", ""},
		{"image.status=inactive", img + `status: "inactive" is not one of active, deactivated`},
		// separator: str(required=False)
		{"image.separator='-'", ""},
		{"image.separator=1", img + "separator: expected a string, found int 1"},
		// tags: list(str())
		{"image.tags=[a, 'b']", ""},
		{"image.tags=[a, 1]", img + "tags[1]: expected a string, found int 1"},
		{"image.tags=[~]", img + "tags[0]: expected a string, found null"},
		{"image.tags=a", img + `tags: expected a list, found "a"`},
		{"image.tags=", img + "tags: expected a list, found null"},
		// versions: list(include('versions'))
		{"image.versions=[]", ""},
		{"image.versions=[1]", img + "versions[0]: expected a mapping, found int 1"},
		{"image.versions=~", img + "versions: expected a list, found null"},
		// visibility: enum('public', 'private', 'community', 'shared')
		{"image.visibility=community", ""},
		{"image.visibility=hidden", img + `visibility: "hidden" is not one of public, private, community, shared`},
		// strict: no other keys
		{"image.enabled=true", img + "enabled: unexpected key (the schema does not allow it)"},
		{"image.on=true", img + "on: unexpected key"},

		// meta: architecture: enum('x86_64', 'aarch64', 'risc-v')
		{"meta.architecture=aarch64", ""},
		{"meta.architecture=arm64", met + `architecture: "arm64" is not one of x86_64, aarch64, risc-v`},
		{"meta.architecture=-", met + "architecture: required key is missing"},
		// hotfix_hours: int(min=0, required=False)
		{"meta.hotfix_hours=0", ""},
		{"meta.hotfix_hours=-1", met + "hotfix_hours: -1 is less than 0"},
		// hw_disk_bus: enum('virtio', 'scsi', None)
		{"meta.hw_disk_bus=virtio", ""},
		{"meta.hw_disk_bus=", ""},
		{"meta.hw_disk_bus=null", ""},
		{"meta.hw_disk_bus=ide", met + `hw_disk_bus: "ide" is not one of virtio, scsi, null`},
		{"meta.hw_disk_bus='null'", met + `hw_disk_bus: "null" is not one of virtio, scsi, null`},
		{"meta.hw_disk_bus=-", met + "hw_disk_bus: required key is missing"},
		// hw_firmware_type: enum('uefi', None, required=False)
		{"meta.hw_firmware_type=uefi", ""},
		{"meta.hw_firmware_type=~", ""},
		{"meta.hw_firmware_type=bios", met + `hw_firmware_type: "bios" is not one of uefi, null`},
		// hw_machine_type: enum('pc', 'q35', 'virt', None, required=False)
		{"meta.hw_machine_type=q35", ""},
		{"meta.hw_machine_type=i440fx", met + `hw_machine_type: "i440fx" is not one of pc, q35, virt, null`},
		// hw_rng_model: enum('virtio', None, required=False)
		{"meta.hw_rng_model=virtio", ""},
		{"meta.hw_rng_model=random", met + `hw_rng_model: "random" is not one of virtio, null`},
		// hw_scsi_model: enum('virtio-scsi', required=False)
		{"meta.hw_scsi_model=virtio-scsi", ""},
		{"meta.hw_scsi_model=~", ""},
		{"meta.hw_scsi_model=lsilogic", met + `hw_scsi_model: "lsilogic" is not one of virtio-scsi`},
		// hw_vif_multiqueue_enabled: bool(required=False)
		{"meta.hw_vif_multiqueue_enabled=true", ""},
		{"meta.hw_vif_multiqueue_enabled='true'", met + `hw_vif_multiqueue_enabled: expected a bool`},
		// hw_watchdog_action: enum(..., 'none', required=False)
		{"meta.hw_watchdog_action=none", ""},
		{"meta.hw_watchdog_action=reset", ""},
		{"meta.hw_watchdog_action=explode", met + `hw_watchdog_action: "explode" is not one of disabled, reset, poweroff, pause, none`},
		// hypervisor_type: enum(...)
		{"meta.hypervisor_type=xen", ""},
		{"meta.hypervisor_type=kvm", met + `hypervisor_type: "kvm" is not one of hyperv, ironic, lxc, qemu, uml, vmware, xen`},
		// image_description: str(required=False)
		{"meta.image_description=Ubuntu for servers", ""},
		{"meta.image_description=1", met + "image_description: expected a string, found int 1"},
		// os_distro: enum(...)
		{"meta.os_distro=talos", ""},
		{"meta.os_distro=foo", met + `os_distro: "foo" is not one of arch, centos, cirros, debian, fedora, freebsd, gentoo, mandrake, mandriva, mes, msdos, netbsd, netware, openbsd, opensolaris, opensuse, rhel, rocky, sled, talos, ubuntu, windows`},
		// os_version: str(required=False)
		{"meta.os_version='24.04'", ""},
		{"meta.os_version=24.04", met + "os_version: expected a string, found float 24.04 (quote it: '24.04')"},
		{"meta.os_version=12", met + "os_version: expected a string, found int 12"},
		// os_purpose: enum(...)
		{"meta.os_purpose=k8snode", ""},
		{"meta.os_purpose=server", met + `os_purpose: "server" is not one of generic, minimal, k8snode, gpu, network, custom`},
		// patchlevel: str(required=False)
		{"meta.patchlevel='1'", ""},
		{"meta.patchlevel=1", met + "patchlevel: expected a string, found int 1"},
		// provided_until: any(enum('none'), day())
		{"meta.provided_until=2030-04-01", ""},
		{"meta.provided_until=2030-04-01 12:00:00", ""}, // a datetime is a date to Python
		{"meta.provided_until='2030-04-01'", met + `provided_until: expected one of none, or a date (YYYY-MM-DD, unquoted); found "2030-04-01" (a quoted date is a string: remove the quotes)`},
		{"meta.provided_until=never", met + `provided_until: expected one of none, or a date (YYYY-MM-DD, unquoted); found "never"`},
		{"meta.provided_until=~", met + "provided_until: expected one of none, or a date (YYYY-MM-DD, unquoted); found null"},
		{"meta.provided_until=-", met + "provided_until: required key is missing"},
		// replace_frequency: enum(...)
		{"meta.replace_frequency=critical_bug", ""},
		{"meta.replace_frequency=hourly", met + `replace_frequency: "hourly" is not one of yearly, quarterly, monthly, weekly, daily, critical_bug, never`},
		// uuid_validity: any(enum('none', 'forever', 'notice'), str(starts_with='last-'), day())
		{"meta.uuid_validity=forever", ""},
		{"meta.uuid_validity=notice", ""},
		{"meta.uuid_validity=last-3", ""},
		{"meta.uuid_validity=last-", ""},
		{"meta.uuid_validity=2030-01-01", ""},
		{"meta.uuid_validity=lost-3", met + `uuid_validity: expected one of none, forever, notice, or a string starting with "last-", or a date (YYYY-MM-DD, unquoted); found "lost-3"`},
		{"meta.uuid_validity=3", met + "uuid_validity: expected one of none, forever, notice, or a string starting with \"last-\", or a date (YYYY-MM-DD, unquoted); found int 3"},
		{"meta.uuid_validity=", met + "uuid_validity: expected one of"},
		{"meta.foo=bar", met + "foo: unexpected key"},

		// versions: build_date: any(day(), timestamp())
		{"version.build_date=2026-07-05T10:20:30Z", ""},
		{"version.build_date=2026-07-05 10:20:30.5 +02:00", ""},
		{"version.build_date='2026-07-05'", ver + `build_date: expected a date (YYYY-MM-DD, unquoted), or a timestamp (YYYY-MM-DD HH:MM:SS, unquoted); found "2026-07-05" (a quoted date is a string: remove the quotes)`},
		{"version.build_date=20260705", ver + "build_date: expected a date (YYYY-MM-DD, unquoted), or a timestamp (YYYY-MM-DD HH:MM:SS, unquoted); found int 20260705"},
		{"version.build_date=2026-7-5", ver + `build_date: expected a date`},
		{"version.build_date=-", ver + "build_date: required key is missing"},
		// checksum: regex(\w+:([a-f0-9]{32}|{40}|{64}|{128})$, required=False)
		{"version.checksum=sha256:" + hex(64), ""},
		{"version.checksum=\"sha256:" + hex(64) + "\"", ""},
		{"version.checksum=sha512:" + hex(128), ""},
		{"version.checksum=md5:" + hex(32), ""},
		{"version.checksum=sha1:" + hex(40), ""},
		{"version.checksum=\"sha256:" + hex(64) + "\\n\"", ""}, // Python's $ matches before a final newline
		{"version.checksum=sha256:" + hex(63), ver + `checksum: "sha256:` + hex(63) + `" is not a valid checksum`},
		{"version.checksum=sha256:" + strings.ToUpper(hex(64)), ver + "checksum: \"sha256:" + strings.ToUpper(hex(64)) + "\" is not a valid checksum"},
		{"version.checksum=" + hex(64), ver + `checksum: "` + hex(64) + `" is not a valid checksum`},
		{"version.checksum=sha256:" + hex(64) + "0", ver + "checksum: "},
		{"version.checksum=\"sha256:" + hex(64) + "\\n\\n\"", ver + "checksum: "},
		// checksum_url, checksums_url: regex(^https?://\w+.*, required=False)
		{"version.checksum_url=https://example.org/SHA256SUMS", ""},
		{"version.checksum_url=ftp://example.org/SHA256SUMS", ver + "checksum_url: \"ftp://example.org/SHA256SUMS\" is not a valid URL"},
		{"version.checksums_url=http://example.org/SHA256SUMS", ""},
		{"version.checksums_url=http:/example.org", ver + "checksums_url: \"http:/example.org\" is not a valid URL"},
		// hidden: bool(required=False)
		{"version.hidden=true", ""},
		{"version.hidden='yes'", ver + `hidden: expected a bool (true or false), found "yes"`},
		// image_description: str(required=False)
		{"version.image_description=Release notes", ""},
		{"version.image_description=2026-07-05", ver + "image_description: expected a string, found date 2026-07-05 (quote it: '2026-07-05')"},
		// meta: include('meta', required=False)
		{"version.meta=", ""},
		{"version.meta={architecture: x86_64, hw_disk_bus: ~, hypervisor_type: qemu, os_distro: ubuntu, os_purpose: gpu, replace_frequency: never, uuid_validity: none, provided_until: none}", ""},
		{"version.meta={architecture: arm, hw_disk_bus: ~, hypervisor_type: qemu, os_distro: ubuntu, os_purpose: gpu, replace_frequency: never, uuid_validity: none, provided_until: none}", ver + `meta.architecture: "arm" is not one of`},
		{"version.meta={}", ver + "meta.architecture: required key is missing"},
		// os_version: str(required=False)
		{"version.os_version='24.04.1'", ""},
		{"version.os_version=24.04", ver + "os_version: expected a string, found float 24.04"},
		// source: regex(^(http|ftp)s?://\w+.*|^private$, required=False)
		{"version.source=private", ""},
		{"version.source=https://example.org/", ""},
		{"version.source=privately", ver + `source: "privately" is not a valid URL or private`},
		// url: regex(^(http|ftp)s?://\w+.*|^(file:|file:///)\w+.*)
		{"version.url=file:///srv/images/a.img", ""},
		{"version.url=file:a.img", ""},
		{"version.url=https://ünïcode.example/a.img", ""}, // Python's \w is Unicode
		{"version.url=https://-example.org/a.img", ver + `url: "https://-example.org/a.img" is not a valid URL`},
		{"version.url=s3://bucket/a.img", ver + `url: "s3://bucket/a.img" is not a valid URL`},
		{"version.url=-", ver + "url: required key is missing"},
		// mirror_url: same, required=False
		{"version.mirror_url=https://mirror.example.org/a.img", ""},
		{"version.mirror_url=gopher://example.org/a.img", ver + `mirror_url: "gopher://example.org/a.img" is not a valid URL`},
		// version: str()
		{"version.version=0.6.2", ""},
		{"version.version=\"20230402\"", ""},
		{"version.version=20230402", ver + "version: expected a string, found int 20230402 (quote it: '20230402')"},
		{"version.version=1.5", ver + "version: expected a string, found float 1.5 (quote it: '1.5')"},
		{"version.version=2026-07-05", ver + "version: expected a string, found date 2026-07-05"},
		{"version.version=yes", ver + "version: expected a string, found bool yes"},
		{"version.version=-", ver + "version: required key is missing"},
		// visibility: enum(..., required=False)
		{"version.visibility=private", ""},
		{"version.visibility=secret", ver + `visibility: "secret" is not one of public, private, community, shared`},
		// id: regex(uuid, required=False)
		{"version.id=0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9", ""},
		{"version.id=0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9", ver + `id: "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9" is not a UUID`},
		{"version.id=0a1b2c3d4e5f607182 93a4b5c6d7e8f9", ver + "id: "},
		{"version.sha256=abc", ver + "sha256: unexpected key"},
	} {
		t.Run(tc.set, func(t *testing.T) {
			errs := Validate("f.yml", []byte(doc(tc.set)))
			if tc.want == "" {
				if len(errs) > 0 {
					t.Fatalf("valid, but: %v", errs)
				}
				return
			}
			if len(errs) == 0 {
				t.Fatalf("no error, want %q", tc.want)
			}
			found := false
			for _, err := range errs {
				s := err.Error()
				if !strings.HasPrefix(s, "f.yml:") {
					t.Errorf("%q does not name the file", s)
				}
				found = found || strings.Contains(s, ": "+tc.want)
			}
			if !found {
				t.Errorf("errors %v\nwant one containing %q", errs, tc.want)
			}
		})
	}
}

func TestValidateErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	data := []byte(doc("meta.os_distro=foo", "version.version=20230402"))
	got := fmt.Sprint(Validate("ubuntu.yml", data))
	want := `[ubuntu.yml:16: images[0].meta.os_distro: "foo" is not one of arch, centos, cirros, debian, fedora, freebsd, gentoo, mandrake, mandriva, mes, msdos, netbsd, netware, openbsd, opensolaris, opensuse, rhel, rocky, sled, talos, ubuntu, windows` +
		` ubuntu.yml:23: images[0].versions[0].version: expected a string, found int 20230402 (quote it: '20230402')]`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	lines := strings.Split(string(data), "\n")
	if !strings.Contains(lines[15], "os_distro: foo") || !strings.Contains(lines[22], "version: 20230402") {
		t.Errorf("lines 16 and 23 are %q and %q", lines[15], lines[22])
	}
}

func TestValidateWholeFile(t *testing.T) {
	t.Parallel()
	valid := doc()
	item := valid[strings.Index(valid, "  - name:"):]
	for _, tc := range []struct {
		name, data string
		want       []string
	}{
		{"empty file", "", []string{"f.yml: images: required key is missing"}},
		{"empty document", "---\n", []string{"f.yml:1: top level: expected a mapping, found null"}},
		{"comments only", "# nothing\n", []string{"f.yml: images: required key is missing"}},
		{"no images", "---\nfoo: 1\n", []string{"f.yml:2: foo: unexpected key (the schema does not allow it)", "f.yml:2: images: required key is missing"}},
		{"empty images", "images: []\n", []string{"f.yml:1: images: needs at least 1 item(s), found 0"}},
		{"images null", "images:\n", []string{"f.yml:1: images: expected a list, found null"}},
		{"top-level list", "- a\n", []string{"f.yml:1: top level: expected a mapping, found a list"}},
		{"syntax", "images:\n  - name: [a\n", []string{"f.yml:2: did not find expected ',' or ']'"}},
		{"two documents", valid + "---\n" + valid, []string{"f.yml:26: a second YAML document starts here; the image manager reads a single document"}},
		{"impossible date", strings.Replace(valid, "build_date: 2026-07-05", "build_date: 2026-02-30", 1),
			[]string{`f.yml:25: the image manager (PyYAML) cannot load this: "2026-02-30" is not a valid date`}},
		{"impossible time", strings.Replace(valid, "build_date: 2026-07-05", "build_date: 2026-02-03 25:00:00", 1),
			[]string{`f.yml:25: the image manager (PyYAML) cannot load this: "2026-02-03 25:00:00" is not a valid time`}},
		{"year zero", strings.Replace(valid, "build_date: 2026-07-05", "build_date: 0000-01-01", 1),
			[]string{`f.yml:25: the image manager (PyYAML) cannot load this: "0000-01-01" is not a valid date`}},
		{"bad octal-looking int", strings.Replace(valid, "min_disk: 8", "min_disk: 0b_", 1),
			[]string{`f.yml:7: the image manager (PyYAML) cannot load this: "0b_" is not an int`}},
		{"lone =", strings.Replace(valid, "login: ubuntu", "login: =", 1),
			[]string{`f.yml:6: the image manager (PyYAML) cannot load this: could not determine a constructor for the tag 'tag:yaml.org,2002:value' (quote the "=")`}},
		{"unknown tag", strings.Replace(valid, "login: ubuntu", "login: !secret ubuntu", 1),
			[]string{`f.yml:6: the image manager (PyYAML) cannot load this: could not determine a constructor for the tag !secret`}},
		{"binary tag", strings.Replace(valid, "login: ubuntu", "login: !!binary dWJ1bnR1", 1),
			[]string{`f.yml:6: tag !!binary is not supported in a catalog file`}},
		{"unhashable key", strings.Replace(valid, "login: ubuntu", "login: ubuntu\n    ? [a]\n    : b", 1),
			[]string{"f.yml:7: the image manager (PyYAML) cannot load this: found unhashable key"}},
		{"recursive alias", "images: &a\n  - *a\n", []string{"f.yml:1: the image manager (PyYAML) cannot load this: recursive alias"}},
		// PyYAML keeps the last of duplicate keys.
		{"duplicate key, last one valid", strings.Replace(valid, "login: ubuntu", "login: 5\n    login: ubuntu", 1), nil},
		{"duplicate key, last one invalid", strings.Replace(valid, "login: ubuntu", "login: ubuntu\n    login: 5", 1),
			[]string{"f.yml:7: images[0].login: expected a string, found int 5 (quote it: '5')"}},
		// Merge keys and aliases are resolved before the schema applies.
		{"merge key", "images:\n" + strings.Replace(item, "  - name: Test", "  - &first\n    name: Test", 1) + "  - <<: *first\n    name: Second\n", nil},
		{"merge key overridden", "images:\n" + strings.Replace(item, "  - name: Test", "  - &first\n    name: Test", 1) + "  - <<: *first\n    name: Second\n    min_disk: -1\n",
			[]string{"f.yml:28: images[1].min_disk: -1 is less than 0"}},
		{"merge list", "images:\n" + strings.Replace(item, "  - name: Test", "  - &first\n    name: Test", 1) + "  - <<: [{name: X}, *first]\n", nil},
		{"merge of a scalar", "images:\n  - <<: 5\n", []string{"f.yml:2: the image manager (PyYAML) cannot load this: expected a mapping or list of mappings for merging"}},
		{"quoted merge key is a key", "images:\n" + strings.Replace(item, "  - name: Test", "  - '<<': {}\n    name: Test", 1),
			[]string{"f.yml:2: images[0].<<: unexpected key (the schema does not allow it)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, err := range Validate("f.yml", []byte(tc.data)) {
				got = append(got, err.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// The negative fixtures: files a person could plausibly write, and what
// the image manager would say about them.
func TestValidateInvalidFixtures(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob("testdata/invalid/*.yml")
	if err != nil || len(paths) == 0 {
		t.Fatal("no fixtures", err)
	}
	var out bytes.Buffer
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		errs := Validate(filepath.Base(p), data)
		if len(errs) == 0 {
			t.Errorf("%s: validates", p)
		}
		for _, e := range errs {
			fmt.Fprintln(&out, e)
		}
	}
	golden.Assert(t, "testdata/golden/invalid.txt", out.Bytes())
}

// TestResolveLikePyYAML pins the YAML 1.1 typing of plain scalars.
func TestResolveLikePyYAML(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ yaml, want string }{
		{"yes", "True"}, {"Yes", "True"}, {"YES", "True"}, {"yEs", `str("yEs")`},
		{"no", "False"}, {"on", "True"}, {"Off", "False"}, {"y", `str("y")`}, {"n", `str("n")`},
		{"true", "True"}, {"False", "False"}, {"tRue", `str("tRue")`},
		{"", "None"}, {"~", "None"}, {"null", "None"}, {"Null", "None"}, {"NULL", "None"}, {"nULL", `str("nULL")`}, {"None", `str("None")`},
		{"0", "int(0)"}, {"-0", "int(0)"}, {"+7", "int(7)"}, {"20230402", "int(20230402)"},
		{"1_000", "int(1000)"}, {"0x1F", "int(31)"}, {"0x_1f", "int(31)"}, {"-0x10", "int(-16)"},
		{"017", "int(15)"}, {"0o17", `str("0o17")`}, {"08", `str("08")`}, {"0b101", "int(5)"},
		{"1:30", "int(90)"}, {"-1:00:00", "int(-3600)"}, {"1:60", `str("1:60")`},
		{"1.5", "float(1.5)"}, {"1.", "float(1.)"}, {".5", "float(.5)"}, {"+.5", `str("+.5")`},
		{"1e5", `str("1e5")`}, {"1.0e+5", "float(1.0e+5)"}, {"1.0e5", `str("1.0e5")`}, {"1_0.5", "float(1_0.5)"},
		{".inf", "float(.inf)"}, {"-.Inf", "float(-.Inf)"}, {".NaN", "float(.NaN)"}, {"-.nan", `str("-.nan")`},
		{"1:30.5", "float(1:30.5)"}, {"0.6.2", `str("0.6.2")`}, {"4230.2.4", `str("4230.2.4")`}, {"24.04", "float(24.04)"},
		{"2026-07-05", "date(2026-07-05)"}, {"2026-7-5", `str("2026-7-5")`},
		{"2026-07-05T10:20:30Z", "datetime(2026-07-05T10:20:30Z)"}, {"2026-07-05 10:20:30", "datetime(2026-07-05 10:20:30)"},
		{"2026-7-5 1:02:03.123 -5", "datetime(2026-7-5 1:02:03.123 -5)"}, {"2026-07-05T10:20", `str("2026-07-05T10:20")`},
		{"2024-02-29", "date(2024-02-29)"},
		{"'yes'", `str("yes")`}, {`"20230402"`, `str("20230402")`}, {"|\n  2026-07-05", `str("2026-07-05\n")`},
		{"!!str 5", `str("5")`}, {"!!int '5'", "int(5)"}, {"!!float 1", "float(1)"}, {"!!bool yes", "True"},
		{"!!null x", "None"}, {"!!timestamp 2026-7-5", "date(2026-7-5)"}, {"! 5", "int(5)"},
		{"<<x", `str("<<x")`}, {"==", `str("==")`}, {"{a: b}", `{str("a"): str("b")}`}, {"[1, yes]", "[int(1), True]"},
	} {
		t.Run(tc.yaml, func(t *testing.T) {
			var n yaml.Node
			if err := yaml.Unmarshal([]byte("v: "+tc.yaml+"\n"), &n); err != nil {
				t.Fatal(err)
			}
			v, err := loadPython(&n)
			if err != nil {
				t.Fatal(err)
			}
			x, _ := v.get("v")
			got := pyDump(x)
			switch x.kind {
			case pyFloat:
				got = "float(" + x.text + ")"
			case pyDate:
				got = "date(" + x.text + ")"
			case pyDateTime:
				got = "datetime(" + x.text + ")"
			}
			if got != tc.want {
				t.Errorf("%s reads as %s, want %s", tc.yaml, got, tc.want)
			}
		})
	}
	for _, bad := range []string{"2026-02-29", "2026-13-01", "2026-07-05 24:00:00", "2026-07-05 10:60:00", "2026-07-05 10:00:60",
		"2026-07-05 10:00:00 +24", "0b_", "0x_", "!!int abc", "!!float x1", "!!bool maybe", "!!timestamp soon", "!!int 08", "!!set {a}", "!!omap []", "!custom x"} {
		t.Run("error "+bad, func(t *testing.T) {
			var n yaml.Node
			if err := yaml.Unmarshal([]byte("v: "+bad+"\n"), &n); err != nil {
				t.Fatal(err)
			}
			if v, err := loadPython(&n); err == nil {
				x, _ := v.get("v")
				t.Errorf("%s loads as %s, want PyYAML's error", bad, pyDump(x))
			}
		})
	}
}

func TestPythonRegexp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, s string
		match      bool
	}{
		{`\w+:x$`, "sha256:x", true},
		{`\w+:x$`, "sha256:x\n", true},    // $ before a final newline
		{`\w+:x$`, "sha256:x\n\n", false}, // but only one
		{`\w+:x$`, "sha256:xy", false},
		{`\w+:x`, " sha256:x", false}, // re.match anchors at the start
		{`\w+:x`, "sha256:xyz", true}, // and not at the end
		{`^https?:\/\/\w+.*`, "https://ñandú.example", true},
		{`^https?:\/\/\w+.*`, "https://①.example", true},
		{`^https?:\/\/\w+.*`, "https://_x", true},
		{`^https?:\/\/\w+.*`, "https://.x", false},
		{`^a|^b$`, "b", true},
		{`^a|^b$`, "bc", false},
		{`[\w.]+$`, "a.b", true},
		{`[$]`, "$", true},
		{`[^$]x`, "ax", true},
		{`\d+$`, "٣", true}, // Arabic-Indic digit: Python's \d is Unicode
		{`a\$`, "a$", true},
	} {
		if got := pythonRegexp(tc.pattern).MatchString(tc.s); got != tc.match {
			t.Errorf("re.match(%q, %q): got %v, want %v", tc.pattern, tc.s, got, tc.match)
		}
	}
}
