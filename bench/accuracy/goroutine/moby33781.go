// GoBench goker blocking/moby/33781 (reconstructed): the health-check monitor runs a probe
// in a goroutine; when stop fires or the probe times out, the probe's result send blocks.
// Docker's fix made results buffered (make(chan *HealthcheckResult, 1)).
package kernels

import (
	"context"
	"time"
)

type HealthcheckResult struct{ ExitCode int }

type probe interface {
	run(ctx context.Context) (*HealthcheckResult, error)
}

func monitor(stop chan struct{}, p probe, interval, timeout time.Duration) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(interval):
			ctx, cancelProbe := context.WithTimeout(context.Background(), timeout)
			results := make(chan *HealthcheckResult)
			go func() {
				result, err := p.run(ctx)
				if err != nil {
					results <- &HealthcheckResult{ExitCode: -1} // leak
				} else {
					results <- result
				}
				close(results)
			}()
			select {
			case <-stop:
				cancelProbe()
				return
			case result := <-results:
				_ = result
				cancelProbe()
			case <-ctx.Done():
				cancelProbe()
			}
		}
	}
}
