package gitrepo

import (
	"net/http"
	"net/url"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/transport/client"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/osism/image-crawler/internal/redact"
)

// go-git reads the whole body of a failed HTTP request into its error. A git
// server or proxy may answer with a huge body, or echo the request's
// Authorization header back; the transport installed here caps such bodies
// at redact.MaxErrorBody, excerpts them to one printable line and masks the
// credentials the request carried (docs/security.md).
//
// go-git's own proxy option needs a bare *http.Transport, which the capped
// one is not, so the proxy of a clone (CloneOptions.Proxy) is chosen here,
// per request, by the repository's host.
func init() {
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.Proxy = func(req *http.Request) (*url.URL, error) {
		if u, ok := gitProxies.Load(req.URL.Host); ok {
			return u.(*url.URL), nil
		}
		return http.ProxyFromEnvironment(req)
	}
	c := githttp.NewClient(&http.Client{Transport: redact.CapErrorBodies(base)})
	client.InstallProtocol("https", c)
	client.InstallProtocol("http", c)
}

// gitProxies maps a repository's host (host:port) to the proxy its clone
// was given; other hosts use the environment's.
var gitProxies sync.Map

// useProxy routes every request to the host of repoURL through proxy.
func useProxy(repoURL string, proxy *url.URL) {
	u, err := url.Parse(repoURL)
	if err != nil || proxy == nil {
		return
	}
	gitProxies.Store(u.Host, proxy)
}
