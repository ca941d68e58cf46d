package har

import (
	"archive/zip"
	"bufio"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// File is an opened HAR file: its JSON, whatever container it came in, and the folder its
// sidecar bodies (PostData.File, Content.File) are read from.
type File struct {
	// Name is the path as given to Open, used in every message.
	Name string
	// Container is how the JSON was stored: "" (plain), "gzip", "zlib" (mitmproxy's .zhar)
	// or "zip" (Playwright's recordHar to a .zip: the HAR and its sidecar files).
	Container string
	// Member is the HAR's name inside a zip.
	Member string
	// Sidecars is where sidecar files are looked up: the HAR's folder, or its folder inside
	// the zip.
	Sidecars fs.FS

	r      io.Reader
	closer []io.Closer
}

// Read reads the HAR's JSON, decompressed.
func (f *File) Read(p []byte) (int, error) { return f.r.Read(p) }

// Close closes the file and any decompressor.
func (f *File) Close() error {
	var errs []error
	for i := len(f.closer) - 1; i >= 0; i-- {
		errs = append(errs, f.closer[i].Close())
	}
	return errors.Join(errs...)
}

// Open opens a HAR file for reading. The container is told by its first bytes, not by the
// file's name: a zip archive (Playwright writes one for a recordHar path ending in .zip), a
// gzip stream (.har.gz) or a zlib stream (mitmproxy's har_dump writes .zhar so) is opened
// and the HAR in it read; anything else is read as HAR JSON.
func Open(name string) (*File, error) {
	osf, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := osf.Stat()
	if err != nil {
		osf.Close()
		return nil, err
	}
	if st.IsDir() {
		osf.Close()
		return nil, fmt.Errorf("%s: is a directory, not a HAR file", name)
	}
	f, err := open(name, osf, st.Size(), os.DirFS(filepath.Dir(name)))
	if err != nil {
		osf.Close()
		return nil, err
	}
	f.closer = append([]io.Closer{osf}, f.closer...)
	return f, nil
}

// open reads a HAR of size bytes from src, in whatever container; sidecars is the folder
// of a HAR that is not in a zip.
func open(name string, src interface {
	io.Reader
	io.ReaderAt
}, size int64, sidecars fs.FS) (*File, error) {
	f := &File{Name: name, Sidecars: sidecars}
	br := bufio.NewReaderSize(src, 64<<10)
	magic, _ := br.Peek(4)
	switch {
	case len(magic) >= 4 && string(magic[:2]) == "PK" && (magic[2] == 3 && magic[3] == 4 || magic[2] == 5 && magic[3] == 6):
		if err := f.openZip(src, size); err != nil {
			f.Close()
			return nil, err
		}
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		f.Container, f.r = "gzip", &containerErr{zr, "gzip"}
		f.closer = append(f.closer, zr)
	case len(magic) >= 2 && isZlib(magic[0], magic[1]):
		zr, err := zlib.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: zlib: %w", name, err)
		}
		f.Container, f.r = "zlib", &containerErr{zr, "zlib"}
		f.closer = append(f.closer, zr)
	default:
		f.r = br
	}
	return f, nil
}

// isZlib reports a zlib header (RFC 1950): deflate, a window of at most 32 KiB, and a check
// value. No JSON text starts so: its first byte is whitespace, '{', or a byte order mark.
func isZlib(cmf, flg byte) bool {
	return cmf&0x0f == 8 && cmf>>4 <= 7 && (uint(cmf)<<8|uint(flg))%31 == 0
}

// containerErr names the decompressor in its errors ("gzip: invalid checksum"), so that a
// broken archive is not mistaken for broken JSON. A stream cut short stays
// io.ErrUnexpectedEOF, which the reader reports as a truncated file.
type containerErr struct {
	r    io.Reader
	kind string
}

func (c *containerErr) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF && !errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("%s: %w", c.kind, err)
	}
	return n, err
}

func (f *File) openZip(ra io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return fmt.Errorf("%s: zip: %w", f.Name, err)
	}
	var hars, all []string
	for _, zf := range zr.File {
		all = append(all, zf.Name)
		if strings.EqualFold(path.Ext(zf.Name), ".har") {
			hars = append(hars, zf.Name)
		}
	}
	switch len(hars) {
	case 0:
		return fmt.Errorf("%s: a zip archive with no .har file in it (it holds %s)", f.Name, listNames(all))
	case 1:
	default:
		slices.Sort(hars)
		return fmt.Errorf("%s: a zip archive with %d .har files (%s): unzip it and check each", f.Name, len(hars), strings.Join(hars, ", "))
	}
	rc, err := zr.Open(hars[0])
	if err != nil {
		return fmt.Errorf("%s: zip member %s: %w", f.Name, hars[0], err)
	}
	sub, err := fs.Sub(zr, path.Dir(hars[0]))
	if err != nil {
		rc.Close()
		return fmt.Errorf("%s: zip member %s: %w", f.Name, hars[0], err)
	}
	f.Container, f.Member, f.Sidecars = "zip", hars[0], sub
	f.r = &containerErr{rc, "zip member " + hars[0]}
	f.closer = append(f.closer, rc)
	return nil
}

func listNames(names []string) string {
	if len(names) == 0 {
		return "nothing"
	}
	if len(names) > 5 {
		return strings.Join(names[:5], ", ") + fmt.Sprintf(" and %d more", len(names)-5)
	}
	return strings.Join(names, ", ")
}

// MaxSidecarBytes bounds one sidecar body read into memory.
const MaxSidecarBytes = 256 << 20

// LoadFiles reads the entry's sidecar bodies (PostData.File, Content.File) from fsys into
// Text, so that the entry reads as if the bodies had been embedded. A body that is not
// UTF-8 is stored in base64, as an embedded one would be. A missing or unreadable file, or a
// name that leaves fsys, is an error naming the file and the field.
func (e *Entry) LoadFiles(fsys fs.FS) error {
	if e.Request != nil && e.Request.PostData != nil && e.Request.PostData.File != "" {
		p := e.Request.PostData
		b, err := readSidecar(fsys, p.File)
		if err != nil {
			return fmt.Errorf("request body (postData._file): %w", err)
		}
		p.Text, p.Encoding = EncodeBody(b)
		p.File = ""
	}
	if e.Response != nil && e.Response.Content.File != "" {
		c := &e.Response.Content
		b, err := readSidecar(fsys, c.File)
		if err != nil {
			return fmt.Errorf("response body (content._file): %w", err)
		}
		c.Text, c.Encoding = EncodeBody(b)
		c.File = ""
	}
	return nil
}

func readSidecar(fsys fs.FS, name string) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("file %q: not a path inside the HAR's folder", name)
	}
	if fsys == nil {
		return nil, fmt.Errorf("file %q: the HAR was read from a stream, so its sidecar files cannot be found (open it by path)", name)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("file %q: %w", name, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSidecarBytes+1))
	if err != nil {
		return nil, fmt.Errorf("file %q: %w", name, err)
	}
	if len(b) > MaxSidecarBytes {
		return nil, fmt.Errorf("file %q: larger than %d bytes", name, MaxSidecarBytes)
	}
	return b, nil
}
