'use client';

import Link from 'next/link';
import { Fragment, useRef, useState } from 'react';
import { DEMO_COMMAND } from '@/lib/offline';

type Copied = 'idle' | 'copied' | 'selected';

/** Copies `text`; where the Clipboard API is missing (plain http from another host) it selects
 *  `el`'s text so Ctrl+C or the context menu does the rest. */
async function copyText(text: string, el: HTMLElement | null): Promise<Copied> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return 'copied';
    }
  } catch {
    // Permission refused: fall back to selecting the text.
  }
  const selection = window.getSelection();
  if (!el || !selection) return 'idle';
  selection.selectAllChildren(el);
  return 'selected';
}

/**
 * Nothing is stored and every source's last run failed (see lib/offline.ts): says so in one line
 * and gives the command that starts the offline demo, ready to copy.
 */
export function OfflineNotice({ linkSources = false }: { linkSources?: boolean }) {
  const code = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<Copied>('idle');
  const failed = 'every source failed to fetch';
  return (
    <div className="card notice" role="status" data-testid="offline-notice">
      <p>
        <strong>No data yet:</strong> {linkSources ? <Link href="/sources/">{failed}</Link> : failed} (this machine may
        be offline). To see the dashboard with demo data, run:{' '}
        <span className="command">
          <code ref={code} data-testid="demo-command">
            {/* Wraps between arguments only, never after the hyphens inside one. */}
            {DEMO_COMMAND.split(' ').map((arg, i) => (
              <Fragment key={i}>
                {i > 0 && ' '}
                <span className="arg">{arg}</span>
              </Fragment>
            ))}
          </code>
          <button
            type="button"
            className="button"
            onClick={async () => setCopied(await copyText(DEMO_COMMAND, code.current))}
            data-testid="copy-demo-command"
          >
            {copied === 'copied' ? 'Copied' : copied === 'selected' ? 'Selected: press Ctrl+C or ⌘C' : 'Copy'}
          </button>
        </span>
      </p>
    </div>
  );
}
