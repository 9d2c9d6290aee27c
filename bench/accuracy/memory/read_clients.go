// Client code in the shapes bodyclose's and noctx's test suites use: responses from
// http.Get/Post/Head, client.Do, helpers, closures, plus the ones syntax cannot type.
package clients

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/ioutil"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/context/ctxhttp"
)

func f1() {
	resp, err := http.Get("http://example.com/")
	if err != nil {
		return
	}
	defer resp.Body.Close()
	_, _ = ioutil.ReadAll(resp.Body) // leak: fixedEndpoints
}

func f2() error {
	resp, err := http.Post("http://example.com/", "text/plain", strings.NewReader("hi"))
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body) // leak: fixedEndpoints
	fmt.Println(string(b))
	return err
}

func f3() {
	resp, err := http.PostForm("http://example.com/", url.Values{})
	if err == nil {
		var sb strings.Builder
		io.Copy(&sb, resp.Body) // leak: fixedEndpoints
		resp.Body.Close()
		fmt.Println(sb.String())
	}
}

func f4(ctx context.Context) ([]byte, error) {
	resp, err := ctxhttp.Get(ctx, nil, "http://example.com/")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body) // leak: fixedEndpoints
}

func f5(c *http.Client, req *http.Request) ([]byte, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil { // leak: fixedEndpoints
		return nil, err
	}
	return buf.Bytes(), nil
}

func getJSON(u string) (*http.Response, error) {
	return http.Get(u)
}

func f6() {
	resp, err := getJSON("http://example.com/")
	if err != nil {
		return
	}
	defer resp.Body.Close()
	body, _ := ioutil.ReadAll(resp.Body) // leak: fixedEndpoints
	fmt.Println(len(body))
}

func f7(rt http.RoundTripper, req *http.Request) []byte {
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, _ := ioutil.ReadAll(resp.Body) // leak: fixedEndpoints
	return b
}

func f8() {
	go func() {
		resp, err := http.Head("http://example.com/")
		if err != nil {
			return
		}
		defer resp.Body.Close()
		io.ReadAll(resp.Body) // leak: fixedEndpoints
	}()
}

func f9(resp *http.Response) string {
	var body io.Reader = resp.Body
	b, _ := io.ReadAll(body) // leak: fixedEndpoints
	return string(b)
}

type fetcher struct {
	last *http.Response
}

// A response kept in a field of a struct declared in this file.
func (f *fetcher) body() []byte {
	b, _ := io.ReadAll(f.last.Body) // leak: fixedEndpoints
	return b
}

// A response from another file's helper: its type is unknown here (a miss we accept).
func f10() []byte {
	resp, err := fetchFromOtherFile("http://example.com/")
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body) // leak: fixedEndpoints
	return b
}

// Responses ranged over from a parameter typed []*http.Response.
func f11(resps []*http.Response) int {
	n := 0
	for _, resp := range resps {
		b, _ := io.ReadAll(resp.Body) // leak: fixedEndpoints
		n += len(b)
	}
	return n
}

// Silent: bounded.
func g1() ([]byte, error) {
	resp, err := http.Get("http://example.com/")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(io.LimitReader(resp.Body, 1<<16))
}

// Silent: only the first n bytes.
func g2(resp *http.Response) []byte {
	var buf bytes.Buffer
	io.CopyN(&buf, resp.Body, 512)
	return buf.Bytes()
}

// Silent: a LimitedReader.
func g3(resp *http.Response) []byte {
	b, _ := io.ReadAll(&io.LimitedReader{R: resp.Body, N: 1 << 16})
	return b
}

// Silent: reading the request we built ourselves from a string.
func g4() []byte {
	b, _ := io.ReadAll(strings.NewReader("payload"))
	return b
}

// Silent: the body is closed without reading.
func g5() {
	resp, err := http.Get("http://example.com/")
	if err != nil {
		return
	}
	resp.Body.Close()
}

// Silent: a response wrapper replaced by a bounded body first.
func g6(resp *http.Response) []byte {
	resp.Body = ioutil.NopCloser(io.LimitReader(resp.Body, 1<<20))
	b, _ := ioutil.ReadAll(resp.Body)
	return b
}
