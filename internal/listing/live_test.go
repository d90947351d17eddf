package listing

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The listing parser is proven against the real servers here, not only
// against the test mirror's imitations: a tree of long, short and oddly named
// files and directories is served by real nginx (autoindex on) and real
// Apache httpd (mod_autoindex, FancyIndexing and HTMLTable), bound to
// 127.0.0.1 on free ports, and every entry must be read back exactly. .ci/run
// installs both from Debian's packages; without them the test skips, except
// under CI (CI=true), where it fails.

// liveFiles and liveDirs are the tree below /pub/. Names longer than 50 bytes
// make nginx cut the link text (one of them in the middle of a UTF-8
// character); Apache FancyIndexing cuts at 23. Every character that a server
// must escape in an href is in some name.
var (
	liveFiles = []string{
		"a",
		"SHA256SUMS",
		"nocloud_alpine-3.23.4-x86_64-bios-cloudinit-r0.qcow2.sha512",
		strings.Repeat("long-name-", 12) + "end.qcow2",
		"with space.img",
		"100%.txt",
		"%41%2F.txt",
		"c++ & more.img",
		"#hash#.txt",
		"what?.txt",
		"semi;colon=eq.txt",
		"a:b.txt",
		"it's (1).txt",
		`say "hi".txt`,
		"<tag>.txt",
		"~tilde$dollar!bang*star",
		"ünïcødé-€.img",
		"日本語のファイル名は長くなることがあるので五十バイトを超えるかを確かめる.img",
	}
	liveDirs = []string{
		"release-20260705",
		"dir with space",
		strings.Repeat("d", 60),
		"v3.23",
		"ünï dir&co",
	}
)

func TestListingLiveServers(t *testing.T) {
	www := liveTree(t)
	servers := []struct {
		name  string
		start func(t *testing.T, www string) string
	}{
		{"nginx autoindex", startNginx},
		{"Apache FancyIndexing", func(t *testing.T, www string) string {
			return startApache(t, www, "FancyIndexing")
		}},
		{"Apache FancyIndexing HTMLTable", func(t *testing.T, www string) string {
			return startApache(t, www, "FancyIndexing HTMLTable")
		}},
		{"Apache FancyIndexing HTMLTable NameWidth=*", func(t *testing.T, www string) string {
			return startApache(t, www, "FancyIndexing HTMLTable NameWidth=* SuppressDescription")
		}},
	}
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			t.Parallel()
			base := srv.start(t, www)
			checkLiveListing(t, base+"/pub/", liveFiles, liveDirs)
			// A directory whose own name needs escaping, listed through the
			// href the parent gave for it.
			checkLiveListing(t, base+"/pub/"+url.PathEscape("ünï dir&co")+"/", []string{"inner file.txt"}, nil)
		})
	}
}

// checkLiveListing fetches the listing at dir and requires exactly the
// given entries, then follows every entry's URL: a file must answer with
// its own name (its content), a directory with a listing.
func checkLiveListing(t *testing.T, dir string, files, dirs []string) {
	t.Helper()
	body := liveGet(t, dir)
	base, err := url.Parse(dir)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := Parse(strings.NewReader(body), base)
	if err != nil {
		t.Fatalf("parse %s: %v", dir, err)
	}
	var got, want []string
	for _, e := range entries {
		got = append(got, liveKey(e.Name, e.Dir))
	}
	for _, f := range files {
		want = append(want, liveKey(f, false))
	}
	for _, d := range dirs {
		want = append(want, liveKey(d, true))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("listing %s read back as\n  %s\nwant\n  %s\npage:\n%s", dir, strings.Join(got, "\n  "), strings.Join(want, "\n  "), body)
	}
	for _, e := range entries {
		page := liveGet(t, e.URL.String())
		if !e.Dir && page != e.Name {
			t.Errorf("%s (href of %q) serves %q", e.URL, e.Name, page)
		}
		if e.Dir && !strings.Contains(page, "Index of") {
			t.Errorf("%s (href of directory %q) is not a listing:\n%s", e.URL, e.Name, page)
		}
	}
}

func liveKey(name string, dir bool) string {
	if dir {
		return fmt.Sprintf("%q/", name)
	}
	return fmt.Sprintf("%q", name)
}

func liveGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%s", u, resp.Status, b)
	}
	return string(b)
}

// liveTree writes the tree into a fresh directory readable by the servers'
// unprivileged workers, and returns the directory.
func liveTree(t *testing.T) string {
	t.Helper()
	www := t.TempDir()
	pub := filepath.Join(www, "pub")
	write := func(dir, name string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(pub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range liveFiles {
		write(pub, f)
	}
	for _, d := range liveDirs {
		if err := os.Mkdir(filepath.Join(pub, d), 0o755); err != nil {
			t.Fatal(err)
		}
		write(filepath.Join(pub, d), "inner file.txt")
	}
	// t.TempDir makes its directories private to the test's user; nginx and
	// Apache serve as another user when the test runs as root.
	for _, d := range []string{www, filepath.Dir(www)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return www
}

// liveBinary finds a server binary, or skips (fails under CI) without it.
func liveBinary(t *testing.T, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	liveMissing(t, "none of %s is installed", strings.Join(names, ", "))
	return ""
}

func liveMissing(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...) + ": install nginx-light and apache2 (Debian; .ci/run does) to prove the listing parser against the real servers"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func startNginx(t *testing.T, www string) string {
	bin := liveBinary(t, "nginx", "/usr/sbin/nginx")
	dir := t.TempDir()
	port := freePort(t)
	conf := fmt.Sprintf(`worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    types { text/plain txt; }
    default_type application/octet-stream;
    server {
        listen 127.0.0.1:%[2]d;
        root %[3]s;
        location / { autoindex on; }
    }
}
`, dir, port, www)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", path, "-g", "daemon off;")
	return liveStart(t, cmd, port, filepath.Join(dir, "error.log"))
}

// apacheModules are where Debian (and others) keep httpd's modules.
var apacheModules = []string{"/usr/lib/apache2/modules", "/usr/lib64/httpd/modules", "/usr/lib/httpd/modules"}

func startApache(t *testing.T, www, indexOptions string) string {
	bin := liveBinary(t, "apache2", "/usr/sbin/apache2", "httpd", "/usr/sbin/httpd")
	var mods string
	for _, d := range apacheModules {
		if _, err := os.Stat(filepath.Join(d, "mod_autoindex.so")); err == nil {
			mods = d
			break
		}
	}
	if mods == "" {
		liveMissing(t, "mod_autoindex.so is in none of %s", strings.Join(apacheModules, ", "))
	}
	dir := t.TempDir()
	port := freePort(t)
	run := filepath.Join(dir, "run")
	if err := os.Mkdir(run, 0o755); err != nil {
		t.Fatal(err)
	}
	// Apache refuses to serve as root: as root, it serves as an
	// unprivileged user; otherwise as whoever runs the test.
	var who string
	if os.Geteuid() == 0 {
		u, g := "nobody", "nogroup"
		if _, err := user.Lookup("www-data"); err == nil {
			u = "www-data"
		}
		if _, err := user.LookupGroup("www-data"); err == nil {
			g = "www-data"
		}
		who = "User " + u + "\nGroup " + g + "\n"
	}
	mimeTypes := "/etc/mime.types"
	if _, err := os.Stat(mimeTypes); err != nil {
		mimeTypes = filepath.Join(dir, "mime.types")
		if err := os.WriteFile(mimeTypes, []byte("text/plain txt\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	conf := fmt.Sprintf(`ServerRoot "%[1]s"
ServerName 127.0.0.1
Listen 127.0.0.1:%[2]d
PidFile "%[1]s/httpd.pid"
ErrorLog "%[1]s/error.log"
LogLevel warn
DefaultRuntimeDir "%[3]s"
Mutex file:%[3]s default
LoadModule mpm_event_module %[4]s/mod_mpm_event.so
LoadModule authz_core_module %[4]s/mod_authz_core.so
LoadModule mime_module %[4]s/mod_mime.so
LoadModule dir_module %[4]s/mod_dir.so
LoadModule autoindex_module %[4]s/mod_autoindex.so
%[5]sTypesConfig "%[6]s"
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MaxRequestWorkers 8
DocumentRoot "%[7]s"
<Directory "%[7]s">
    Options +Indexes
    Require all granted
    IndexOptions %[8]s
</Directory>
`, dir, port, run, mods, who, mimeTypes, www, indexOptions)
	path := filepath.Join(dir, "httpd.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-f", path, "-DFOREGROUND")
	// Debian's apache2 reads these from /etc/apache2/envvars through
	// apache2ctl; the configuration above names every path itself.
	cmd.Env = append(os.Environ(), "APACHE_RUN_DIR="+run, "APACHE_PID_FILE="+filepath.Join(dir, "httpd.pid"),
		"APACHE_LOCK_DIR="+run, "APACHE_LOG_DIR="+dir)
	return liveStart(t, cmd, port, filepath.Join(dir, "error.log"))
}

// liveStart runs a server until the test ends and waits until it answers on
// port. A server that exits or never answers fails the test with its log.
func liveStart(t *testing.T, cmd *exec.Cmd, port int, logFile string) string {
	t.Helper()
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	// Its own process group, so that ending it ends its workers too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	fail := func(why string) {
		log, _ := os.ReadFile(logFile)
		t.Fatalf("%s %s: %s\noutput:\n%s\nlog:\n%s", cmd.Path, strings.Join(cmd.Args[1:], " "), why, out.String(), log)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			return base
		}
		select {
		case err := <-exited:
			fail(fmt.Sprintf("exited before answering: %v", err))
		case <-ctx.Done():
			fail("did not answer within 20s: " + err.Error())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
