// A number on the overview that opens the list it counts.
import { Link } from '../router';

interface CountProps {
  value: number | null;
  label: string;
  href: string;
  /** Coloured when it is not zero: a count of something wrong. */
  alarm?: boolean;
  testid: string;
}

export function Count({ value, label, href, alarm = false, testid }: CountProps) {
  const tone = alarm && value ? ' count-alarm' : '';
  return (
    <Link href={href} class={`count${tone}`} data-testid={testid} data-value={value ?? ''}>
      <span class="count-value">{value ?? '—'}</span> <span class="count-label">{label}</span>
    </Link>
  );
}
