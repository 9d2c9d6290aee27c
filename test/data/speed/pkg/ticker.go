package pkg

import (
	"fmt"
	tm "time"
)

func poll() {
	t := tm.NewTicker(tm.Second)
	go func() {
		for range t.C {
			fmt.Println("tick")
		}
	}()
	timer := tm.NewTimer(tm.Minute)
	<-timer.C
}
