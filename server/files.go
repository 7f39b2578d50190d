package server

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/motcua/motcua/ent"
	"github.com/motcua/motcua/ent/privacy"
	"github.com/motcua/motcua/ent/schema/pulid"
	"github.com/motcua/motcua/internal/platform/requestinfo"
	"github.com/motcua/motcua/internal/platform/scans"
	"github.com/motcua/motcua/internal/rules/refusal"
	"github.com/motcua/motcua/policy/viewer"
)

// requestForm serves the printable request form of a registration.
func requestForm(files Files, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !signedIn(w, r) {
			return
		}
		pdf, err := files.RequestFormPDF(r.Context(), pulid.ID(r.PathValue("id")))
		if err != nil {
			fileError(w, r, err, logger)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `inline; filename="giay-de-nghi-tao-tai-khoan.pdf"`)
		w.Header().Set("Cache-Control", "no-store")
		w.Write(pdf) //nolint:errcheck
	})
}

// scan serves a registration's ID scan as a download, never inline.
func scan(files Files, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !signedIn(w, r) {
			return
		}
		kind, data, err := files.ReadScan(r.Context(), pulid.ID(r.PathValue("id")))
		if err != nil {
			fileError(w, r, err, logger)
			return
		}
		scans.ServeHeaders(w, kind, len(data))
		w.Write(data) //nolint:errcheck
	})
}

func signedIn(w http.ResponseWriter, r *http.Request) bool {
	v := viewer.FromContext(r.Context())
	if !v.SignedIn() {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return false
	}
	if v.PasswordChangeOnly {
		http.Error(w, "change your password first", http.StatusForbidden)
		return false
	}
	return true
}

func fileError(w http.ResponseWriter, r *http.Request, err error, logger *slog.Logger) {
	lang := requestinfo.FromContext(r.Context()).Lang
	if rf, ok := refusal.As(err); ok {
		status := http.StatusBadRequest
		switch rf.Code {
		case refusal.NotFound:
			status = http.StatusNotFound
		case refusal.Forbidden, refusal.OutOfScope:
			status = http.StatusForbidden
		case refusal.Unauthenticated:
			status = http.StatusUnauthorized
		}
		http.Error(w, rf.Message(lang), status)
		return
	}
	if ent.IsNotFound(err) || isDenied(err) {
		// Not found and not yours look the same: ids of others' cases are not confirmed.
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	logger.Error("file", "request_id", requestinfo.FromContext(r.Context()).ID, "err", err)
	http.Error(w, "internal error", http.StatusInternalServerError)
}

func isDenied(err error) bool { return err != nil && errorsIs(err, privacy.Deny) }

var errorsIs = errors.Is
