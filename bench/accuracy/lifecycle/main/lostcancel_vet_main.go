// go vet does not analyse main.main (the process ends when it returns).
package main

import "context"

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	_ = ctx
	_ = cancel
}
