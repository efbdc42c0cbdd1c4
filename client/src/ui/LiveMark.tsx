// Whether a list is kept live: "● live", or why its feed stopped, with a button that
// reads the list again and resubscribes.
export function LiveMark({ error, onReload, testid }: { error: string | null; onReload: () => void; testid: string }) {
  if (!error) {
    return (
      <span class="live" title="changes appear as they happen" data-testid={testid}>
        ● live
      </span>
    );
  }
  return (
    <button type="button" class="live-stopped" title={error} onClick={onReload} data-testid={`${testid}-stopped`}>
      ○ live updates stopped: reload
    </button>
  );
}
