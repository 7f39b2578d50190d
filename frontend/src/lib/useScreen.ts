import { Grid } from 'antd';

/** Whether the screen is a phone's (narrower than 768 px): layouts stack and tables become lists. */
export function useIsPhone(): boolean {
  const screens = Grid.useBreakpoint();
  return !screens.md;
}

/** Whether the side menu fits beside the content (992 px and wider). */
export function useWideScreen(): boolean {
  const screens = Grid.useBreakpoint();
  return !!screens.lg;
}
