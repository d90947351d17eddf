package mirror

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// The servers each format imitates, as they sign their pages.
const (
	fancyServer = "Apache/2.4.58 (Ubuntu)"
	tableServer = "Apache/2.4.68 (Unix)"
	nginxServer = "nginx"
)

func serverHeader(f Format) string {
	switch f {
	case HTMLTable:
		return tableServer
	case Nginx:
		return nginxServer
	}
	return fancyServer
}

// renderListing is the autoindex page for dir (ending in "/") as requested
// with the Host header host, which Apache names in its signature.
func renderListing(f Format, dir string, es []entry, host string) []byte {
	var b bytes.Buffer
	switch f {
	case HTMLTable:
		renderTable(&b, dir, es, host)
	case Nginx:
		renderNginx(&b, dir, es)
	default:
		renderFancy(&b, dir, es, host)
	}
	return b.Bytes()
}

// Apache mod_autoindex with IndexOptions FancyIndexing and the stock icons,
// as on cloud-images.ubuntu.com. Names are cut at 23 characters.
func renderFancy(b *bytes.Buffer, dir string, es []entry, host string) {
	const nameWidth = 23
	title := apacheTitle(dir)
	b.WriteString("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<html>\n <head>\n  <title>Index of ")
	b.WriteString(title)
	b.WriteString("</title>\n </head>\n <body>\n<h1>Index of ")
	b.WriteString(title)
	b.WriteString("</h1>\n")
	b.WriteString(`<pre><img src="/icons/blank.gif" alt="Icon "> <a href="?C=N;O=D">Name</a>`)
	b.WriteString(strings.Repeat(" ", nameWidth-4) + " ")
	b.WriteString(`<a href="?C=M;O=A">Last modified</a>      <a href="?C=S;O=A">Size</a>  <a href="?C=D;O=A">Description</a><hr>`)

	row := func(icon, alt, href, text string, e entry) {
		fmt.Fprintf(b, `<img src="%s" alt="[%s]"> <a href="%s">`, icon, alt, apacheHTML(apacheEscapePath(href)))
		if len(text) > nameWidth {
			text = text[:nameWidth-3] + "..>"
		}
		b.WriteString(apacheHTML(text))
		b.WriteString("</a>")
		b.WriteString(strings.Repeat(" ", nameWidth-len(text)) + " ")
		if e.mod.IsZero() {
			// Apache pads a missing time one column wider than a real one.
			b.WriteString(strings.Repeat(" ", 19))
		} else {
			b.WriteString(e.mod.UTC().Format("2006-01-02 15:04") + "  ")
		}
		b.WriteString(apacheSize(e.size) + "  \n")
	}
	if parent, ok := apacheParent(dir); ok {
		row("/icons/back.gif", "PARENTDIR", parent, "Parent Directory", entry{size: -1})
	}
	for _, e := range es {
		icon, alt := fancyIcon(e)
		row(icon, alt, apacheName(e), apacheName(e), e)
	}
	b.WriteString("<hr></pre>\n")
	apacheSignature(b, fancyServer, host)
	b.WriteString("</body></html>\n")
}

func fancyIcon(e entry) (icon, alt string) {
	switch {
	case e.dir:
		return "/icons/folder.gif", "DIR"
	case isText(e.name):
		return "/icons/text.gif", "TXT"
	case isCompressed(e.name):
		return "/icons/compressed.gif", "CMP"
	}
	return "/icons/unknown.gif", "   "
}

// Apache mod_autoindex with IndexOptions FancyIndexing HTMLTable NameWidth=*
// IconsAreLinks SuppressDescription and a style sheet, as on
// cloud.debian.org (cdimage.debian.org) and cloud.centos.org.
func renderTable(b *bytes.Buffer, dir string, es []entry, host string) {
	title := apacheTitle(dir)
	b.WriteString("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n<html>\n <head>\n  <title>Index of ")
	b.WriteString(title)
	b.WriteString("</title>\n  <link rel=\"stylesheet\" href=\"/layout/autoindex.css\" type=\"text/css\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"> </head>\n <body>\n")
	b.WriteString("  <h1 id=\"indextitle\">Index of " + title + "</h1>\n")
	b.WriteString("  <table id=\"indexlist\">\n")
	b.WriteString(`   <tr class="indexhead"><th class="indexcolicon"><img src="/icons2/blank.png" alt="[ICO]"></th>` +
		`<th class="indexcolname"><a href="?C=N;O=D">Name</a></th><th class="indexcollastmod"><a href="?C=M;O=A">Last modified</a></th>` +
		`<th class="indexcolsize"><a href="?C=S;O=A">Size</a></th></tr>` + "\n")
	const breakRow = `   <tr class="indexbreakrow"><th colspan="4"><hr></th></tr>` + "\n"
	b.WriteString(breakRow)

	x := 0
	row := func(icon, alt, href, text string, e entry) {
		class := "even"
		if x%2 == 1 {
			class = "odd"
		}
		x++
		anchor := apacheHTML(apacheEscapePath(href))
		fmt.Fprintf(b, `   <tr class="%s"><td class="indexcolicon"><a href="%s"><img src="%s" alt="[%s]"></a></td>`, class, anchor, icon, alt)
		fmt.Fprintf(b, `<td class="indexcolname"><a href="%s">%s</a></td>`, anchor, apacheHTML(text))
		if e.mod.IsZero() {
			b.WriteString(`<td class="indexcollastmod">&nbsp;</td>`)
		} else {
			b.WriteString(`<td class="indexcollastmod">` + e.mod.UTC().Format("2006-01-02 15:04") + `  </td>`)
		}
		b.WriteString(`<td class="indexcolsize">` + apacheSize(e.size) + "</td></tr>\n")
	}
	if parent, ok := apacheParent(dir); ok {
		row("/icons2/go-previous.png", "PARENTDIR", parent, "Parent Directory", entry{size: -1})
	}
	for _, e := range es {
		icon, alt := tableIcon(e)
		row(icon, alt, apacheName(e), apacheName(e), e)
	}
	b.WriteString(breakRow)
	b.WriteString("</table>\n")
	apacheSignature(b, tableServer, host)
	b.WriteString("</body></html>\n")
}

func tableIcon(e entry) (icon, alt string) {
	switch {
	case e.dir:
		return "/icons2/folder.png", "DIR"
	case isText(e.name):
		return "/icons2/text-x-generic.png", "TXT"
	case isCompressed(e.name):
		return "/icons2/package-x-generic.png", "CMP"
	}
	return "/icons2/unknown.png", "   "
}

// Apache's file type icons go by MIME type and encoding.
func isText(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".txt", ".html", ".htm", ".css", ".csv":
		return true
	}
	return false
}

func isCompressed(name string) bool {
	switch path.Ext(name) {
	case ".gz", ".Z", ".z":
		return true
	}
	return false
}

// apacheTitle is r->uri without its trailing slash, as the title shows it.
func apacheTitle(dir string) string {
	if dir != "/" {
		dir = strings.TrimRight(dir, "/")
	}
	return apacheHTML(dir)
}

// apacheParent is the absolute parent path; the root has none.
func apacheParent(dir string) (string, bool) {
	if dir == "/" {
		return "", false
	}
	return parentDir(dir), true
}

func apacheSignature(b *bytes.Buffer, server, hostport string) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, "80"
	}
	fmt.Fprintf(b, "<address>%s Server at %s Port %s</address>\n", server, apacheHTML(host), port)
}

// apacheEscapePath is ap_os_escape_path: everything but letters, digits and
// $-_.+!*'(),:@&=/~ as lowercase %xx, and "./" before a name whose first
// segment has a colon, so it cannot read as a URL scheme.
func apacheEscapePath(s string) string {
	var b strings.Builder
	if colon := strings.IndexByte(s, ':'); colon >= 0 {
		if slash := strings.IndexByte(s, '/'); slash < 0 || colon < slash {
			b.WriteString("./")
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || strings.IndexByte("$-_.+!*'(),:@&=/~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02x", c)
	}
	return b.String()
}

// htmlEscaper escapes text the way both Apache and nginx do in listings
// (built once: it runs for every entry of every listing).
var htmlEscaper = strings.NewReplacer("<", "&lt;", ">", "&gt;", "&", "&amp;", `"`, "&quot;")

func apacheHTML(s string) string { return htmlEscaper.Replace(s) }

// apacheSize is apr_strfsize: four columns, "  - " for directories.
func apacheSize(size int64) string {
	if size < 0 {
		return "  - "
	}
	if size < 973 {
		return fmt.Sprintf("%3d ", size)
	}
	const units = "KMGTPE"
	for u := 0; ; u++ {
		remain := size & 1023
		size >>= 10
		if size >= 973 {
			continue
		}
		if size < 9 || (size == 9 && remain < 973) {
			tenths := (remain*5 + 256) / 512
			if tenths >= 10 {
				size, tenths = size+1, 0
			}
			return fmt.Sprintf("%d.%d%c", size, tenths, units[u])
		}
		if remain >= 512 {
			size++
		}
		return fmt.Sprintf("%3d%c", size, units[u])
	}
}

// nginx autoindex with its defaults (exact sizes, UTC, no charset), as on
// repo.almalinux.org and dl-cdn.alpinelinux.org. Link texts are cut at 50
// bytes; lines end in CRLF.
func renderNginx(b *bytes.Buffer, dir string, es []entry) {
	const nameLen = 50
	title := nginxHTML(dir)
	b.WriteString("<html>\r\n<head><title>Index of " + title + "</title></head>\r\n<body>\r\n")
	b.WriteString("<h1>Index of " + title + "</h1><hr><pre><a href=\"../\">../</a>\r\n")
	for _, e := range es {
		href := nginxEscape(e.name)
		if e.dir {
			href += "/"
		}
		b.WriteString(`<a href="` + href + `">`)
		n := len(e.name)
		if n > nameLen {
			b.WriteString(nginxHTML(e.name[:nameLen-3]) + "..&gt;</a>")
		} else {
			b.WriteString(nginxHTML(e.name))
			if e.dir && n < nameLen {
				b.WriteByte('/')
				n++
			}
			b.WriteString("</a>" + strings.Repeat(" ", nameLen-n))
		}
		b.WriteString(" " + e.mod.UTC().Format("02-Jan-2006 15:04") + " ")
		if e.dir {
			b.WriteString(strings.Repeat(" ", 18) + "-")
		} else {
			fmt.Fprintf(b, "%19d", e.size)
		}
		b.WriteString("\r\n")
	}
	b.WriteString("</pre><hr></body>\r\n</html>\r\n")
}

// nginxEscape is ngx_escape_uri with NGX_ESCAPE_URI_COMPONENT: every byte
// but letters, digits and -._~!'()* as uppercase %XX.
func nginxEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || strings.IndexByte("-._~!'()*", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

func nginxHTML(s string) string { return htmlEscaper.Replace(s) }

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// errorPage is the body the imitated server sends with an error, or with a
// redirect to location.
func errorPage(f Format, status int, r *http.Request, location string) []byte {
	text := http.StatusText(status)
	if text == "" {
		text = "Unknown"
	}
	code := strconv.Itoa(status) + " " + text
	var b bytes.Buffer
	if f == Nginx {
		b.WriteString("<html>\r\n<head><title>" + code + "</title></head>\r\n<body>\r\n")
		b.WriteString("<center><h1>" + code + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
		return b.Bytes()
	}
	b.WriteString("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>" + code + "</title>\n</head><body>\n")
	b.WriteString("<h1>" + text + "</h1>\n")
	switch {
	case status == http.StatusNotFound:
		b.WriteString("<p>The requested URL was not found on this server.</p>\n")
	case status >= 300 && status < 400:
		b.WriteString("<p>The document has moved <a href=\"" + apacheHTML(location) + "\">here</a>.</p>\n")
	case status >= 500:
		b.WriteString("<p>The server is temporarily unable to service your\nrequest due to maintenance downtime or capacity\nproblems. Please try again later.</p>\n")
	default:
		b.WriteString("<p>The server could not answer this request.</p>\n")
	}
	b.WriteString("<hr>\n")
	apacheSignature(&b, serverHeader(f), r.Host)
	b.WriteString("</body></html>\n")
	return b.Bytes()
}
