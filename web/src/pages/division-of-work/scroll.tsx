import type { ComponentChildren } from 'preact';

/**
 * A wide table's frame: on a narrow screen the table scrolls sideways inside it, and a keyboard
 * user can focus the frame to scroll it (WCAG 2.1.1; axe's scrollable-region-focusable), its
 * name said as the region's.
 */
export function Scroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // A section with a name is a region landmark.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section class="dow-scroll" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
