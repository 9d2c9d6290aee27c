module example.com/lifecycle

// Timers before Go 1.23: the version the timer rules apply to.
go 1.22
