package bot

import (
	"net/http"
	"net/url"
)

// ProxyFunc picks the proxy for a request, as http.Transport.Proxy does;
// nil means none. The command line builds it from HTTPS_PROXY, HTTP_PROXY
// and NO_PROXY (docs/pull-requests.md), and the crawl, git and the forge's
// API all use it.
type ProxyFunc func(*http.Request) (*url.URL, error)
