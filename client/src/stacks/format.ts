// How stacks write commits: the first 12 characters, as their images are tagged.
export function shortCommit(commit: string): string {
  return commit.slice(0, 12);
}
