// Cases from bodyclose's README and its users' reports, rewritten: a response whose body
// must be closed by the function that got it, unless it hands it on.
package bodyclose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/ioutil"
	"log"
	"net/http"
	"time"
)

// README: the body is read but never closed.
func readOnly() ([]byte, error) {
	resp, err := http.Get("http://example.com/") // leak
	if err != nil {
		return nil, err
	}
	return ioutil.ReadAll(resp.Body)
}

// README: closed by a defer after the error check.
func readAndClose() ([]byte, error) {
	resp, err := http.Get("http://example.com/")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return ioutil.ReadAll(resp.Body)
}

func closedInDeferredLiteral() {
	resp, err := http.Get("http://example.com/")
	if err != nil {
		return
	}
	defer func() {
		_ = resp.Body.Close()
	}()
}

func closerVariableCalled() {
	res, _ := http.Get("http://example.com/")
	closer := func() {
		res.Body.Close()
	}
	closer()
}

func closedThroughIOCloser() {
	res, _ := http.Get("http://example.com/")
	closeIt := func(c io.Closer) {
		c.Close()
	}
	closeIt(res.Body)
}

func closeResponse(body io.Closer, l *log.Logger) {
	if err := body.Close(); err != nil {
		l.Println(err)
	}
}

// A helper of the file closes it on every branch, as in a health-check loop.
func healthy(url string, l *log.Logger) bool {
	for i := 0; i < 3; i++ {
		resp, err := http.Get(url)
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		ok := resp.StatusCode == http.StatusOK
		closeResponse(resp.Body, l)
		if ok {
			return true
		}
	}
	return false
}

// A function that returns the response leaves the close to its caller.
func get() *http.Response {
	resp, _ := http.Get("https://example.com")
	return resp
}

func callerCloses() {
	resp := get()
	resp.Body.Close()
}

func callerForgets() int {
	resp := get() // leak
	return resp.StatusCode
}

func discarded() error {
	_, err := http.Get("https://example.com") // leak
	return err
}

func defaultClient(req *http.Request) (map[string]interface{}, error) {
	resp, err := http.DefaultClient.Do(req) // leak
	if err != nil {
		return nil, err
	}
	var out map[string]interface{}
	err = json.NewDecoder(resp.Body).Decode(&out)
	return out, err
}

func customClient(c *http.Client, req *http.Request) error {
	res, err := c.Do(req) // leak
	if err != nil {
		return err
	}
	fmt.Println(res.Status)
	return nil
}

func postJSON(c *http.Client, url string, body []byte) error {
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("status %s", resp.Status)
	}
	return nil
}

// Closed only on the success path; the non-2xx branch returns first.
func statusFirst(c *http.Client, req *http.Request) ([]byte, error) {
	resp, err := c.Do(req) // leak
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("unexpected status %d", resp.StatusCode)
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// bodyclose:handled style: the helper reads and closes the body, then hands back a
// response with an in-memory body; its callers have nothing to close.
func doRequest(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

func usesHandled(req *http.Request) int {
	resp, err := doRequest(req)
	if err != nil {
		return 0
	}
	return resp.StatusCode
}

// Each iteration makes a response; none is closed.
func poll(urls []string) int {
	n := 0
	for _, u := range urls {
		resp, err := http.Get(u) // leak
		if err != nil {
			continue
		}
		n += resp.StatusCode
	}
	return n
}

// The body goes to the caller inside a reader.
func stream(url string) (io.Reader, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}
