// Day.js as the screens use it: parsing with explicit formats (DD/MM/YYYY typed at
// the desk) and Vietnamese month and day names. Imported by the screens that show
// or read dates, so the sign-in page does not download it.
import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import 'dayjs/locale/vi';

dayjs.extend(customParseFormat);

export { dayjs };
export type { Dayjs } from 'dayjs';

/** Day.js's names of months and days in the UI's language (the date picker shows them). */
export function useDayjsLocale(lang: 'vi' | 'en') {
  dayjs.locale(lang === 'en' ? 'en' : 'vi');
}
