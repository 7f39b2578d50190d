package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/rules/refusal"
)

// DefaultMaxBodyBytes caps a request body that is not an upload (GraphQL
// JSON, SMS receipts): 1 MiB, some hundred times the largest operation the
// app sends.
const DefaultMaxBodyBytes = 1 << 20

// limitBodies caps every request body before anything reads it: a body that
// says it is larger is refused at once, unread; one that does not say
// (chunked) is cut off at the cap by http.MaxBytesReader, whose error the
// readers below answer with 413. GraphQL uploads have their own, larger cap;
// an upload must say its length, so that its cap is checked up front too.
func limitBodies(maxJSON int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		limit := maxJSON
		if r.URL.Path == "/graphql" && isMultipart(r) {
			if r.ContentLength < 0 {
				writeJSONError(w, r, http.StatusLengthRequired, refusal.New(refusal.Validation,
					"Tệp tải lên phải kèm độ dài (Content-Length).",
					"An upload must state its length (Content-Length)."))
				return
			}
			limit = maxUploadBytes
		}
		if r.ContentLength > limit {
			tooLarge(w, r, limit)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// readGraphQLJSON reads a JSON GraphQL request whole (limitBodies has capped
// it) and checks that it decodes as gqlgen will decode it, so that gqlgen
// never answers a malformed body: its answer would quote the body. It returns
// false after answering 413 or 400 itself.
func readGraphQLJSON(w http.ResponseWriter, r *http.Request) bool {
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	if _, err := buf.ReadFrom(r.Body); err != nil {
		if tooBig, ok := errors.AsType[*http.MaxBytesError](err); ok {
			tooLarge(w, r, tooBig.Limit)
			return false
		}
		writeJSONError(w, r, http.StatusBadRequest, errMalformedBody())
		return false
	}
	// gqlgen's transport decodes with UseNumber into RawParams; the same
	// decoder succeeding here means it succeeds there.
	dec := json.NewDecoder(bytes.NewReader(buf.Bytes()))
	dec.UseNumber()
	var params graphql.RawParams
	if err := dec.Decode(&params); err != nil {
		writeJSONError(w, r, http.StatusBadRequest, errMalformedBody())
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(buf.Bytes()))
	r.ContentLength = int64(buf.Len())
	return true
}

// tooLarge answers 413 and closes the connection after the answer, so that
// the rest of the body is never read.
func tooLarge(w http.ResponseWriter, r *http.Request, limit int64) {
	w.Header().Set("Connection", "close")
	writeJSONError(w, r, http.StatusRequestEntityTooLarge, refusal.New(refusal.RequestTooLarge,
		fmt.Sprintf("Yêu cầu quá lớn: tối đa %d byte.", limit),
		fmt.Sprintf("The request is too large: at most %d bytes.", limit)).With("maxBytes", limit))
}

// writeJSONError answers a request refused before GraphQL ran, in the shape
// of a GraphQL error, in the request's language.
func writeJSONError(w http.ResponseWriter, r *http.Request, status int, e *refusal.Error) {
	ext := map[string]any{"code": string(e.Code)}
	for k, v := range e.Extra {
		ext[k] = v
	}
	body := map[string]any{"errors": []any{map[string]any{
		"message": e.Message(requestinfo.FromContext(r.Context()).Lang), "extensions": ext,
	}}}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return strings.HasPrefix(mt, "multipart/")
}
