// go vet's httpresponse analyzer documents the defer placed before the error check: when
// the request fails the response is nil and the deferred call panics.
package vet

import (
	"log"
	"net/http"
)

func headBeforeCheck(url string) {
	resp, err := http.Get(url)
	defer resp.Body.Close() // leak
	if err != nil {
		log.Fatal(err)
	}
}

func headAfterCheck(url string) {
	resp, err := http.Get(url)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
}

func clientBeforeCheck(c *http.Client, req *http.Request) error {
	res, err := c.Do(req)
	defer res.Body.Close() // leak
	if err != nil {
		return err
	}
	return nil
}
