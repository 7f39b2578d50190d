// The menu's word for the statistics page, apart from the page's dictionary: the
// staff menu shows it on every screen and should not download the page's texts.
import type { Lang } from '../i18n';

export const statsMenuLabel: Record<Lang, string> = { vi: 'Thống kê', en: 'Statistics' };
