// Package docs holds no code: its test keeps the relative links of README.md
// and docs/*.md pointing at files and headings that exist (docs/README.md
// indexes the pages).
package docs
