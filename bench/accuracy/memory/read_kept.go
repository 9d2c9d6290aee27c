// Bodies read into buffers that outlive the read, and fetches of URLs a client names:
// the default shapes of unbounded-read besides the seed's pre-sized buffer.
package kept

import (
	"bytes"
	"io"
	"net/http"
	"sync"
)

var pool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// A JSON proxy that reuses buffers: the pool keeps every buffer at the size of the
// largest response it ever held.
func relay(w http.ResponseWriter, resp *http.Response) {
	buf := pool.Get().(*bytes.Buffer)
	buf.Reset()
	defer pool.Put(buf)
	if _, err := buf.ReadFrom(resp.Body); err != nil { // leak
		return
	}
	w.Write(buf.Bytes())
}

type snapshot struct {
	mu   sync.Mutex
	last []byte
}

// The latest body kept in a field: Bytes() shares the grown array.
func (s *snapshot) update(resp *http.Response) {
	var buf bytes.Buffer
	io.Copy(&buf, resp.Body) // leak
	s.mu.Lock()
	s.last = buf.Bytes()
	s.mu.Unlock()
}

// Silent: the copy out drops the grown array.
func (s *snapshot) updateBounded(resp *http.Response) {
	var buf bytes.Buffer
	io.Copy(&buf, io.LimitReader(resp.Body, 1<<20))
	s.mu.Lock()
	s.last = bytes.Clone(buf.Bytes())
	s.mu.Unlock()
}

// An "open graph preview" endpoint: the client names the page to fetch.
func preview(w http.ResponseWriter, r *http.Request) {
	resp, err := http.Get(r.URL.Query().Get("url"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body) // leak
	w.Write(page[:min(len(page), 512)])
}

// Silent by default: the client only picks a path on a server written in the code.
func avatar(w http.ResponseWriter, r *http.Request) {
	resp, err := http.Get("https://avatars.example.com/u/" + r.URL.Query().Get("id"))
	if err != nil {
		return
	}
	defer resp.Body.Close()
	img, _ := io.ReadAll(resp.Body) // leak: fixedEndpoints
	w.Write(img)
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}
