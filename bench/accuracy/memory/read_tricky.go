// Harder shapes: proxies, raw connections, writers that are not memory, and the places
// where syntax loses the type.
package tricky

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"io"
	"io/ioutil"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"os/exec"
	"strings"
)

// A reverse proxy rewriting responses in memory.
func newProxy(target *httputil.ReverseProxy) {
	target.ModifyResponse = func(res *http.Response) error {
		b, err := io.ReadAll(res.Body) // leak: fixedEndpoints
		if err != nil {
			return err
		}
		res.Body = io.NopCloser(bytes.NewReader(bytes.ToUpper(b)))
		return nil
	}
}

// A response read from a raw connection.
func rawGet(conn net.Conn, req *http.Request) ([]byte, error) {
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	return ioutil.ReadAll(res.Body) // leak: fixedEndpoints
}

// A request read from a raw connection.
func rawServe(conn net.Conn) []byte {
	req, err := http.ReadRequest(bufio.NewReader(conn))
	if err != nil {
		return nil
	}
	var sb strings.Builder
	io.Copy(&sb, req.Body) // leak: requestBodies
	return []byte(sb.String())
}

func upload(w http.ResponseWriter, r *http.Request) {
	defer r.Body.Close()
	buf := new(bytes.Buffer)
	if _, err := buf.ReadFrom(r.Body); err != nil { // leak: requestBodies
		return
	}
	w.Write(buf.Bytes())
}

func presized(w http.ResponseWriter, r *http.Request) {
	buf := bytes.NewBuffer(make([]byte, 0, r.ContentLength)) // leak
	io.Copy(buf, r.Body)                                     // leak
	w.Write(buf.Bytes())
}

func builder(resp *http.Response) string {
	sb := &strings.Builder{}
	io.Copy(sb, resp.Body) // leak: fixedEndpoints
	return sb.String()
}

// Decompressing a response that declared gzip itself.
func gunzip(resp *http.Response) ([]byte, error) {
	var reader io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, err
		}
		reader = gz
	}
	return io.ReadAll(reader) // leak: fixedEndpoints
}

// A dump into a buffer held as an io.Writer variable. Not labelled since the triage round:
// a request handed in without its ResponseWriter may be one this code sends.
func dump(req *http.Request) []byte {
	var b bytes.Buffer
	var dest io.Writer = &b
	io.Copy(dest, req.Body)
	return b.Bytes()
}

// Silent: hashing streams.
func digest(resp *http.Response) []byte {
	h := sha256.New()
	io.Copy(h, resp.Body)
	return h.Sum(nil)
}

// Silent: compressing into the ResponseWriter streams.
func compress(w http.ResponseWriter, r *http.Request) {
	gzw := gzip.NewWriter(w)
	defer gzw.Close()
	io.Copy(gzw, r.Body)
}

// Silent: a pipe hands the bytes on.
func pipe(resp *http.Response) *io.PipeReader {
	pr, pw := io.Pipe()
	go func() {
		io.Copy(pw, resp.Body)
		pw.Close()
	}()
	return pr
}

// Silent: the output file.
func save(resp *http.Response, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}

// Silent: a buffered writer over a connection streams.
func relay(conn net.Conn, resp *http.Response) {
	bw := bufio.NewWriter(conn)
	bw.ReadFrom(resp.Body)
	bw.Flush()
}

// Silent: process output and stdin are not network bodies.
func local() []byte {
	out, _ := exec.Command("ls").StdoutPipe()
	a, _ := io.ReadAll(out)
	b, _ := ioutil.ReadAll(os.Stdin)
	return append(a, b...)
}

// Silent: MaxBytesReader inline.
func inline(w http.ResponseWriter, r *http.Request) {
	b, _ := ioutil.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	w.Write(b)
}

// Silent: the claimed length only sizes a Grow after a check.
func grow(resp *http.Response) []byte {
	var buf bytes.Buffer
	if resp.ContentLength > 0 && resp.ContentLength < 1<<20 {
		buf.Grow(int(resp.ContentLength))
	}
	io.Copy(&buf, io.LimitReader(resp.Body, 1<<20))
	return bytes.Clone(buf.Bytes())
}

// Silent: a request this code builds carries our own bytes.
func replay(url string, data []byte) []byte {
	req, _ := http.NewRequest(http.MethodPut, url, bytes.NewReader(data))
	b, _ := io.ReadAll(req.Body)
	return b
}

type Email struct {
	Subject string
	Body    string
}

// Silent: an e-mail body is a string of ours.
func mail(e Email) []byte {
	b, _ := io.ReadAll(strings.NewReader(e.Body))
	return b
}
