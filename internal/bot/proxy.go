package bot

import (
	"net/http"
	"net/url"
)

// ProxyFunc picks the proxy for a request, as http.Transport.Proxy does;
// nil means none. The command line builds it from HTTPS_PROXY, HTTP_PROXY
// and NO_PROXY (docs/pull-requests.md), and the crawl, git and the GitHub
// API all use it.
type ProxyFunc func(*http.Request) (*url.URL, error)

// httpClient is the GitHub API's HTTP client: nil (the default client)
// without a proxy.
func (o *Options) httpClient() *http.Client {
	if o.Proxy == nil {
		return nil
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = o.Proxy
	return &http.Client{Transport: t}
}

// proxyFor returns the proxy for rawURL, or nil.
func (o *Options) proxyFor(rawURL string) (*url.URL, error) {
	if o.Proxy == nil {
		return nil, nil
	}
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	return o.Proxy(req)
}
