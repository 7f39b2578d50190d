package otp

import (
	"fmt"
	"time"
)

// SMSText is the text of the SMS carrying code c. It is plain ASCII without
// diacritics so that it fits one GSM-7 segment (160 characters): Vietnamese
// letters would force UCS-2 and 70-character segments. It names the purpose,
// so a code arriving out of the blue tells the reader what someone is trying
// to do, and warns against passing the code on.
func SMSText(purpose string, c Code, ttl time.Duration) string {
	var what string
	switch purpose {
	case PurposeRegistration:
		what = "xac nhan so dien thoai tao tai khoan Cong DVC"
	case PurposeReset:
		what = "dat lai mat khau tai khoan Cong DVC"
	default:
		what = "Cong DVC"
	}
	return fmt.Sprintf("Ma OTP %s: %s. Hieu luc %s. Khong cung cap ma cho bat ky ai.", what, c, duration(ttl))
}

// duration says ttl in Vietnamese without diacritics: whole minutes when it
// is a whole number of minutes, seconds otherwise (never rounded up, so the
// text never promises more time than the code has).
func duration(ttl time.Duration) string {
	if ttl >= time.Minute && ttl%time.Minute == 0 {
		return fmt.Sprintf("%d phut", int(ttl/time.Minute))
	}
	return fmt.Sprintf("%d giay", int(ttl/time.Second))
}
