// @vitest-environment jsdom
// The statistics page against a mocked urql client: what it asks the server, what it
// shows, and what it does on clicks (drill-down, table view, CSV, review, refusals,
// live refresh). ECharts does not draw in jsdom, so ./ChartView is replaced by a stand-in
// that lists its categories as buttons (a click on one is a click on its bar).
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { Provider, type Client, type OperationResult } from 'urql';
import { concat, delay, fromValue, makeSubject, map, never, pipe } from 'wonka';
import type { DocumentNode } from 'graphql';
import { LangProvider } from '../i18n';
import { ViewerProvider } from '../auth/viewer';
import { StatsPage } from './StatsPage';
import { BOM } from './csv';

vi.mock('./ChartView', () => ({
  ChartView: ({ option, testId, onItemClick, label }: { option: { yAxis?: { data?: string[] }; xAxis?: { data?: string[] } }; testId: string; onItemClick?: (i: number) => void; label: string }) => {
    const cats = option.yAxis?.data ?? option.xAxis?.data ?? [];
    return (
      <div data-testid={testId} aria-label={label}>
        {cats.map((c, i) => (
          <button key={i} type="button" data-testid={`${testId}-bar`} onClick={() => onItemClick?.(i)}>
            {c}
          </button>
        ))}
      </div>
    );
  },
}));

beforeAll(() => {
  // What jsdom lacks and Ant Design uses.
  window.matchMedia ??= ((query: string) => ({
    matches: query.includes('min-width') && !query.includes('1600'),
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia;
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

afterEach(cleanup);
// Ant Design renders slowly in jsdom on a busy machine: wait longer than the default second.
configure({ asyncUtilTimeout: 10_000 });

/** The bytes of a Blob, through jsdom's FileReader. */
function bytesOf(b: Blob): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(new Uint8Array(r.result as ArrayBuffer));
    r.onerror = () => reject(r.error);
    r.readAsArrayBuffer(b);
  });
}

const opName = (q: DocumentNode) => {
  const d = q.definitions[0];
  return d.kind === 'OperationDefinition' ? (d.name?.value ?? '') : '';
};

const unit = (id: string, name: string, isServiceDesk = false) => ({ __typename: 'Unit', id, name, isServiceDesk });

function statistics(unitID: string | null, groupBy: string) {
  const bars =
    groupBy === 'OFFICER'
      ? [{ unit: null, officer: { id: 'O1' }, label: 'Nông Văn Thắng', count: 7, drillable: false }]
      : unitID === 'P1'
        ? [{ unit: unit('D1', 'Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn', true), officer: null, label: 'Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn', count: 9, drillable: true }]
        : [
            { unit: unit('P1', 'Tỉnh Lạng Sơn'), officer: null, label: 'Tỉnh Lạng Sơn', count: 1234, drillable: true },
            { unit: unit('P2', 'Thành phố Hà Nội'), officer: null, label: 'Thành phố Hà Nội', count: 56, drillable: false },
          ];
  return {
    from: '2026-11-06',
    to: '2026-12-05',
    unit: null,
    accountsPerDay: [
      { day: '2026-12-04', count: 1234 },
      { day: '2026-12-05', count: 5 },
    ],
    accountsBy: bars,
    funnel: { started: 200, otpSent: 150, created: 120, cancelled: 30, expired: 50 },
    funnelBy: [{ unit: { id: 'D1', name: 'Trung tâm, "Lạng Sơn"' }, funnel: { started: 20, otpSent: 10, created: 5, cancelled: 1, expired: 2 } }],
    sms: [{ kind: 'REGISTRATION_OTP', carrier: 'VIETTEL', sent: 10, delivered: 8, undelivered: 1, failed: 0, noReport: 1 }],
    smsDelivery: [{ day: '2026-12-05', delivered: 8, p50Seconds: 3.5, p95Seconds: null }],
    otp: { codesSent: 150, resends: 12, attemptsExhausted: 3, accountsCreated: 120, codesPerAccount: 1.25 },
  };
}

const signal = (id: string, reviewed = false) => ({
  id,
  kind: 'SHARED_PHONE',
  unit: { id: 'D1', name: 'Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn' },
  officer: { id: 'O1', account: { id: 'A1', fullName: 'Nông Văn Thắng' } },
  value: 4,
  threshold: 3,
  day: '2026-12-01',
  detectedAt: '2026-12-02T01:00:00Z',
  subjectIDs: ['ACC1', 'ACC2'],
  reviewed,
  reviewedAt: reviewed ? '2026-12-05T03:04:05Z' : null,
  reviewedBy: reviewed ? { id: 'O9', account: { id: 'A9', fullName: 'Quản Trị Viên' } } : null,
  reviewNote: reviewed ? 'đã kiểm tra' : null,
});

interface Call {
  name: string;
  variables: Record<string, unknown>;
  requestPolicy?: string;
}

/** A urql client whose answers come from answer(); calls are recorded. */
function mockClient(answer: (name: string, variables: Record<string, unknown>) => { data?: unknown; error?: unknown }) {
  const calls: Call[] = [];
  const live = makeSubject<OperationResult>();
  type Req = { key: number; query: DocumentNode; variables?: object };
  type Ctx = { requestPolicy?: string } | undefined;
  const respond = (req: Req, ctx: Ctx) => {
    const name = opName(req.query);
    const variables = (req.variables ?? {}) as Record<string, unknown>;
    calls.push({ name, variables, requestPolicy: ctx?.requestPolicy });
    const { data, error } = answer(name, variables);
    return { operation: { ...req, context: ctx ?? {} }, data, error, stale: false, hasNext: false } as unknown as OperationResult;
  };
  const client = {
    // A query's source stays open, as urql's do (on completion useQuery forgets the error).
    executeQuery: vi.fn((req: Req, ctx: Ctx) => concat([pipe(fromValue(req), delay(1), map((r) => respond(r, ctx))), never])),
    executeMutation: vi.fn((req: Req, ctx: Ctx) => pipe(fromValue(req), delay(1), map((r) => respond(r, ctx)))),
    executeSubscription: vi.fn((req: Req) => {
      calls.push({ name: opName(req.query), variables: (req.variables ?? {}) as Record<string, unknown> });
      return opName(req.query) === 'StatisticsChanged' ? pipe(live.source, map((r) => ({ ...r, operation: req }))) : never;
    }),
  } as unknown as Client;
  return { client, calls, live };
}

const superAdmin = {
  viewer: {
    roles: ['super_admin'],
    permissions: [],
    currentSessionID: 'S1',
    sessions: [],
    account: { id: 'A9', idNumberMasked: '0010******01', fullName: 'Quản Trị Viên', dateOfBirth: null, phoneMasked: null, email: null, status: 'ACTIVE', origin: 'IMPORTED', mustChangePassword: false, createdAt: '2026-01-01T00:00:00Z' },
    officer: { id: 'O9', permissions: [], isAdmin: true, isSuperAdmin: true, canCreateCitizenAccounts: false, blockers: [], manageable: false, adminUnit: null, account: null, unit: null },
  },
};

function refusal(code: string, message: string) {
  return { graphQLErrors: [{ message, extensions: { code } }], networkError: undefined, message };
}

function renderPage(client: Client) {
  return render(
    <Provider value={client}>
      <LangProvider>
        <ViewerProvider>
          <MemoryRouter>
            <StatsPage />
          </MemoryRouter>
        </ViewerProvider>
      </LangProvider>
    </Provider>,
  );
}

const lastStats = (calls: Call[]) => calls.filter((c) => c.name === 'Statistics').at(-1);

describe('the statistics page', { timeout: 60_000 }, () => {
  let signals: ReturnType<typeof signal>[];
  let reviewError: unknown;
  beforeEach(() => {
    signals = [signal('SG1'), signal('SG2')];
    reviewError = undefined;
  });
  const answers = (name: string, v: Record<string, unknown>) => {
    switch (name) {
      case 'Viewer':
        return { data: superAdmin };
      case 'Statistics': {
        const f = v.filter as { unitID: string | null };
        return { data: { statistics: statistics(f.unitID, v.groupBy as string) } };
      }
      case 'Signals': {
        const include = (v.filter as { includeReviewed: boolean }).includeReviewed;
        const list = signals.filter((s) => include || !s.reviewed);
        return { data: { signals: { totalCount: list.length, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null }, edges: list.map((node) => ({ node })) } } };
      }
      case 'ReviewSignal': {
        if (reviewError) return { error: reviewError };
        const s = signals.find((x) => x.id === v.id)!;
        Object.assign(s, signal(s.id, true), { reviewNote: v.note });
        return { data: { reviewSignal: s } };
      }
      case 'SignalSettings':
        return { data: { signalSettings: { sharedPhoneAccounts: 3, deskDropOffFactor: 2, lookupBudgetShare: 0.9, openingFrom: '07:30', openingTo: '17:00', unusedPasswordShare: 0.5 } } };
      case 'UpdateSignalSettings':
        return { data: { updateSignalSettings: { ...(v.input as object) } } };
      default:
        return { data: null };
    }
  };

  it('shows every figure of the period, 30 days by default, for the whole scope', async () => {
    const { client, calls } = mockClient(answers);
    renderPage(client);
    expect((await screen.findByText('Thống kê', { selector: 'h1' })).tagName).toBe('H1');
    await screen.findByTestId('stats-chart-per-day');
    expect(lastStats(calls)?.variables).toEqual({ filter: { unitID: null, period: 'LAST_30_DAYS' }, groupBy: 'UNIT' });
    expect(screen.getByText('Số liệu từ 06/11/2026 đến 05/12/2026')).toBeTruthy();
    for (const id of ['by', 'funnel', 'funnel-by', 'sms', 'delivery']) expect(await screen.findByTestId(`stats-chart-${id}`)).toBeTruthy();
    // The funnel's bars say how many dropped off from the step before.
    expect(within(screen.getByTestId('stats-chart-funnel')).getByText('Đã gửi OTP (−25%)')).toBeTruthy();
    expect(within(screen.getByTestId('stats-chart-sms')).getByText('Mã OTP tạo tài khoản · Viettel')).toBeTruthy();
    expect(within(screen.getByTestId('otp-codesPerAccount')).getByText('1,25')).toBeTruthy();
    expect(screen.getByTestId('stats-updated-at').textContent).toMatch(/^Cập nhật lúc \d\d:\d\d:\d\d$/);
  });

  it('asks again for another period', async () => {
    const { client, calls } = mockClient(answers);
    renderPage(client);
    await screen.findByTestId('stats-chart-per-day');
    fireEvent.click(within(screen.getByTestId('stats-period')).getByText('7 ngày'));
    await waitFor(() => expect(lastStats(calls)?.variables.filter).toEqual({ unitID: null, period: 'LAST_7_DAYS' }));
    // A custom period asks nothing until both days are chosen.
    const before = calls.length;
    fireEvent.click(within(screen.getByTestId('stats-period')).getByText('Tùy chọn'));
    expect(await screen.findByText('Chọn khoảng ngày (tối đa 366 ngày) để xem số liệu.')).toBeTruthy();
    expect(calls.slice(before).filter((c) => c.name === 'Statistics')).toEqual([]);
  });

  it('drills down from the scope to a province, a desk and its officers, and back by the trail', async () => {
    const { client, calls } = mockClient(answers);
    renderPage(client);
    const bars = await screen.findByTestId('stats-chart-by');
    // A unit without children is no link down.
    fireEvent.click(within(bars).getByText('Thành phố Hà Nội'));
    expect(lastStats(calls)?.variables.filter).toEqual({ unitID: null, period: 'LAST_30_DAYS' });

    fireEvent.click(within(bars).getByText('Tỉnh Lạng Sơn'));
    await waitFor(() => expect(lastStats(calls)?.variables).toEqual({ filter: { unitID: 'P1', period: 'LAST_30_DAYS' }, groupBy: 'UNIT' }));
    const desk = await within(await screen.findByTestId('stats-chart-by')).findByText('Trung tâm Phục vụ hành chính công tỉnh Lạng Sơn');
    fireEvent.click(desk);
    await waitFor(() => expect(lastStats(calls)?.variables).toEqual({ filter: { unitID: 'D1', period: 'LAST_30_DAYS' }, groupBy: 'OFFICER' }));
    expect(await screen.findByText('Tài khoản được tạo theo cán bộ (10 cán bộ nhiều nhất)')).toBeTruthy();
    const trail = screen.getByTestId('stats-trail');
    expect(within(trail).getByText('Tỉnh Lạng Sơn')).toBeTruthy();

    fireEvent.click(within(trail).getByText('Toàn bộ phạm vi quản lý'));
    await waitFor(() => expect(lastStats(calls)?.variables).toEqual({ filter: { unitID: null, period: 'LAST_30_DAYS' }, groupBy: 'UNIT' }));
    expect(within(screen.getByTestId('stats-trail')).queryByText('Tỉnh Lạng Sơn')).toBeNull();
  });

  it('shows a figure as a table, the Vietnamese way, and drills down from it by keyboard-reachable buttons', async () => {
    const { client, calls } = mockClient(answers);
    renderPage(client);
    await screen.findByTestId('stats-chart-per-day');
    fireEvent.click(within(screen.getByTestId('stats-view-per-day')).getByText('Bảng'));
    const table = await screen.findByTestId('stats-table-per-day');
    expect(within(table).getByText('04/12/2026')).toBeTruthy();
    expect(within(table).getByText('1.234')).toBeTruthy();
    expect(screen.queryByTestId('stats-chart-per-day')).toBeNull();

    fireEvent.click(within(screen.getByTestId('stats-view-by')).getByText('Bảng'));
    // Role queries are slow on Ant Design's large trees in jsdom: find by label.
    const drill = await within(await screen.findByTestId('stats-table-by')).findByLabelText('Xem chi tiết Tỉnh Lạng Sơn');
    fireEvent.click(drill);
    await waitFor(() => expect(lastStats(calls)?.variables.filter).toEqual({ unitID: 'P1', period: 'LAST_30_DAYS' }));
  });

  it('exports a figure as CSV: UTF-8 with a BOM, Vietnamese numbers and days', async () => {
    const blobs: Blob[] = [];
    const created = vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:stats';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const names: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    const { client } = mockClient(answers);
    renderPage(client);
    await screen.findByTestId('stats-chart-per-day');
    fireEvent.click(screen.getByTestId('stats-csv-per-day'));
    fireEvent.click(screen.getByTestId('stats-csv-funnel-by'));
    expect(created).toHaveBeenCalledTimes(2);
    expect(names).toEqual(['tai-khoan-duoc-tao-theo-ngay_2026-11-06_2026-12-05.csv', 'quy-trinh-tao-tai-khoan-theo-don-vi_2026-11-06_2026-12-05.csv']);
    const bytes = await bytesOf(blobs[0]);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text).toBe(`${BOM}Ngày,Số lượng\r\n04/12/2026,1.234\r\n05/12/2026,5\r\n`);
    const perDesk = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await bytesOf(blobs[1]));
    expect(perDesk.split('\r\n')[1]).toBe('"Trung tâm, ""Lạng Sơn""",20,10,5,1,2,50%,50%,25%');
    vi.restoreAllMocks();
  });

  it('refreshes from the server on each live change and says when', async () => {
    const { client, calls, live } = mockClient(answers);
    renderPage(client);
    await screen.findByTestId('stats-chart-per-day');
    expect(calls.some((c) => c.name === 'StatisticsChanged' && c.variables.unitID === null)).toBe(true);
    const before = calls.filter((c) => c.name === 'Statistics').length;
    act(() => live.next({ data: { statisticsChanged: { at: '2026-12-05T03:00:00Z' } } } as unknown as OperationResult));
    await waitFor(() => expect(calls.filter((c) => c.name === 'Statistics').length).toBeGreaterThan(before));
    expect(lastStats(calls)?.requestPolicy).toBe('network-only');
    expect(screen.getByTestId('stats-live').textContent).toBe('Trực tiếp');
  });

  it('shows a refusal in Vietnamese, as the server words it', async () => {
    const { client } = mockClient((name, v) =>
      name === 'Statistics' ? { error: refusal('FORBIDDEN', 'Bạn không có quyền xem thống kê của đơn vị này.') } : answers(name, v),
    );
    renderPage(client);
    const alert = await screen.findByTestId('error-alert');
    expect(alert.getAttribute('data-code')).toBe('FORBIDDEN');
    expect(alert.textContent).toContain('Bạn không có quyền xem thống kê của đơn vị này.');
  });

  it('lists the signals, links the audit trail, and marks one reviewed with a note', async () => {
    const { client, calls } = mockClient(answers);
    renderPage(client);
    fireEvent.click(await screen.findByText('Dấu hiệu bất thường'));
    const table = await screen.findByTestId('signals-table');
    await within(table).findAllByText('Một số điện thoại dùng cho nhiều công dân');
    expect(within(table).getAllByText('4 / 3')).toHaveLength(2);
    expect(within(table).getAllByTestId('signal-audit')[0].getAttribute('href')).toBe('/admin/audit?target=ACC1&target=ACC2');
    expect(calls.filter((c) => c.name === 'Signals').at(-1)?.variables.filter).toEqual({ unitID: null, kind: null, includeReviewed: false });

    fireEvent.click(within(table).getAllByTestId('signal-review')[0]);
    const dialog = (await screen.findByTestId('signal-note')).closest('.ant-modal') as HTMLElement;
    fireEvent.change(within(dialog).getByLabelText('Ghi chú (không bắt buộc)'), { target: { value: '  đã gọi điện cho đơn vị  ' } });
    fireEvent.click(within(dialog).getByTestId('signal-review-confirm'));
    await screen.findByTestId('signal-reviewed');
    expect(calls.find((c) => c.name === 'ReviewSignal')?.variables).toEqual({ id: 'SG1', note: 'đã gọi điện cho đơn vị' });
    // The reviewed signal leaves the list of those to review.
    await waitFor(() => expect(within(screen.getByTestId('signals-table')).getAllByTestId('signal-review')).toHaveLength(1));
    expect(calls.filter((c) => c.name === 'Signals').at(-1)?.requestPolicy).toBe('network-only');

    // With the reviewed ones: who reviewed it, when, and the note.
    fireEvent.click(screen.getByTestId('signals-include-reviewed'));
    expect(await screen.findByText('đã gọi điện cho đơn vị')).toBeTruthy();
    const reviewedBy = screen.getByTestId('signal-reviewed-by').textContent;
    expect(reviewedBy).toMatch(/^Đã xem xét lúc \d\d:\d\d:\d\d 05\/12\/2026 bởi Quản Trị Viên$/);
  });

  it('keeps a refused review in the dialog, in Vietnamese', async () => {
    reviewError = refusal('OUT_OF_SCOPE', 'Dấu hiệu này không thuộc phạm vi quản lý của bạn.');
    const { client } = mockClient(answers);
    renderPage(client);
    fireEvent.click(await screen.findByText('Dấu hiệu bất thường'));
    fireEvent.click((await screen.findAllByTestId('signal-review'))[0]);
    const dialog = (await screen.findByTestId('signal-note')).closest('.ant-modal') as HTMLElement;
    fireEvent.click(within(dialog).getByTestId('signal-review-confirm'));
    const alert = await within(dialog).findByTestId('error-alert');
    expect(alert.textContent).toContain('Dấu hiệu này không thuộc phạm vi quản lý của bạn.');
    expect(screen.queryByTestId('signal-reviewed')).toBeNull();
  });

  it("lets the super admin change the thresholds, shares written as percentages", async () => {
    const { client, calls } = mockClient(answers);
    renderPage(client);
    fireEvent.click(await screen.findByText('Dấu hiệu bất thường'));
    fireEvent.click(await screen.findByTestId('signal-settings-open'));
    const share = await screen.findByLabelText('Tỷ lệ hạn mức tra cứu trong ngày (%)');
    expect((share as HTMLInputElement).value).toBe('90');
    fireEvent.change(share, { target: { value: '80' } });
    fireEvent.change(screen.getByLabelText('Giờ mở cửa'), { target: { value: '7 giờ' } });
    fireEvent.click(screen.getByTestId('signal-settings-save'));
    // A malformed time is refused in the form; nothing is sent.
    expect((await screen.findAllByText('Định dạng HH:MM, ví dụ 07:30')).length).toBeGreaterThan(0);
    expect(calls.some((c) => c.name === 'UpdateSignalSettings')).toBe(false);
    fireEvent.change(screen.getByLabelText('Giờ mở cửa'), { target: { value: '07:00' } });
    fireEvent.click(screen.getByTestId('signal-settings-save'));
    await screen.findByTestId('signal-settings-saved');
    expect(calls.find((c) => c.name === 'UpdateSignalSettings')?.variables.input).toEqual({
      sharedPhoneAccounts: 3,
      deskDropOffFactor: 2,
      lookupBudgetShare: 0.8,
      openingFrom: '07:00',
      openingTo: '17:00',
      unusedPasswordShare: 0.5,
    });
  });
});
