package auth

import (
	"time"

	"github.com/motcua/motcua/internal/rules/refusal"
)

// The refusals are built per call: a *refusal.Error is mutable, so none is
// shared. None says whether an account exists unless its password was given.

func errUnauthenticated() *refusal.Error {
	return refusal.New(refusal.Unauthenticated, "Vui lòng đăng nhập.", "Please sign in.")
}

// errWrongCredentials answers every failed sign-in: unknown login, wrong
// password, account without a password.
func errWrongCredentials() *refusal.Error {
	return refusal.New(refusal.Unauthenticated,
		"Số định danh cá nhân/số điện thoại hoặc mật khẩu không đúng.",
		"The ID number/phone number or the password is incorrect.")
}

func errThrottled(until time.Time) *refusal.Error {
	return refusal.New(refusal.RateLimited,
		"Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau.",
		"Too many failed attempts. Please try again later.").
		With("availableAt", until.UTC().Format(time.RFC3339))
}

func errAccountLocked() *refusal.Error {
	return refusal.New(refusal.Forbidden,
		"Tài khoản này đang bị khóa. Vui lòng liên hệ bộ phận một cửa để được hỗ trợ.",
		"This account is locked. Please contact the one-stop desk for help.")
}

func errAccountNotActivated() *refusal.Error {
	return refusal.New(refusal.Forbidden,
		"Tài khoản này chưa được kích hoạt. Vui lòng liên hệ bộ phận một cửa để được hỗ trợ.",
		"This account has not been activated yet. Please contact the one-stop desk for help.")
}

// errInitialPasswordSpent: the right initial password, but already used or
// past its expiry. Said only to someone who typed it correctly.
func errInitialPasswordSpent() *refusal.Error {
	return refusal.New(refusal.InvalidState,
		"Mật khẩu nhận qua tin nhắn chỉ dùng được cho một lần đăng nhập trong thời hạn quy định và nay đã hết hiệu lực. Vui lòng dùng chức năng Quên mật khẩu hoặc đề nghị bộ phận một cửa gửi lại mật khẩu.",
		"The password received by SMS works for one sign-in within a limited time and is no longer valid. Use “Forgot password” or ask the one-stop desk to send a new one.")
}

func errWrongCurrentPassword() *refusal.Error {
	return refusal.New(refusal.Validation,
		"Mật khẩu hiện tại không đúng.",
		"The current password is incorrect.").OnField("currentPassword")
}

func errSamePassword() *refusal.Error {
	return refusal.New(refusal.Validation,
		"Mật khẩu mới phải khác mật khẩu hiện tại.",
		"The new password must differ from the current one.").OnField("newPassword")
}

func errPasswordChangedMeanwhile() *refusal.Error {
	return refusal.New(refusal.InvalidState,
		"Mật khẩu của tài khoản vừa được thay đổi ở nơi khác. Vui lòng thử lại.",
		"The account's password was changed elsewhere in the meantime. Please try again.")
}

func errSessionNotFound() *refusal.Error {
	return refusal.New(refusal.NotFound,
		"Không tìm thấy phiên đăng nhập.",
		"Session not found.").OnField("sessionID")
}

func errAccountNotFound() *refusal.Error {
	return refusal.New(refusal.NotFound,
		"Không tìm thấy tài khoản.",
		"Account not found.").OnField("accountID")
}

func errMayNotUnlock() *refusal.Error {
	return refusal.New(refusal.Forbidden,
		"Bạn không có quyền mở khóa đăng nhập cho tài khoản.",
		"You may not clear sign-in locks.")
}

func errUnlockOutOfScope() *refusal.Error {
	return refusal.New(refusal.OutOfScope,
		"Tài khoản này thuộc đơn vị nằm ngoài phạm vi quản lý của bạn.",
		"This account belongs to a unit outside your scope.")
}

func errSuperAdminExists() *refusal.Error {
	return refusal.New(refusal.AccountExists,
		"Đã có tài khoản với số định danh cá nhân này.",
		"An account with this ID number already exists.").OnField("idNumber")
}

func errBadName() *refusal.Error {
	return refusal.New(refusal.Validation,
		"Vui lòng nhập họ và tên (tối đa 100 ký tự).",
		"Enter the full name (at most 100 characters).").OnField("fullName")
}
