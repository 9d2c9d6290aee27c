// Sample code in the shapes of a cloud samples repository: one function per task that makes
// a client, uses it and returns. A line labelled `// leak` is one where that repository's
// maintainers added `defer client.Close()`; every other line must stay silent.
package samples

import (
	"context"
	"fmt"
	"io"
	"time"

	"cloud.google.com/go/bigquery"
	"cloud.google.com/go/bigtable"
	dlp "cloud.google.com/go/dlp/apiv2"
	"cloud.google.com/go/firestore"
	kms "cloud.google.com/go/kms/apiv1"
	"cloud.google.com/go/pubsub"
	secretmanager "cloud.google.com/go/secretmanager/apiv1"
	"cloud.google.com/go/spanner"
	"cloud.google.com/go/storage"
	"cloud.google.com/go/translate"
	"cloud.google.com/go/vertexai/genai"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"
	gogenai "google.golang.org/genai"
	"golang.org/x/text/language"
)

func listBuckets(w io.Writer, projectID string) error {
	ctx := context.Background()
	client, err := storage.NewClient(ctx) // leak
	if err != nil {
		return fmt.Errorf("storage.NewClient: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second*30)
	defer cancel()
	it := client.Buckets(ctx, projectID)
	for {
		attrs, err := it.Next()
		if err == iterator.Done {
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(w, attrs.Name)
	}
}

func deleteBucket(w io.Writer, bucket string) error {
	ctx := context.Background()
	client, err := storage.NewClient(ctx)
	if err != nil {
		return fmt.Errorf("storage.NewClient: %w", err)
	}
	defer client.Close()
	if err := client.Bucket(bucket).Delete(ctx); err != nil {
		return err
	}
	fmt.Fprintf(w, "Bucket %v deleted\n", bucket)
	return nil
}

func uploadFile(w io.Writer, bucket, object string, r io.Reader) error {
	ctx := context.Background()
	client, err := storage.NewClient(ctx) // leak
	if err != nil {
		return fmt.Errorf("storage.NewClient: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second*50)
	defer cancel()
	wc := client.Bucket(bucket).Object(object).NewWriter(ctx)
	if _, err := io.Copy(wc, r); err != nil {
		return fmt.Errorf("io.Copy: %w", err)
	}
	if err := wc.Close(); err != nil {
		return fmt.Errorf("Writer.Close: %w", err)
	}
	fmt.Fprintf(w, "Blob %v uploaded.\n", object)
	return nil
}

func downloadIntoMemory(w io.Writer, bucket, object string) ([]byte, error) {
	ctx := context.Background()
	client, err := storage.NewClient(ctx) // leak
	if err != nil {
		return nil, fmt.Errorf("storage.NewClient: %w", err)
	}
	rc, err := client.Bucket(bucket).Object(object).NewReader(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "Blob %v downloaded.\n", object)
	return data, nil
}

func objectMetadata(w io.Writer, bucket, object string) (*storage.ObjectAttrs, error) {
	ctx := context.Background()
	client, err := storage.NewClient(ctx) // leak
	if err != nil {
		return nil, err
	}
	attrs, err := client.Bucket(bucket).Object(object).Attrs(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "Bucket: %v\n", attrs.Bucket)
	return attrs, nil
}

func accessSecretVersion(w io.Writer, name string) error {
	ctx := context.Background()
	client, err := secretmanager.NewClient(ctx) // leak
	if err != nil {
		return fmt.Errorf("failed to create secretmanager client: %w", err)
	}
	result, err := client.AccessSecretVersion(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s\n", result.Payload.Data)
	return nil
}

func publish(w io.Writer, projectID, topicID, msg string) error {
	ctx := context.Background()
	client, err := pubsub.NewClient(ctx, projectID) // leak
	if err != nil {
		return fmt.Errorf("pubsub.NewClient: %w", err)
	}
	t := client.Topic(topicID)
	result := t.Publish(ctx, &pubsub.Message{Data: []byte(msg)})
	id, err := result.Get(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Published a message; msg ID: %v\n", id)
	return nil
}

func queryBasic(w io.Writer, projectID string) error {
	ctx := context.Background()
	client, err := bigquery.NewClient(ctx, projectID) // leak
	if err != nil {
		return fmt.Errorf("bigquery.NewClient: %w", err)
	}
	q := client.Query("SELECT 1")
	job, err := q.Run(ctx)
	if err != nil {
		return err
	}
	status, err := job.Wait(ctx)
	if err != nil {
		return err
	}
	return status.Err()
}

func createFamily(w io.Writer, projectID, instanceID, table string) error {
	ctx := context.Background()
	adminClient, err := bigtable.NewAdminClient(ctx, projectID, instanceID) // leak
	if err != nil {
		return fmt.Errorf("bigtable.NewAdminClient: %w", err)
	}
	return adminClient.CreateColumnFamily(ctx, table, "cf1")
}

func writeSpanner(w io.Writer, db string) error {
	ctx := context.Background()
	client, err := spanner.NewClient(ctx, db) // leak
	if err != nil {
		return err
	}
	_, err = client.Apply(ctx, []*spanner.Mutation{spanner.Insert("Singers", []string{"SingerId"}, []interface{}{1})})
	return err
}

func addDoc(ctx context.Context, w io.Writer, projectID string) error {
	client, err := firestore.NewClient(ctx, projectID) // leak
	if err != nil {
		return err
	}
	_, _, err = client.Collection("users").Add(ctx, map[string]interface{}{"first": "Ada"})
	return err
}

func encrypt(w io.Writer, name string, plaintext []byte) error {
	ctx := context.Background()
	client, err := kms.NewKeyManagementClient(ctx) // leak
	if err != nil {
		return fmt.Errorf("failed to create kms client: %w", err)
	}
	_, err = client.Encrypt(ctx, nil)
	return err
}

func inspect(w io.Writer, projectID string) error {
	ctx := context.Background()
	client, err := dlp.NewClient(ctx) // leak
	if err != nil {
		return fmt.Errorf("dlp.NewClient: %w", err)
	}
	_, err = client.InspectContent(ctx, nil)
	return err
}

func translateText(targetLanguage, text string) (string, error) {
	ctx := context.Background()
	client, err := translate.NewClient(ctx) // leak
	if err != nil {
		return "", err
	}
	resp, err := client.Translate(ctx, []string{text}, language.Make(targetLanguage), nil)
	if err != nil {
		return "", err
	}
	return resp[0].Text, nil
}

func generate(w io.Writer, projectID, location string) error {
	ctx := context.Background()
	client, err := genai.NewClient(ctx, projectID, location) // leak
	if err != nil {
		return fmt.Errorf("error creating client: %w", err)
	}
	model := client.GenerativeModel("gemini-pro")
	resp, err := model.GenerateContent(ctx, genai.Text("hi"))
	if err != nil {
		return err
	}
	fmt.Fprintln(w, resp)
	return nil
}

// The newer genai SDK's client has no Close.
func generateNew(w io.Writer) error {
	ctx := context.Background()
	client, err := gogenai.NewClient(ctx, &gogenai.ClientConfig{})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, client)
	return nil
}

// Two clients, one of them closed.
func copyToTopic(w io.Writer, projectID, bucket, topic string) error {
	ctx := context.Background()
	sc, err := storage.NewClient(ctx)
	if err != nil {
		return err
	}
	defer sc.Close()
	pc, err := pubsub.NewClient(ctx, projectID, option.WithUserAgent("samples")) // leak
	if err != nil {
		return err
	}
	_ = sc.Bucket(bucket)
	_ = pc.Topic(topic)
	return nil
}

// Returns an iterator the caller pages through with the client: the maintainers moved the
// client to main rather than close it here.
func query(proj string) (*bigquery.RowIterator, error) {
	ctx := context.Background()
	client, err := bigquery.NewClient(ctx, proj)
	if err != nil {
		return nil, err
	}
	return client.Query("SELECT 1").Read(ctx)
}
