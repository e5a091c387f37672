import type { StaffPageProps } from '../staff.tsx';

/** The relief dashboard: now, a month, trends against targets. */
export function DashboardPage(_props: StaffPageProps) {
  return <h1>Dashboard</h1>;
}
