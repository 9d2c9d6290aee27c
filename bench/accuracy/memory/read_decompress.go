// Decompression shapes from gosec's G110 ("decompression bomb") tests: from memory or from
// a file they are out of this rule's scope; from a response body into memory they are in.
package bombs

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"io/ioutil"
	"net/http"
	"os"
)

// Silent: G110's first sample, zlib over an in-memory slice, copied to stdout.
func sample1() {
	buff := []byte{120, 156, 202, 72, 205, 201, 201, 215, 81, 40, 207,
		47, 202, 73, 225, 2, 4, 0, 0, 255, 255, 33, 231, 4, 147}
	b := bytes.NewReader(buff)
	r, err := zlib.NewReader(b)
	if err != nil {
		panic(err)
	}
	_, err = io.Copy(os.Stdout, r)
	if err != nil {
		panic(err)
	}
	r.Close()
}

// Silent: G110's zip sample, files from disk copied to files.
func sample2(archive string) {
	zipReader, err := zip.OpenReader(archive)
	if err != nil {
		panic(err)
	}
	for _, file := range zipReader.File {
		rc, _ := file.Open()
		out, _ := os.Create(file.Name)
		io.Copy(out, rc)
		out.Close()
		rc.Close()
	}
}

// Silent: G110's CopyBuffer sample, still from memory to stdout.
func sample3(buff []byte) {
	r, _ := zlib.NewReader(bytes.NewReader(buff))
	buf := make([]byte, 8)
	io.CopyBuffer(os.Stdout, r, buf)
}

// Silent: CopyN is G110's own fix.
func sample4(buff []byte) {
	r, _ := zlib.NewReader(bytes.NewReader(buff))
	io.CopyN(os.Stdout, r, 1024*1024)
}

// A gzip response inflated whole into memory.
func download(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	gz, err := gzip.NewReader(resp.Body)
	if err != nil {
		return nil, err
	}
	defer gz.Close()
	return ioutil.ReadAll(gz) // leak: inputURLs
}

// An uploaded zlib stream inflated into a buffer.
func upload(w http.ResponseWriter, r *http.Request) {
	zr, err := zlib.NewReader(r.Body)
	if err != nil {
		return
	}
	var buf bytes.Buffer
	io.Copy(&buf, zr) // leak: requestBodies
	w.Write(buf.Bytes())
}

// Silent: the inflated stream is bounded.
func boundedInflate(resp *http.Response) []byte {
	gz, err := gzip.NewReader(resp.Body)
	if err != nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(gz, 8<<20))
	return b
}

// Silent: inflating a file.
func fromFile(path string) []byte {
	f, _ := os.Open(path)
	defer f.Close()
	gz, _ := gzip.NewReader(f)
	b, _ := io.ReadAll(gz)
	return b
}
