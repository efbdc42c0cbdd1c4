// A coloured badge for a state: the tone says how good it is, the text what it is.
import type { ComponentChildren } from 'preact';

export type Tone = 'up' | 'degraded' | 'down' | 'idle';

interface BadgeProps {
  tone: Tone;
  testid?: string;
  children: ComponentChildren;
}

export function Badge({ tone, testid, children }: BadgeProps) {
  return (
    <span class={`badge badge-${tone}`} data-testid={testid}>
      {children}
    </span>
  );
}
