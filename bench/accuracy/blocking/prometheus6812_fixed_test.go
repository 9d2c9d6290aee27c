// prometheus/prometheus#6812, fixed: one buffer slot for the goroutine's result.
package kernels

import (
	"context"
	"testing"
	"time"
)

type scrapeLoop struct{ ctx context.Context }

func (sl *scrapeLoop) run() error {
	<-sl.ctx.Done()
	return nil
}

func TestScrapeLoopStop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sl := &scrapeLoop{ctx: ctx}
	errc := make(chan error, 1)
	go func() {
		errc <- sl.run()
	}()
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("unexpected error: %s", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("Scrape wasn't stopped.")
	}
}
