// The landing page: what an engineer checks first at 3 am. Servers up and down and their
// containers, failed operations, stacks and their last runs, and monitor's own health;
// every number opens the list it counts.
import { FailuresCard } from './FailuresCard';
import { MonitorCard } from './MonitorCard';
import { ServersCard } from './ServersCard';
import { StacksCard } from './StacksCard';
import './overview.css';

export function OverviewPage() {
  return (
    <div class="overview">
      <ServersCard />
      <FailuresCard />
      <StacksCard />
      <MonitorCard />
    </div>
  );
}
