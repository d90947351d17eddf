package listing

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

const benchEntries = 10_000

func benchName(i int) string {
	return fmt.Sprintf("ubuntu-24.04-server-cloudimg-amd64-build-%05d.img", i)
}

// Generators for the three HTML listing formats, line for line as the servers
// write them (see the fixtures under testdata/listings).
func fancyIndexListing(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN"><html><head><title>Index of /pub/images</title></head><body><h1>Index of /pub/images</h1><pre><img src="/icons/blank.gif" alt="Icon "> <a href="?C=N;O=D">Name</a>  <a href="?C=M;O=A">Last modified</a>  <a href="?C=S;O=A">Size</a>  <a href="?C=D;O=A">Description</a><hr><img src="/icons/back.gif" alt="[PARENTDIR]"> <a href="/pub/">Parent Directory</a>        -` + "\n")
	for i := range n {
		name := benchName(i)
		fmt.Fprintf(&b, `<img src="/icons/unknown.gif" alt="[   ]"> <a href="%s">%s</a>  2026-07-05 12:00  584M  `+"\n", name, name)
	}
	b.WriteString("<hr></pre>\n<address>Apache/2.4.68 (Unix) Server at mirror.example.org Port 443</address>\n</body></html>\n")
	return b.Bytes()
}

func htmlTableListing(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd"><html><head><title>Index of /pub/images</title></head><body><h1 id="indextitle">Index of /pub/images</h1><table id="indexlist"><tr class="indexhead"><th class="indexcolicon"><img src="/icons2/blank.png" alt="[ICO]"></th><th class="indexcolname"><a href="?C=N;O=D">Name</a></th><th class="indexcollastmod"><a href="?C=M;O=A">Last modified</a></th><th class="indexcolsize"><a href="?C=S;O=A">Size</a></th></tr>` + "\n")
	b.WriteString(`<tr class="even"><td class="indexcolicon"><a href="/pub/"><img src="/icons2/go-previous.png" alt="[PARENTDIR]"></a></td><td class="indexcolname"><a href="/pub/">Parent Directory</a></td><td class="indexcollastmod">&nbsp;</td><td class="indexcolsize">  - </td></tr>` + "\n")
	for i := range n {
		name := benchName(i)
		fmt.Fprintf(&b, `<tr class="odd"><td class="indexcolicon"><a href="%s"><img src="/icons2/text-x-generic.png" alt="[TXT]"></a></td><td class="indexcolname"><a href="%s">%s</a></td><td class="indexcollastmod">2026-07-05 12:00  </td><td class="indexcolsize">584M</td></tr>`+"\n", name, name, name)
	}
	b.WriteString("</table>\n<address>Apache/2.4.68 (Unix) Server at mirror.example.org Port 443</address>\n</body></html>\n")
	return b.Bytes()
}

func nginxListing(n int) []byte {
	var b bytes.Buffer
	b.WriteString("<html>\r\n<head><title>Index of /pub/images/</title></head>\r\n<body>\r\n<h1>Index of /pub/images/</h1><hr><pre><a href=\"../\">../</a>\r\n")
	for i := range n {
		name := benchName(i)
		text := name
		pad := 50 - len(name)
		if len(name) > 50 {
			text, pad = name[:47]+"..&gt;", 0
		}
		fmt.Fprintf(&b, "<a href=\"%s\">%s</a>%s %s %19d\r\n", name, text, strings.Repeat(" ", pad), "05-Jul-2026 12:00", 612564992)
	}
	b.WriteString("</pre><hr></body>\r\n</html>\r\n")
	return b.Bytes()
}

func BenchmarkParseListing(b *testing.B) {
	base, err := url.Parse("https://mirror.example.org/pub/images/")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"FancyIndexing", fancyIndexListing(benchEntries)},
		{"HTMLTable", htmlTableListing(benchEntries)},
		{"nginx", nginxListing(benchEntries)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.data)))
			for b.Loop() {
				entries, err := Parse(bytes.NewReader(bc.data), base)
				if err != nil || len(entries) != benchEntries {
					b.Fatalf("%d entries, %v", len(entries), err)
				}
			}
		})
	}
}
