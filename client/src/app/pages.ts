// Every page of the signed-in app, grouped as the sidebar shows them. Adding a page is one
// entry here: the router and the navigation both read this list.
import type { FunctionComponent } from 'preact';
import type { Role } from '../api/types';
import { APP_ROUTE, AppPage } from '../apps/AppPage';
import { AppsPage } from '../apps/AppsPage';
import { AuditPage } from '../audit/AuditPage';
import { BackupPage } from '../backup/BackupPage';
import { CatalogPage } from '../catalog/CatalogPage';
import { CONTAINER_ROUTE, ContainerPage } from '../container/ContainerPage';
import { ContainersPage } from '../containers/ContainersPage';
import { HealthPage } from '../health/HealthPage';
import { LogsPage } from '../logs/LogsPage';
import { MEASUREMENT_ROUTE, MeasurementPage } from '../measurements/MeasurementPage';
import { MeasurementsPage } from '../measurements/MeasurementsPage';
import { ImagesPage } from '../engine/ImagesPage';
import { NetworksPage } from '../engine/NetworksPage';
import { VolumesPage } from '../engine/VolumesPage';
import { CreditsPage } from '../credits/CreditsPage';
import { CommandsPage } from '../operations/CommandsPage';
import { OperationPage } from '../operations/OperationPage';
import { OperationsPage } from '../operations/OperationsPage';
import { OverviewPage } from '../overview/OverviewPage';
import { ProbesPage } from '../probes/ProbesPage';
import { matchPath } from '../router';
import { ServersPage } from '../servers/ServersPage';
import { STACK_ROUTE, StackPage } from '../stacks/StackPage';
import { StacksPage } from '../stacks/StacksPage';
import { TokensPage } from '../tokens/TokensPage';
import { UsersPage } from '../users/UsersPage';

export interface Page {
  /** Short stable name, used in data-testid="nav-<id>". */
  id: string;
  /** May hold `:name` segments (see matchPath). */
  path: string;
  title: string;
  component: FunctionComponent;
  /** Least role that may open the page; everyone signed in when absent. */
  role?: Role;
  /** Reached through links only (one container's log, one operation, one stack): not in the sidebar. */
  hidden?: boolean;
}

export interface NavGroup {
  title: string;
  pages: Page[];
}

// The server owns /graphql, /graphiql, /backup, /hooks, /healthz, /readyz, /metrics and
// what is under /probes/ (the probes' websocket, results downloads): keep page paths
// clear of those.
export const NAV: NavGroup[] = [
  {
    title: 'Monitor',
    pages: [
      { id: 'overview', path: '/overview', title: 'Overview', component: OverviewPage },
      { id: 'health', path: '/health', title: 'Health', component: HealthPage },
      { id: 'audit', path: '/audit', title: 'Audit log', component: AuditPage },
    ],
  },
  {
    title: 'Docker',
    pages: [
      { id: 'servers', path: '/servers', title: 'Servers', component: ServersPage },
      { id: 'containers', path: '/containers', title: 'Containers', component: ContainersPage },
      { id: 'logs', path: '/containers/logs', title: 'Container log', component: LogsPage, hidden: true },
      { id: 'container', path: CONTAINER_ROUTE, title: 'Container', component: ContainerPage, hidden: true },
      { id: 'images', path: '/images', title: 'Images', component: ImagesPage },
      { id: 'volumes', path: '/volumes', title: 'Volumes', component: VolumesPage },
      { id: 'networks', path: '/networks', title: 'Networks', component: NetworksPage },
      { id: 'commands', path: '/commands', title: 'Run command', component: CommandsPage, role: 'OPERATOR' },
      { id: 'operations', path: '/operations', title: 'Operations', component: OperationsPage },
      { id: 'operation', path: '/operations/view', title: 'Operation', component: OperationPage, hidden: true },
    ],
  },
  {
    title: 'Deploy',
    pages: [
      { id: 'stacks', path: '/stacks', title: 'Stacks', component: StacksPage },
      { id: 'stack', path: STACK_ROUTE, title: 'Stack', component: StackPage, hidden: true },
    ],
  },
  {
    title: 'Kubernetes',
    pages: [
      { id: 'apps', path: '/apps', title: 'Apps', component: AppsPage },
      { id: 'app', path: APP_ROUTE, title: 'App', component: AppPage, hidden: true },
      { id: 'catalog', path: '/catalog', title: 'Component catalog', component: CatalogPage },
    ],
  },
  {
    title: 'Measure',
    pages: [
      { id: 'probes', path: '/probes', title: 'Probes', component: ProbesPage },
      { id: 'measurements', path: '/measurements', title: 'Measurements', component: MeasurementsPage },
      { id: 'measurement', path: MEASUREMENT_ROUTE, title: 'Measurement', component: MeasurementPage, hidden: true },
    ],
  },
  {
    title: 'Account',
    pages: [
      { id: 'credits', path: '/credits', title: 'Credits', component: CreditsPage },
      { id: 'tokens', path: '/tokens', title: 'API tokens', component: TokensPage },
    ],
  },
  {
    title: 'Admin',
    pages: [
      { id: 'users', path: '/admin/users', title: 'Users', component: UsersPage, role: 'ADMIN' },
      { id: 'backup', path: '/admin/backup', title: 'Backup', component: BackupPage, role: 'ADMIN' },
    ],
  },
];

export const HOME = '/overview';

export function findPage(path: string): Page | undefined {
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return NAV.flatMap((group) => group.pages).find((page) => matchPath(page.path, normalized));
}
