// (1) A super admin finds an officer by a name typed without diacritics, attaches a
// service-desk unit and grants the right; the grant is refused with a visible reason
// for a non-desk unit and for the VNPost account.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shot, withApp } from './harness.mjs';
import { signIn } from './flows.mjs';
import { demo } from './demo.mjs';

async function openOfficer(page, search, fullName) {
  await page.getByRole('link', { name: /Quản lý người dùng/ }).first().click().catch(() => {});
  const box = page.getByLabel('Tìm tài khoản cán bộ');
  await box.fill(search);
  await box.press('Enter');
  const link = page.getByTestId('officer-table').getByRole('link', { name: fullName, exact: true });
  await link.waitFor();
  return link;
}

async function attachUnit(page, search, unitName) {
  await page.getByRole('button', { name: /Gắn đơn vị|Cập nhật đơn vị/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByPlaceholder('Mã định danh hoặc tên đơn vị').fill(search);
  await dialog.getByRole('button', { name: 'Tìm kiếm' }).click();
  await dialog.getByRole('button', { name: `Chọn ${unitName}`, exact: true }).click();
  await page.getByTestId('officer-unit').getByText(unitName, { exact: true }).waitFor();
}

test('super admin attaches a service desk and grants the right; refusals say why', { timeout: 120_000 }, async () => {
  await withApp('admin-grant', async ({ base, page }) => {
    await signIn(page, base, demo.superAdmin.login, demo.superAdmin.password);
    await page.waitForURL(/\/admin\/officers$/);

    // Search without diacritics finds the name written with them.
    const link = await openOfficer(page, demo.plainOfficer.search, demo.plainOfficer.fullName);
    await shot(page, '1-officer-search');
    await link.click();
    await page.getByTestId('officer-name').getByText(demo.plainOfficer.fullName).waitFor();

    // A unit that is not a service desk: the checkbox is disabled and says why.
    await attachUnit(page, demo.nonDesk.search, demo.nonDesk.name);
    const checkbox = page.getByRole('checkbox', { name: 'Quyền tạo tài khoản cho công dân' });
    assert.equal(await checkbox.isDisabled(), true);
    const reason = page.getByTestId('grant-reason');
    await reason.getByText(/không phải Trung tâm phục vụ hành chính công hoặc Bộ phận một cửa/).waitFor();
    await shot(page, '1-grant-refused-not-desk');

    // A service desk: the right can be granted, and it stays granted after a reload.
    await attachUnit(page, demo.serviceDesk.search, demo.serviceDesk.name);
    await reason.waitFor({ state: 'detached' });
    await checkbox.check();
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu phân quyền.').waitFor();
    await page.reload();
    await page.getByRole('checkbox', { name: 'Quyền tạo tài khoản cho công dân' }).waitFor();
    assert.equal(await page.getByRole('checkbox', { name: 'Quyền tạo tài khoản cho công dân' }).isChecked(), true);
    await shot(page, '1-grant-saved');

    // The VNPost account: never an officer's right, whatever its unit.
    await page.goto(`${base}/admin/officers`);
    const vn = await openOfficer(page, demo.vnpost.search, demo.vnpost.fullName);
    await vn.click();
    await page.getByTestId('officer-name').getByText(demo.vnpost.fullName).waitFor();
    await page.getByTestId('grant-reason').getByText(/Bưu điện Việt Nam/).waitFor();
    assert.equal(await page.getByRole('checkbox', { name: 'Quyền tạo tài khoản cho công dân' }).isDisabled(), true);
    await shot(page, '1-grant-refused-vnpost');
  });
});
