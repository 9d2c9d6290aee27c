// The benchmark corpus (shared/corpus/setup.sh installs it): the Go 1.19 standard library and
// four large projects from Debian's Go sources.
export const CORPUS = [
  '/usr/share/go-1.19/src',
  '/usr/share/gocode/src/google.golang.org/grpc',
  '/usr/share/gocode/src/go.etcd.io/etcd',
  '/usr/share/gocode/src/github.com/docker/docker',
  '/usr/share/gocode/src/cloud.google.com/go',
];

// Large servers with heavy concurrency (channels, goroutines, locks, HTTP): issue 15's bars
// are measured on these and the standard library (`npm run bench -- --heavy`).
export const HEAVY = [
  '/usr/share/go-1.19/src',
  '/usr/share/gocode/src/go.etcd.io/etcd',
  '/usr/share/gocode/src/github.com/docker/docker',
  '/usr/share/gocode/src/github.com/containerd/containerd',
  '/usr/share/gocode/src/google.golang.org/grpc',
  '/usr/share/gocode/src/github.com/nats-io/nats-server',
  '/usr/share/gocode/src/github.com/syncthing/syncthing',
];
