package requestinfo

import (
	"context"
	"testing"
	"time"
)

func TestLangFromAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{
		"":                        "vi",
		"en":                      "en",
		"en-US,en;q=0.9":          "en",
		"vi-VN,vi;q=0.9,en;q=0.8": "vi",
		"fr-FR, en;q=0.5":         "en",
		"fr":                      "vi",
	} {
		if got := LangFromAcceptLanguage(h); got != want {
			t.Errorf("%q: %s, want %s", h, got, want)
		}
	}
}

func TestSessionWriterDefaultsToNothing(t *testing.T) {
	w := SessionWriterFrom(context.Background())
	w.SetSession("t", time.Time{}) // must not panic
	w.ClearSession()
	if FromContext(context.Background()) != (Info{}) {
		t.Fatal("empty context has info")
	}
}
