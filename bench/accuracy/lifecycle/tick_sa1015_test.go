// SA1015 leaves tests alone.
package lifecycle

import (
	"testing"
	"time"
)

func TestTick(t *testing.T) {
	<-time.Tick(time.Millisecond)
}
