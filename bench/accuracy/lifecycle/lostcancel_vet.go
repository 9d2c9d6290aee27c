// Cases of go vet's lostcancel, rewritten from its documentation and messages: the cancel
// function of WithCancel, WithTimeout, WithDeadline and the Cause variants must be called
// on every path; discarding it is reported; main.main and variables of another function
// are not analysed.
package lifecycle

import (
	"context"
	"errors"
	"time"
)

func fetch(ctx context.Context) error { return ctx.Err() }

// "the cancel function returned by context.WithCancel should be called, not discarded"
func discardCancel(ctx context.Context) error {
	ctx, _ = context.WithCancel(ctx) // leak
	return fetch(ctx)
}

func discardTimeout(ctx context.Context) error {
	c, _ := context.WithTimeout(ctx, time.Second) // leak
	return fetch(c)
}

func discardDeadline(ctx context.Context) error {
	c, _ := context.WithDeadline(ctx, time.Now().Add(time.Second)) // leak
	return fetch(c)
}

// "the cancel function is not used on all paths (possible context leak)" and "this return
// statement may be reached without using the cancel var defined on line N"
func notOnAllPaths(ctx context.Context, x int) error {
	c, cancel := context.WithCancel(ctx) // leak
	if x < 0 {
		return errors.New("negative")
	}
	defer cancel()
	return fetch(c)
}

// Assigned to a parameter and never used again.
func intoParameter(ctx context.Context, cancel func()) {
	var ctx2 context.Context
	ctx2, cancel = context.WithCancel(ctx) // leak
	_ = ctx2
}

// The Cause variants.
func cancelCause(ctx context.Context) error {
	c, cancel := context.WithCancelCause(ctx) // leak
	if err := fetch(c); err != nil {
		return err
	}
	cancel(nil)
	return nil
}

func timeoutCause(ctx context.Context) error {
	c, _ := context.WithTimeoutCause(ctx, time.Second, errors.New("slow")) // leak
	return fetch(c)
}

func deadlineCause(ctx context.Context, ok bool) {
	c, cancel := context.WithDeadlineCause(ctx, time.Now(), errors.New("late")) // leak
	if ok {
		return
	}
	cancel()
	_ = fetch(c)
}

// A loop whose break skips the cancel.
func loopBreak(ctx context.Context, items []int) {
	for range items {
		c, cancel := context.WithTimeout(ctx, time.Second) // leak
		if fetch(c) != nil {
			break
		}
		cancel()
	}
}

// Not reported: deferred at once, called on every path, returned, stored, passed on.
func deferred(ctx context.Context) error {
	c, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return fetch(c)
}

func everyPath(ctx context.Context, x int) error {
	c, cancel := context.WithCancel(ctx)
	if x < 0 {
		cancel()
		return errors.New("negative")
	}
	err := fetch(c)
	cancel()
	return err
}

func returned(ctx context.Context) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancel(ctx)
	return c, cancel
}

type holder struct{ cancel context.CancelFunc }

func stored(ctx context.Context, h *holder) context.Context {
	c, cancel := context.WithCancel(ctx)
	h.cancel = cancel
	return c
}

func passedOn(ctx context.Context, register func(func())) context.Context {
	c, cancel := context.WithCancel(ctx)
	register(cancel)
	return c
}

// A variable of the enclosing function: go vet leaves it alone.
func outerVariable(ctx context.Context) {
	var cancel context.CancelFunc
	func() {
		ctx, cancel = context.WithCancel(ctx)
	}()
	cancel()
}

// A path that ends in panic needs no cancel.
func panics(ctx context.Context, x int) error {
	c, cancel := context.WithCancel(ctx)
	if x < 0 {
		panic("negative")
	}
	defer cancel()
	return fetch(c)
}
