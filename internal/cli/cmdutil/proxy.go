package cmdutil

import (
	"net/http"
	"net/url"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/osism/image-crawler/internal/bot"
)

// Proxy reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY (or their lower-case
// forms) from the command's environment, the way curl and Go read them:
// the crawl, git and the GitHub API all go through the proxy they name
// (docs/pull-requests.md). Hosts named "localhost" and loopback addresses
// are never proxied. nil when no proxy is set.
func (f *Factory) Proxy() bot.ProxyFunc {
	get := func(keys ...string) string {
		for _, k := range keys {
			if v := f.Getenv(k); v != "" {
				return v
			}
		}
		return ""
	}
	cfg := httpproxy.Config{
		HTTPProxy:  get("HTTP_PROXY", "http_proxy"),
		HTTPSProxy: get("HTTPS_PROXY", "https_proxy"),
		NoProxy:    get("NO_PROXY", "no_proxy"),
	}
	if cfg.HTTPProxy == "" && cfg.HTTPSProxy == "" {
		return nil
	}
	pick := cfg.ProxyFunc()
	return func(r *http.Request) (*url.URL, error) { return pick(r.URL) }
}

// CrawlTransport is the crawl's transport through proxy: upstream's own
// (idle connections per host as --per-host allows) with the proxy set;
// nil without a proxy, for upstream's default.
func CrawlTransport(proxy bot.ProxyFunc, perHost int) http.RoundTripper {
	if proxy == nil {
		return nil
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 100
	t.MaxIdleConnsPerHost = perHost
	t.IdleConnTimeout = 90 * time.Second
	t.Proxy = proxy
	return t
}
