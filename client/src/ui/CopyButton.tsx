// Copies a text to the clipboard and says so. The Clipboard API exists only on secure
// origins (https, localhost): elsewhere there is no button.
import { useState } from 'preact/hooks';

export function CopyButton({ text, testid }: { text: string; testid: string }) {
  const [copied, setCopied] = useState(false);
  if (!navigator.clipboard) return null;
  const copy = async () => {
    await navigator.clipboard.writeText(text);
    setCopied(true);
  };
  return (
    <button type="button" onClick={copy} data-testid={testid}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
