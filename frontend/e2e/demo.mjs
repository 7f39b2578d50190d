// The demo data `motcua serve --dev` seeds on a fresh database (seed/demo.go,
// seed/units.go), as the browser tests use it.
export const demo = {
  superAdmin: { login: '001078900001', password: 'SieuQuanTri@2026' },
  // Nông Văn Thắng, at the Lạng Sơn public administration centre, holds the right.
  officer: { login: '020090900003', password: 'CanBoMotCua@2026' },
  // A registered portal account not yet in user management.
  newOfficer: { search: 'dang thi anh', fullName: 'Đặng Thị Ánh' },
  // An officer whose account came from Vietnam Post.
  vnpost: { search: 'vu thi lan', fullName: 'Vũ Thị Lan' },
  serviceDesk: { search: '000.00.01.H37', name: 'Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn' },
  nonDesk: { search: '000.00.02.H37', name: 'Sở Tư pháp tỉnh Lạng Sơn' },
  // A citizen who already has an account.
  existingCitizen: { idNumber: '001201900006', fullName: 'Nguyễn Văn An' },
  // The console provider never delivers to this number in dev mode.
  undeliverablePhone: '0900000404',
  // The console provider's sends to this number fail with a gateway error in dev mode.
  failingPhone: '0900000500',
};
