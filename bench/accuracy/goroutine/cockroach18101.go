// GoBench goker blocking/cockroach/18101 (reconstructed): restore ranges over the
// channel that splitAndScatter fills, and returns when the group context is done; the
// producer keeps sending with no way out once the small buffer is full.
package kernels

import (
	"context"

	"golang.org/x/sync/errgroup"
)

const importRequestsLen = 4

func splitAndScatter(ctx context.Context, readyForImportCh chan bool) error {
	for i := 0; i < importRequestsLen; i++ {
		readyForImportCh <- true // leak
	}
	return nil
}

func restore(ctx context.Context) bool {
	readyForImportCh := make(chan bool, importRequestsLen-1)
	g, gCtx := errgroup.WithContext(ctx)
	g.Go(func() error {
		defer close(readyForImportCh)
		return splitAndScatter(gCtx, readyForImportCh)
	})
	for range readyForImportCh {
		select {
		case <-gCtx.Done():
			return false
		default:
		}
	}
	return g.Wait() == nil
}
