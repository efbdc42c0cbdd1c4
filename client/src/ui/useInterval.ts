// Calls a function every `ms` milliseconds while the component is mounted.
import { useEffect, useRef } from 'preact/hooks';

export function useInterval(callback: () => void, ms: number): void {
  const latest = useRef(callback);
  latest.current = callback;
  useEffect(() => {
    const id = setInterval(() => latest.current(), ms);
    return () => clearInterval(id);
  }, [ms]);
}
