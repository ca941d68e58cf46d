// Package contracttest holds the recordings bundled with the project (copies of a real Cerb
// 10.4.10 server's traffic, in testdata/) and the suite that pins the checker's verdict on
// every one of their entries (manifest.json).
package contracttest

import (
	"embed"
	"io/fs"
)

//go:embed testdata/*.har
var recordings embed.FS

// Recordings returns the bundled HAR files; names are testdata/<file>.har.
func Recordings() fs.FS { return recordings }
