// Seed 000 as the image service wrote it, and the blog post it learned from
// (openmymind.net, "Go Slices And The Case Of The Missing Memory").
package imageservice

import (
	"bytes"
	"errors"
	"io"
	"io/ioutil"
	"net/http"
)

type Handler struct {
	client *http.Client
}

func (h *Handler) httpGetToMagickWand(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New(resp.Status)
	}
	buffer := bytes.NewBuffer(make([]byte, 0, resp.ContentLength)) // leak
	buffer.ReadFrom(resp.Body)                                     // leak
	body := buffer.Bytes()
	return body, nil
}

// The "solution" of the post: a fixed start size and a copy out when wasteful. Not labelled
// since the triage round: a *http.Request handed in without its ResponseWriter may be one
// this code sends (on the triage corpus such reads were a debug dump and a transport
// filter of outgoing requests, and a framework's binding), so no mode reports it.
func (h *Handler) download(r *http.Request) []byte {
	buffer := bytes.NewBuffer(make([]byte, 0, 65536))
	io.Copy(buffer, r.Body)
	temp := buffer.Bytes()
	length := len(temp)
	var body []byte
	if cap(temp) > (length + length/10) {
		body = make([]byte, length)
		copy(body, temp)
	} else {
		body = temp
	}
	return body
}

// What ioutil.ReadAll did before the post.
func (h *Handler) old(url string) ([]byte, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return nil, err
	}
	res, err := h.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	return ioutil.ReadAll(res.Body) // leak: inputURLs
}

const maxImage = 20 << 20

// The fix the rule asks for: bounded, and copied out of the buffer.
func (h *Handler) fixed(url string) ([]byte, error) {
	res, err := h.client.Get(url)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(res.Body, maxImage)); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// Silent: a size check against ContentLength before a presized buffer.
func (h *Handler) checked(res *http.Response) ([]byte, error) {
	if res.ContentLength <= 0 || res.ContentLength > maxImage {
		return nil, errors.New("bad size")
	}
	buf := make([]byte, res.ContentLength)
	_, err := io.ReadFull(res.Body, buf)
	return buf, err
}
