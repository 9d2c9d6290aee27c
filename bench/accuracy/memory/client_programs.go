// Programs and serverless functions in the shapes of a cloud samples repository. A line
// labelled `// leak` is one where its maintainers added `defer client.Close()`.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"sync"

	"cloud.google.com/go/datastore"
	"cloud.google.com/go/logging"
	"cloud.google.com/go/pubsub"
	"cloud.google.com/go/storage"
	netcontext "golang.org/x/net/context"
	"google.golang.org/appengine"
)

// A quickstart: the sample's main makes the client and exits.
func main() {
	ctx := context.Background()
	client, err := pubsub.NewClient(ctx, os.Getenv("PROJECT_ID")) // leak
	if err != nil {
		log.Fatalf("Failed to create client: %v", err)
	}
	topic, err := client.CreateTopic(ctx, "my-topic")
	if err != nil {
		log.Fatalf("Failed to create topic: %v", err)
	}
	fmt.Printf("Topic %v created.\n", topic)
	serve()
}

// An old quickstart, from before the context package was in the standard library.
func quickstartLogging() {
	ctx := netcontext.Background()
	client, err := logging.NewClient(ctx, "my-project") // leak
	if err != nil {
		log.Fatalf("Failed to create client: %v", err)
	}
	client.Logger("my-log").Log(logging.Entry{Payload: "Hello, world!"})
}

// Cloud Functions keep their clients in package variables, made once per instance.
var (
	storageClient *storage.Client
	once          sync.Once
)

func init() {
	var err error
	storageClient, err = storage.NewClient(context.Background())
	if err != nil {
		log.Fatalf("storage.NewClient: %v", err)
	}
}

func lazyPubsub() *pubsub.Client {
	var c *pubsub.Client
	once.Do(func() {
		c, _ = pubsub.NewClient(context.Background(), "p")
	})
	return c
}

type PubSubMessage struct {
	Data []byte `json:"data"`
}

// A background function that makes a client on every event.
func HelloPubSub(ctx context.Context, m PubSubMessage) error {
	client, err := storage.NewClient(ctx) // leak
	if err != nil {
		return fmt.Errorf("storage.NewClient: %w", err)
	}
	return client.Bucket("b").Object(string(m.Data)).Delete(ctx)
}

// An HTTP function that makes a client on every request.
func Entries(w http.ResponseWriter, r *http.Request) {
	client, err := datastore.NewClient(r.Context(), os.Getenv("PROJECT_ID")) // leak
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var out []map[string]interface{}
	if _, err := client.GetAll(r.Context(), datastore.NewQuery("Entry"), &out); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	json.NewEncoder(w).Encode(out)
}

// An App Engine handler with the App Engine context.
func appengineHandler(w http.ResponseWriter, r *http.Request) {
	ctx := appengine.NewContext(r)
	client, err := storage.NewClient(ctx) // leak
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintln(w, client.Bucket("b"))
}

// A server that shares one client with its handlers: it lives as long as the process.
func serve() {
	ctx := context.Background()
	client, err := datastore.NewClient(ctx, "p")
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		var v struct{}
		client.Get(r.Context(), datastore.NameKey("K", "k", nil), &v)
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}

func use(interface{}) {}

func init() { use(storageClient); use(lazyPubsub) }
