// (1) A super admin finds an officer by a name typed without diacritics, attaches a
// service-desk unit and grants the right; the grant is refused with a visible reason
// for a non-desk unit and for the VNPost account; a move to a non-desk unit removes the
// right, with a notice. The path is the source document's
// §2: search, "Add account" when not found, attach the unit, tick the right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPage, shot, withApp } from './harness.mjs';
import { signIn, signOut, waitOrRefusal } from './flows.mjs';
import { demo } from './demo.mjs';

const rightName = 'Quyền tạo tài khoản cho công dân';

async function searchOfficers(page, text) {
  const box = page.getByLabel('Tìm tài khoản cán bộ');
  await box.fill(text);
  await box.press('Enter');
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
    await page.getByTestId('officer-table').locator('tbody tr.ant-table-row').first().waitFor();

    // Not in user management yet: the empty result says what to do.
    await searchOfficers(page, demo.newOfficer.search);
    await page.getByText('Không tìm thấy tài khoản cán bộ.').waitFor();
    await shot(page, '1-officer-not-found');

    // "Add account": the registered account is found without diacritics and added.
    await page.getByRole('button', { name: 'Thêm mới tài khoản' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Tìm tài khoản cán bộ').fill(demo.newOfficer.search);
    await dialog.getByLabel('Tìm tài khoản cán bộ').press('Enter');
    const row = dialog.locator('tbody tr', { hasText: demo.newOfficer.fullName });
    await row.waitFor();
    await row.getByRole('button', { name: 'Thêm' }).click();
    // Asked first, then confirmed by name with the next step; the details open only when asked.
    await page.getByRole('tooltip').getByRole('button', { name: 'Thêm' }).click();
    await dialog.getByTestId('officer-added').getByText(`Đã thêm ${demo.newOfficer.fullName} vào quản lý người dùng.`).waitFor();
    assert.ok(page.url().endsWith('/admin/officers'), 'still on the list until the admin asks for the details');
    await checkPage(page, 'officer added');
    await shot(page, '1-officer-added');
    await dialog.getByRole('button', { name: 'Gắn đơn vị và phân quyền' }).click();
    await page.waitForURL(/\/admin\/officers\/[^/]+$/);
    const officerURL = page.url();

    // Searching again now finds her, by the name without diacritics.
    await page.goto(`${base}/admin/officers`);
    await searchOfficers(page, demo.newOfficer.search);
    const link = page.getByTestId('officer-table').getByRole('link', { name: demo.newOfficer.fullName, exact: true });
    await link.waitFor();
    await shot(page, '1-officer-search');
    await link.click();
    assert.equal(page.url(), officerURL);
    await waitOrRefusal(page, page.getByTestId('officer-name').getByText(demo.newOfficer.fullName));

    // No unit yet: the right cannot be granted, and the page says why.
    const checkbox = page.getByRole('checkbox', { name: rightName });
    const reason = page.getByTestId('grant-reason');
    await reason.getByText(/chưa được gắn đơn vị/).waitFor();
    assert.equal(await checkbox.isDisabled(), true);

    // A unit that is not a service desk: still refused, with the naming rule.
    await attachUnit(page, demo.nonDesk.search, demo.nonDesk.name);
    await reason.getByText(/không phải Trung tâm phục vụ hành chính công hoặc Bộ phận một cửa/).waitFor();
    assert.equal(await checkbox.isDisabled(), true);
    await page.locator('.ant-message-notice').waitFor({ state: 'detached' });
    await shot(page, '1-grant-refused-not-desk');

    // A service desk: the right is granted and stays granted after a reload.
    await attachUnit(page, demo.serviceDesk.search, demo.serviceDesk.name);
    await reason.waitFor({ state: 'detached' });
    await checkbox.check();
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.getByText('Đã lưu phân quyền.').waitFor();
    // The desk right is not an admin right, and the page says which group it belongs to.
    await page.getByText('Quyền nghiệp vụ tại Bộ phận một cửa').waitFor();
    await checkPage(page, 'grant saved');
    await page.reload();
    await page.getByRole('checkbox', { name: rightName }).waitFor();
    assert.equal(await page.getByRole('checkbox', { name: rightName }).isChecked(), true);
    await shot(page, '1-grant-saved');

    // Moved to a unit that is no service desk: the right goes, and the page says so.
    await attachUnit(page, demo.nonDesk.search, demo.nonDesk.name);
    await page.getByTestId('officer-notice').getByText(/Đã thu hồi quyền tạo tài khoản cho công dân của cán bộ/).waitFor();
    assert.equal(await page.getByRole('checkbox', { name: rightName }).isChecked(), false);

    // The VNPost account: never an officer's right, although its unit is a desk.
    await page.goto(`${base}/admin/officers`);
    await searchOfficers(page, demo.vnpost.search);
    const vn = page.getByTestId('officer-table').getByRole('link', { name: demo.vnpost.fullName, exact: true });
    await vn.click();
    await waitOrRefusal(page, page.getByTestId('officer-name').getByText(demo.vnpost.fullName));
    await page.getByTestId('grant-reason').getByText(/Bưu điện Việt Nam/).waitFor();
    assert.equal(await page.getByRole('checkbox', { name: rightName }).isDisabled(), true);
    await shot(page, '1-grant-refused-vnpost');

    // The confirmation stays on its screen: after signing out, the sign-in page shows none.
    await signOut(page);
    assert.equal(await page.getByText('Đã lưu phân quyền.').count(), 0);
    assert.equal(await page.locator('.ant-message-notice').count(), 0);
  });
});
