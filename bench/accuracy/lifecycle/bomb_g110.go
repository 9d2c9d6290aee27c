// gosec G110 ("Potential DoS vulnerability via decompression bomb"), rewritten from its
// documentation and users' reports: io.Copy from a gzip/zlib/zip reader with no
// io.CopyN / io.LimitReader bound.
package lifecycle

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"os"
)

func unzipToStdout(path string) error {
	r, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer r.Close()
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			return err
		}
		_, err = io.Copy(os.Stdout, rc) // leak
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func gunzipToStdout(b []byte) {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return
	}
	io.Copy(os.Stdout, r) // leak
}

func gunzipToBuffer(data []byte) []byte {
	var buf bytes.Buffer
	gz, _ := gzip.NewReader(bytes.NewReader(data))
	io.Copy(&buf, gz) // leak
	return buf.Bytes()
}

func inflateRequest(w http.ResponseWriter, r *http.Request) {
	zr, err := zlib.NewReader(r.Body)
	if err != nil {
		return
	}
	b, _ := io.ReadAll(zr) // leak
	w.Write(b)
}

// The documented fixes: io.CopyN, or a LimitReader around the decompressor.
func bounded(data []byte) {
	gz, _ := gzip.NewReader(bytes.NewReader(data))
	io.CopyN(os.Stdout, gz, 1<<20)
	io.Copy(os.Stdout, io.LimitReader(gz, 1<<20))
}
