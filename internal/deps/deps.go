//go:build tools

// Package deps pins the modules the packages are being built on until each is imported for real.
package deps
import (
 _ "github.com/google/go-github/v60/github"
 _ "github.com/go-git/go-git/v5"
 _ "gopkg.in/yaml.v3"
 _ "github.com/nikolalohinski/gonja/v2"
 _ "github.com/ProtonMail/go-crypto/openpgp"
 _ "github.com/spf13/cobra"
 _ "golang.org/x/net/html"
 _ "golang.org/x/sync/errgroup"
 _ "github.com/aymanbagabas/go-udiff"
)

