// staticcheck SA9001, rewritten from its documentation ("Defers in range loops may not run
// when you expect them to"): defers in a range over a channel run only when the channel is
// closed and the function returns; a break or return right after the defer is fine
// (go-tools issue 488).
package lifecycle

import (
	"os"
	"sync"
)

func handleFiles(names <-chan string) {
	for name := range names {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		defer f.Close() // leak
	}
}

func lockPerJob(mu *sync.Mutex, jobs chan int) {
	for j := range jobs {
		mu.Lock()
		defer mu.Unlock() // leak
		_ = j
	}
}

func logPerJob(jobs chan int) {
	for j := range jobs {
		defer println(j) // leak
	}
}

func firstOnly(names <-chan string) {
	for name := range names {
		f, _ := os.Open(name)
		defer f.Close()
		break
	}
}

func returnsAfter(names <-chan string) *os.File {
	for name := range names {
		f, _ := os.Open(name)
		defer f.Close()
		return nil
	}
	return nil
}
