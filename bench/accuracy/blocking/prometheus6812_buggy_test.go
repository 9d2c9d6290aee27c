// prometheus/prometheus#6812 (scrape tests): the scrape loop runs in a goroutine that
// reports its end on errc; the test gives up after a timeout with t.Fatalf and the
// goroutine stays blocked on the send.
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
	errc := make(chan error)
	go func() {
		errc <- sl.run() // leak
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
