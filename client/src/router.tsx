// Client-side routing on the History API: the current location, navigate(), path patterns
// with `:name` segments, <Link> and <Redirect>.
import type { AnchorHTMLAttributes, ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

const NAVIGATE = 'monitor:navigate';

export interface Location {
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export function navigate(to: string, { replace = false } = {}): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE));
}

/** The current location, re-rendering on back/forward and on navigate(). */
export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () =>
      setLocation((previous) => {
        const next = current();
        const same = next.path === previous.path && next.query.toString() === previous.query.toString();
        return same ? previous : next;
      });
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    // A child's effect (e.g. <Redirect>) may have navigated before this listener existed.
    update();
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return location;
}

/**
 * The values of `pattern`'s `:name` segments in `path` (`/stacks/:id` on `/stacks/01J…`
 * gives `{ id: '01J…' }`), or null when the path does not fit the pattern.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const wanted = pattern.split('/');
  const given = path.split('/');
  if (wanted.length !== given.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of wanted.entries()) {
    const value = given[index];
    if (!segment.startsWith(':')) {
      if (segment !== value) return null;
      continue;
    }
    if (!value) return null;
    try {
      params[segment.slice(1)] = decodeURIComponent(value);
    } catch {
      return null;
    }
  }
  return params;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children: ComponentChildren };

/** An in-app link: a plain click navigates without reloading; modified clicks behave as usual. */
export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}

export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
