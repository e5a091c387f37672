import type { StaffPageProps } from '../staff.tsx';

/** The division of work: the current version, the editor with what-if, the history. */
export function DivisionOfWorkPage(_props: StaffPageProps) {
  return <h1>Division of work</h1>;
}
