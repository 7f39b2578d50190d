// The words of "Ứng dụng đã liên kết" on the account page and of the scopes, apart from
// the rest of the SSO texts so that the citizen's account page downloads only these.

export const appsVi = {
  'scope.openid': 'mã định danh tài khoản (không phải số định danh cá nhân)',
  'scope.profile': 'họ tên, ngày sinh',
  'scope.phone': 'số điện thoại',
  'scope.email': 'thư điện tử',
  'scope.vn_identity': 'số định danh cá nhân (12 số)',
  'scope.offline_access': 'giữ kết nối khi bạn không trực tiếp sử dụng hệ thống',
  'apps.title': 'Ứng dụng đã liên kết',
  'apps.intro': 'Các hệ thống bạn đã cho phép đăng nhập bằng tài khoản này và nhận thông tin của bạn.',
  'apps.empty': 'Bạn chưa cho hệ thống nào đăng nhập bằng tài khoản này.',
  'apps.since': 'Liên kết từ ngày {date}',
  'apps.lastUsed': 'Dùng gần nhất: {time}',
  'apps.neverUsed': 'Chưa dùng lần nào',
  'apps.data': 'Thông tin được chia sẻ: {data}',
  'apps.revoke': 'Thu hồi',
  'apps.revokeNamed': 'Thu hồi quyền của {client}',
  'apps.revokeConfirm': 'Thu hồi quyền của {client}?',
  'apps.revokeWhat': 'Hệ thống này bị đăng xuất ngay và phải xin phép lại ở lần đăng nhập sau.',
  'apps.revoked': 'Đã thu hồi quyền của {client}.',
} as const;

export type AppsKey = keyof typeof appsVi;

export const appsEn: Record<AppsKey, string> = {
  'scope.openid': 'your account identifier (not your personal ID number)',
  'scope.profile': 'your full name and date of birth',
  'scope.phone': 'your phone number',
  'scope.email': 'your email address',
  'scope.vn_identity': 'your personal ID number (12 digits)',
  'scope.offline_access': 'staying connected while you are not using the system',
  'apps.title': 'Connected systems',
  'apps.intro': 'The systems you allowed to sign you in with this account and to receive your information.',
  'apps.empty': 'You have not let any system sign you in with this account.',
  'apps.since': 'Connected since {date}',
  'apps.lastUsed': 'Last used: {time}',
  'apps.neverUsed': 'Not used yet',
  'apps.data': 'Information shared: {data}',
  'apps.revoke': 'Revoke',
  'apps.revokeNamed': 'Revoke the access of {client}',
  'apps.revokeConfirm': 'Revoke the access of {client}?',
  'apps.revokeWhat': 'The system is signed out at once and must ask again the next time you sign in.',
  'apps.revoked': 'The access of {client} was revoked.',
};
