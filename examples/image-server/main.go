// Seed 000, the image server: every download was read with bytes.Buffer.ReadFrom into a
// buffer sized from the peer's Content-Length, and the buffer doubled its capacity as it
// grew (2*cap + MinRead), so memory climbed to gigabytes held by buf.Bytes().
// Rule: unbounded-read.
package main

import (
	"bytes"
	"io"
	"log"
	"net/http"
)

const maxImageBytes = 32 << 20

// fetchImage is the leaking version from the story.
func fetchImage(url string) ([]byte, error) {
	res, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	buffer := bytes.NewBuffer(make([]byte, 0, res.ContentLength))
	if _, err := buffer.ReadFrom(res.Body); err != nil {
		return nil, err
	}
	return buffer.Bytes(), nil
}

// fetchImageBounded reads at most maxImageBytes and keeps only what it read.
func fetchImageBounded(url string) ([]byte, error) {
	res, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	return io.ReadAll(io.LimitReader(res.Body, maxImageBytes))
}

func main() {
	for _, u := range []string{"http://localhost:8080/a.jpg", "http://localhost:8080/b.jpg"} {
		b, err := fetchImage(u)
		if err != nil {
			log.Println(err)
			continue
		}
		c, _ := fetchImageBounded(u)
		log.Println(len(b), len(c))
	}
}
