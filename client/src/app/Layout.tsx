// The signed-in frame: sidebar navigation (the listed pages the viewer's role may open),
// the page title, who is signed in and a logout button. On a phone the sidebar is a top
// bar whose menu opens on demand and closes once a page is chosen.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { roleAllows } from '../api/types';
import { Link } from '../router';
import { useSession } from '../session/session';
import { NAV } from './pages';

export function Layout({ title, path, children }: { title: string; path: string; children: ComponentChildren }) {
  const { viewer, signOut } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  const groups = NAV.map((group) => ({
    ...group,
    pages: group.pages.filter((page) => !page.hidden && (!page.role || roleAllows(viewer.role, page.role))),
  })).filter((group) => group.pages.length > 0);

  return (
    <div class="shell">
      <aside class={menuOpen ? 'sidebar open' : 'sidebar'}>
        <div class="brand">monitor</div>
        <button
          type="button"
          class="menu-toggle"
          aria-expanded={menuOpen}
          onClick={() => setMenuOpen(!menuOpen)}
          data-testid="menu-toggle"
        >
          {menuOpen ? 'Close' : 'Menu'}
        </button>
        <nav>
          {groups.map((group) => (
            <div class="nav-group" key={group.title}>
              <div class="nav-title">{group.title}</div>
              {group.pages.map((page) => (
                <Link
                  key={page.id}
                  href={page.path}
                  class={page.path === path ? 'nav-link active' : 'nav-link'}
                  data-testid={`nav-${page.id}`}
                >
                  {page.title}
                </Link>
              ))}
            </div>
          ))}
        </nav>
        <a class="nav-link nav-external" href="/graphiql" target="_blank" rel="noopener">
          GraphiQL ↗
        </a>
      </aside>
      <main class="main">
        <header class="topbar">
          <h1>{title}</h1>
          <span class="viewer" data-testid="viewer">
            <span class="mono">{viewer.username}</span> <span class="role">{viewer.role}</span>
          </span>
          <button type="button" onClick={signOut} data-testid="logout">
            Log out
          </button>
        </header>
        <section class="content">{children}</section>
      </main>
    </div>
  );
}
