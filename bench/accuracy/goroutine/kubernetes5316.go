// GoBench goker blocking/kubernetes/5316 (reconstructed): finishRequest runs the request
// in a goroutine and waits with a timeout; on timeout nobody receives from ch or errCh.
package kernels

import (
	"errors"
	"time"
)

type Object interface{}

type resultFunc func() (Object, error)

func finishRequest(timeout time.Duration, fn resultFunc) (result Object, err error) {
	ch := make(chan Object)
	errCh := make(chan error)
	go func() {
		if result, err := fn(); err != nil {
			errCh <- err // leak
		} else {
			ch <- result // leak
		}
	}()

	select {
	case result = <-ch:
		if status, ok := result.(error); ok {
			return nil, status
		}
		return result, nil
	case err = <-errCh:
		return nil, err
	case <-time.After(timeout):
		return nil, errors.New("timeout")
	}
}
