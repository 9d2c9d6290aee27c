// Request bodies in handlers: the "io.ReadAll(r.Body)" shapes other linters and code
// reviews keep finding, and the bounded ones next to them.
package api

import (
	"encoding/json"
	"io"
	"io/ioutil"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"
)

type Item struct{ Name string }

func createItem(w http.ResponseWriter, r *http.Request) {
	body, err := ioutil.ReadAll(r.Body) // leak: requestBodies
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	var it Item
	if err := json.Unmarshal(body, &it); err != nil {
		http.Error(w, "json", http.StatusBadRequest)
	}
}

func webhook(w http.ResponseWriter, req *http.Request) {
	defer req.Body.Close()
	payload, err := io.ReadAll(req.Body) // leak: requestBodies
	if err != nil {
		return
	}
	w.Write(payload)
}

func init() {
	http.HandleFunc("/echo", func(w http.ResponseWriter, request *http.Request) {
		data, _ := io.ReadAll(request.Body) // leak: requestBodies
		w.Write(data)
	})
}

func ginUpload(c *gin.Context) {
	raw, err := c.GetRawData()
	if err != nil {
		return
	}
	body, _ := ioutil.ReadAll(c.Request.Body) // leak: requestBodies
	c.JSON(200, gin.H{"n": len(raw) + len(body)})
}

func echoUpload(c echo.Context) error {
	b, err := io.ReadAll(c.Request().Body) // leak: requestBodies
	if err != nil {
		return err
	}
	return c.Blob(200, "application/octet-stream", b)
}

// Silent: bounded by MaxBytesReader before the read.
func bounded(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		return
	}
	w.Write(body)
}

// Silent: the bounded reader is kept in its own variable.
func boundedVar(w http.ResponseWriter, r *http.Request) {
	body := http.MaxBytesReader(w, r.Body, 64<<10)
	data, _ := io.ReadAll(body)
	w.Write(data)
}

// Silent: LimitReader inline.
func limited(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
	w.Write(data)
}

// Silent: a decoder streams (another rule's business, not a whole-body read).
func decode(w http.ResponseWriter, r *http.Request) {
	var it Item
	_ = json.NewDecoder(r.Body).Decode(&it)
}

// Silent: echoing the body back streams it.
func mirror(w http.ResponseWriter, r *http.Request) {
	io.Copy(w, r.Body)
}

// Silent: draining to io.Discard keeps nothing.
func drain(r *http.Request) {
	io.Copy(ioutil.Discard, r.Body)
}

type envelope struct {
	Body io.Reader
}

// Silent: a Body field of a type of our own.
func unwrap(e envelope) []byte {
	b, _ := io.ReadAll(e.Body)
	return b
}
